package config

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"time"
	"unicode/utf8"

	"github.com/castfeed/castfeed/diag"
	"github.com/robfig/cron/v3"
)

// Validate checks every setting and returns all problems at once, joined,
// each a *FieldError naming its key and line. It is one flat list of
// checks, a few lines a key in the order of the config reference, so
// that a key's rule is found by its name; split, it would only scatter.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		if !c.skipped(key) {
			errs = append(errs, c.Errorf(key, format, args...))
		}
	}
	p := &c.Podcast
	for _, f := range []struct{ key, val string }{
		{"podcast.title", p.Title},
		{"podcast.description", p.Description},
		{"podcast.author", p.Author},
		{"podcast.owner.name", p.Owner.Name},
		{"podcast.image", p.Image},
	} {
		if strings.TrimSpace(f.val) == "" {
			bad(f.key, "is required")
		}
	}
	// Without a link of its own, the show's page is the site's.
	if p.Link != "" || !c.Site.Enabled {
		if err := checkHTTPURL(p.Link); err != nil {
			bad("podcast.link", "%v; the show's web page, e.g. https://example.com", err)
		}
	}
	if err := checkHTTPURL(p.BaseURL); err != nil {
		bad("podcast.base_url", "%v; the public URL where the output folder is served, e.g. https://feeds.example.com/show", err)
	}
	if !languageRE.MatchString(p.Language) {
		bad("podcast.language", "%q is not an ISO 639 language code; use two letters, optionally with a region: en, fr, ar-MA", p.Language)
	}
	if strings.TrimSpace(p.Owner.Email) == "" {
		bad("podcast.owner.email", "is required: Apple sends ownership checks there, e.g. email: podcast@example.org")
	} else if a, err := mail.ParseAddress(p.Owner.Email); err != nil || a.Name != "" {
		bad("podcast.owner.email", "%q is not a plain e-mail address; Apple sends ownership checks there", p.Owner.Email)
	}
	if p.Image != "" && strings.Contains(p.Image, "://") {
		if err := checkHTTPURL(p.Image); err != nil {
			bad("podcast.image", "%v", err)
		}
	}
	if len(p.Categories) == 0 {
		bad("podcast.categories", "needs at least one Apple Podcasts category, e.g. Technology")
	}
	for i, cat := range p.Categories {
		key := fmt.Sprintf("podcast.categories[%d]", i)
		subs, ok := appleCategories[cat.Name]
		if !ok {
			bad(key+".name", "%q is not an Apple Podcasts category; choose one of: %s", cat.Name, strings.Join(categoryNames(), ", "))
			continue
		}
		for _, s := range cat.Subcategories {
			if !slices.Contains(subs, s) {
				bad(key+".subcategories", "%q is not a subcategory of %s; choose one of: %s", s, cat.Name, strings.Join(subs, ", "))
			}
		}
	}
	if p.Type != "episodic" && p.Type != "serial" {
		bad("podcast.type", "%q must be episodic (newest first) or serial (oldest first)", p.Type)
	}
	if _, err := time.LoadLocation(p.Timezone); err != nil || p.Timezone == "" || p.Timezone == "Local" {
		bad("podcast.timezone", "%q is not an IANA time zone name, e.g. Africa/Casablanca or Europe/Paris", p.Timezone)
	}
	if _, err := time.Parse("15:04", p.PublishTime); err != nil {
		bad("podcast.publish_time", "%q must be a 24-hour time HH:MM, e.g. 20:00", p.PublishTime)
	}
	for i, h := range p.WebSubHubs {
		if err := checkHTTPURL(h); err != nil {
			bad(fmt.Sprintf("podcast.websub_hubs[%d]", i), "%v", err)
		}
	}
	if strings.TrimSpace(c.Episodes.Dir) == "" {
		bad("episodes.dir", "is required: the folder holding the episode .md files")
	}
	if strings.TrimSpace(c.Output.Dir) == "" {
		bad("output.dir", "is required: the folder castfeed publishes to")
	}
	errs = append(errs, c.validateTarget()...)
	if strings.TrimSpace(c.State.Dir) == "" {
		bad("state.dir", "is required: the folder where castfeed remembers what it fetched")
	}
	if c.Media.URLTemplate == "" {
		bad("media.url_template", `is required, e.g. "https://media.example.com/{{.Slug}}.mp3"`)
	} else if err := checkTemplate(c.Media.URLTemplate, p.BaseURL); err != nil {
		bad("media.url_template", "%v", err)
	}
	if !strings.HasPrefix(c.Media.Type, "audio/") && !strings.HasPrefix(c.Media.Type, "video/") {
		bad("media.type", "%q is not an audio or video MIME type, e.g. audio/mpeg", c.Media.Type)
	}
	if c.Media.AudioOffset < -3600 || c.Media.AudioOffset > 3600 {
		bad("media.audio_offset", "%v seconds is more than an hour; it is the shift between the YouTube video and the audio file", c.Media.AudioOffset)
	}
	if c.Media.HeadTimeout <= 0 {
		bad("media.head_timeout", "must be a positive duration, e.g. 10s")
	}
	if c.Media.YouTubeMaxPerRefresh < 0 || c.Media.YouTubeMaxPerRefresh > 100 {
		bad("media.youtube_max_per_refresh", "%d is not between 0 and 100; it is how many videos' audio one refresh downloads, e.g. 3", c.Media.YouTubeMaxPerRefresh)
	}
	t := &c.Transcripts
	if t.Enabled && len(t.Languages) == 0 {
		bad("transcripts.languages", "needs at least one language code, in order of preference, e.g. [ar, fr, en]")
	}
	for i, l := range t.Languages {
		if !languageRE.MatchString(l) {
			bad(fmt.Sprintf("transcripts.languages[%d]", i), "%q is not a language code like en or ar", l)
		}
	}
	if t.Concurrency < 1 || t.Concurrency > 16 {
		bad("transcripts.concurrency", "%d must be between 1 and 16; YouTube blocks impatient clients", t.Concurrency)
	}
	if t.RequestsPerMin <= 0 {
		bad("transcripts.requests_per_minute", "must be positive, e.g. 30")
	}
	if t.Timeout <= 0 {
		bad("transcripts.timeout", "must be a positive duration, e.g. 30s")
	}
	if t.RetryMin <= 0 || t.RetryMax < t.RetryMin {
		bad("transcripts.retry_min", "retry_min (%v) must be positive and at most retry_max (%v)", t.RetryMin, t.RetryMax)
	}
	if t.RecheckAutomatic <= 0 {
		bad("transcripts.recheck_automatic", "must be a positive duration, e.g. 720h")
	}
	// The scheduler of `castfeed serve` reads serve.schedule with the
	// same parser (cron's standard one, behind cron.New's AddFunc), so a
	// schedule that passes here runs there; lint and build say so too.
	if _, err := cron.ParseStandard(c.Serve.Schedule); err != nil {
		bad("serve.schedule", "%q is not a schedule: %v; write a descriptor (@daily, @hourly, @every 6h) or five cron fields, minute hour day month weekday, e.g. \"0 3 * * *\"", c.Serve.Schedule, err)
	}
	if c.Feed.Limit < 0 {
		bad("feed.limit", "%d must be 0 (every episode in the feed) or the number of newest episodes to keep in it, e.g. 300", c.Feed.Limit)
	}
	if c.Serve.MaxShrink < 0 || c.Serve.MaxShrink > 1 {
		bad("serve.max_shrink", "%v must be a share between 0 and 1, e.g. 0.1 for 10%%", c.Serve.MaxShrink)
	}
	c.validateSite(bad)
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		bad("log.level", "%q must be debug, info, warn or error", c.Log.Level)
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		bad("log.format", "%q must be text or json", c.Log.Format)
	}
	return errors.Join(errs...)
}

