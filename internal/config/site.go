package config

// Site configures the show's own web pages (the site package): written
// into the output folder beside the feeds unless turned off. Each
// directory key is the show's page in that directory or app; a button
// appears for each one set.
type Site struct {
	Enabled       bool   `yaml:"enabled"`
	ApplePodcasts string `yaml:"apple_podcasts"`
	Spotify       string `yaml:"spotify"`
	PocketCasts   string `yaml:"pocket_casts"`
	Overcast      string `yaml:"overcast"`
	AntennaPod    string `yaml:"antennapod"`
	YouTube       string `yaml:"youtube"`
}

// validateSite checks the site's keys; bad reports a problem.
func (c *Config) validateSite(bad func(key, format string, args ...any)) {
	s := &c.Site
	for _, f := range []struct{ key, val, example string }{
		{"apple_podcasts", s.ApplePodcasts, "https://podcasts.apple.com/podcast/id1234567890"},
		{"spotify", s.Spotify, "https://open.spotify.com/show/…"},
		{"pocket_casts", s.PocketCasts, "https://pca.st/…"},
		{"overcast", s.Overcast, "https://overcast.fm/itunes1234567890"},
		{"antennapod", s.AntennaPod, "https://antennapod.org/deeplink/subscribe?url=…"},
		{"youtube", s.YouTube, "https://www.youtube.com/@channel"},
	} {
		if f.val == "" {
			continue
		}
		if err := checkHTTPURL(f.val); err != nil {
			bad("site."+f.key, "%v; give the show's page there, e.g. %s, or leave it out to hide the button", err, f.example)
		}
	}
}
