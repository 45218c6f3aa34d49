package config

import (
	"strings"
	"testing"
)

func TestSite(t *testing.T) {
	noLink := strings.Replace(valid, "  link: https://example.com\n", "", 1)
	for _, tc := range []struct {
		name, src string
		want      []string // substrings of the error; none: valid
		check     func(*Config) bool
	}{
		{"on by default", valid, nil, func(c *Config) bool { return c.Site.Enabled && c.Site.Spotify == "" }},
		{"directories", valid + "site:\n  apple_podcasts: https://podcasts.apple.com/podcast/id1\n  youtube: https://www.youtube.com/@show\n", nil,
			func(c *Config) bool {
				return c.Site.ApplePodcasts == "https://podcasts.apple.com/podcast/id1" && c.Site.YouTube == "https://www.youtube.com/@show"
			}},
		{"off", valid + "site:\n  enabled: false\n", nil, func(c *Config) bool { return !c.Site.Enabled }},
		{"no podcast.link: the site is the show's page", noLink, nil, func(c *Config) bool { return c.Podcast.Link == "" }},
		{"no podcast.link and no site", noLink + "site:\n  enabled: false\n", []string{"podcast.link: is required"}, nil},
		{"not a URL, with its line", valid + "site:\n  enabled: true\n  spotify: open.spotify.com/show/x\n", []string{"config.yaml:24: site.spotify:", "absolute http(s) URL"}, nil},
		{"unknown key", valid + "site:\n  stitcher: https://x.example\n", []string{"config.yaml:23:", "stitcher"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parse(t, tc.src)
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("error %v for\n%s", err, tc.src)
				}
				if !tc.check(c) {
					t.Errorf("decoded %+v (podcast.link %q)", c.Site, c.Podcast.Link)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error for\n%s", tc.src)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}