// Apple Podcasts' limits on the channel's text.
const (
	maxTitle       = 255  // characters
	maxDescription = 4000 // bytes
)

// Warnings returns what Apple Podcasts would cut or reject in a config
// that is otherwise valid, at its key's line in the config file: lint
// prints them and build logs them, but they publish.
func (c *Config) Warnings() diag.List {
	var out diag.List
	warn := func(key, hint, format string, args ...any) {
		out = append(out, diag.Diagnostic{File: c.name, Line: c.line(key), Severity: diag.Warning,
			Message: key + ": " + fmt.Sprintf(format, args...), Hint: hint})
	}
	if n := utf8.RuneCountInString(c.Podcast.Title); n > maxTitle {
		warn("podcast.title", "shorten it; the description can say the rest", "the title is %d characters long; Apple Podcasts accepts at most %d", n, maxTitle)
	}
	if n := len(c.Podcast.Description); n > maxDescription {
		warn("podcast.description", "shorten it: apps show a few lines of it on the show's page", "the description is %d bytes; Apple Podcasts accepts at most %d", n, maxDescription)
	}
	return out
}

// Errorf returns a *FieldError for key, positioned at the key's line in
// the config file. Callers outside this package (the scheduler validating
// serve.schedule) use it so every config problem reads the same.
func (c *Config) Errorf(key, format string, args ...any) error {
	return &FieldError{File: c.name, Line: c.line(key), Key: key, Msg: fmt.Sprintf(format, args...)}
}

var languageRE = regexp.MustCompile(`^[a-z]{2}(-[A-Za-z]{2}|-[0-9]{3})?$`)

func checkHTTPURL(s string) error {
	if s == "" {
		return errors.New("is required")
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) URL", s)
	}
	return nil
}

// TemplateData is what media.url_template may use.
type TemplateData struct {
	Slug      string
	Number    int
	Title     string
	Date      time.Time
	YouTubeID string
	BaseURL   string
}

// MediaTemplate parses media.url_template.
func (c *Config) MediaTemplate() (*template.Template, error) {
	return template.New("media.url_template").Option("missingkey=error").Parse(c.Media.URLTemplate)
}

func checkTemplate(s, baseURL string) error {
	t, err := template.New("media.url_template").Option("missingkey=error").Parse(s)
	if err != nil {
		return fmt.Errorf("is not a valid template: %v", err)
	}
	var b strings.Builder
	sample := TemplateData{Slug: "episode-0001", Number: 1, Title: "Sample", YouTubeID: "abcdefghijk", BaseURL: strings.TrimSuffix(baseURL, "/")}
	if err := t.Execute(&b, sample); err != nil {
		return fmt.Errorf("cannot be filled: %v; fields are .Slug .Number .Title .Date .YouTubeID .BaseURL", err)
	}
	if err := checkHTTPURL(b.String()); err != nil {
		return fmt.Errorf("gives %q for a sample episode, not an absolute http(s) URL", b.String())
	}
	return nil
}
