package config

import (
	"errors"
	"strings"
	"testing"
)

const valid = `podcast:
  title: Test Show
  description: A show for tests.
  link: https://example.com
  base_url: https://feeds.example.com/show/
  language: ar-MA
  author: The Hosts
  owner:
    name: Owner
    email: owner@example.com
  image: cover.png
  categories:
    - name: Technology
    - name: Education
      subcategories: [How To]
  timezone: Africa/Casablanca
  publish_time: "20:00"
episodes:
  dir: episodes
media:
  url_template: "{{.BaseURL}}/media/{{.Slug}}.mp3"
`

func parse(t *testing.T, src string) (*Config, error) {
	t.Helper()
	c := Default()
	if err := c.Parse("config.yaml", strings.NewReader(src)); err != nil {
		return c, err
	}
	return c, c.Validate()
}

func TestValid(t *testing.T) {
	c, err := parse(t, valid)
	if err != nil {
		t.Fatalf("valid config: %v", err)
	}
	if c.Podcast.Language != "ar-MA" || c.Podcast.Owner.Email != "owner@example.com" {
		t.Errorf("decoded %+v", c.Podcast)
	}
	if c.Serve.Schedule != "@daily" || c.Transcripts.Concurrency != 2 {
		t.Errorf("defaults lost: serve=%+v transcripts=%+v", c.Serve, c.Transcripts)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // substrings, each must appear
	}{
		{"unknown key names its line", valid + "output:\n  dri: x\n", []string{"config.yaml:23:", "dri", "spelling"}},
		{"syntax error names its line", "podcast:\n  title: [unclosed\n", []string{"config.yaml:2:"}},
		{"wrong type", strings.Replace(valid, "  explicit: false\n", "", 1) + "transcripts:\n  concurrency: lots\n", []string{"config.yaml:23:", "Transcripts"}},
		{"bad values, all reported with lines", strings.NewReplacer(
			"language: ar-MA", "language: Arabic",
			"email: owner@example.com", "email: not-an-address",
			"name: Technology", "name: Tech",
			"timezone: Africa/Casablanca", "timezone: Mars/Olympus",
			`publish_time: "20:00"`, `publish_time: "8 o'clock"`,
		).Replace(valid), []string{
			"config.yaml:6: podcast.language:",
			"config.yaml:10: podcast.owner.email:",
			"config.yaml:13: podcast.categories[0].name:",
			"config.yaml:16: podcast.timezone:",
			"config.yaml:17: podcast.publish_time:",
		}},
		{"bad subcategory", strings.Replace(valid, "[How To]", "[Cooking]", 1), []string{"config.yaml:15: podcast.categories[1].subcategories:", "How To"}},
		{"template not absolute", strings.Replace(valid, `"{{.BaseURL}}/media/{{.Slug}}.mp3"`, `"/media/{{.Slug}}.mp3"`, 1), []string{"config.yaml:21: media.url_template:"}},
		{"template unknown field", strings.Replace(valid, `{{.Slug}}`, `{{.Sluggo}}`, 1), []string{"media.url_template:", ".Slug"}},
		{"missing required", "episodes:\n  dir: x\n", []string{"podcast.title: is required", "podcast.base_url:", "media.url_template: is required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(t, tt.src)
			if err == nil {
				t.Fatalf("no error for:\n%s", tt.src)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Errorf("error is not a *FieldError: %T", err)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	c, err := parse(t, valid)
	if err != nil {
		t.Fatal(err)
	}
	c.Resolve("show")
	if c.Episodes.Dir != "show/episodes" || c.Output.Dir != "show/public" || c.State.Dir != "show/state" {
		t.Errorf("resolved paths: %q %q %q", c.Episodes.Dir, c.Output.Dir, c.State.Dir)
	}
}

func TestRefreshToken(t *testing.T) {
	c := Default()
	env := map[string]string{"CASTFEED_REFRESH_TOKEN": "s3cret"}
	if got := c.RefreshToken(func(k string) string { return env[k] }); got != "s3cret" {
		t.Errorf("token = %q", got)
	}
	c.Serve.RefreshTokenEnv = ""
	if got := c.RefreshToken(func(k string) string { return env[k] }); got != "" {
		t.Errorf("token with no env name = %q, want endpoint off", got)
	}
}

// FuzzParse checks that no config text panics the decoder or validator,
// and that every error it reports is positioned in the file.
func FuzzParse(f *testing.F) {
	f.Add(valid)
	f.Add("podcast: [")
	f.Add("\xef\xbb\xbfpodcast:\n  title: x\n")
	f.Add("serve:\n  max_shrink: 2\n")
	f.Fuzz(func(t *testing.T, src string) {
		c := Default()
		err := c.Parse("config.yaml", strings.NewReader(src))
		if err == nil {
			err = c.Validate()
		}
		if err != nil && !strings.HasPrefix(err.Error(), "config.yaml") {
			t.Errorf("error not positioned in the file: %v", err)
		}
	})
}
