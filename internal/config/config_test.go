package config

import (
	"errors"
	"fmt"
	"slices"
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
	return Read("config.yaml", strings.NewReader(src))
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
		{"unknown key names its line", valid + "output:\n  dri: x\n", []string{"config.yaml:23: output.dri: is not a key castfeed reads; the keys under output are: dir"}},
		{"syntax error names its line", "podcast:\n  title: [unclosed\n", []string{"config.yaml:2:"}},
		{"wrong type", strings.Replace(valid, "  explicit: false\n", "", 1) + "transcripts:\n  concurrency: lots\n", []string{`config.yaml:23: transcripts.concurrency: is the text "lots", but castfeed expects a whole number, e.g. concurrency: 2`}},
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

// TestShapes: what new users write that the YAML library alone rejects
// with its own words (issue 10, item 6): plain category names are read
// as categories; every shape error names its key path, what was expected
// and an example, and none hides another problem, of shape or of value.
func TestShapes(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string // exactly these problems, in order
		check     func(*Config) string
	}{
		{"categories as plain names", strings.Replace(valid, "    - name: Technology\n    - name: Education\n      subcategories: [How To]\n", "    - Technology\n    - Education\n", 1), nil,
			func(c *Config) string { return fmt.Sprint(c.Podcast.Categories) }},
		{"categories as a flow list of names", strings.Replace(valid, "  categories:\n    - name: Technology\n    - name: Education\n      subcategories: [How To]\n", "  categories: [Technology, {name: Education, subcategories: [How To]}]\n", 1), nil,
			func(c *Config) string { return fmt.Sprint(c.Podcast.Categories) }},
		{"a list inside the list of categories", strings.Replace(valid, "  categories:\n    - name: Technology\n    - name: Education\n      subcategories: [How To]\n", "  categories: [[Technology], Education]\n", 1),
			[]string{"config.yaml:12: podcast.categories[0]: is a list, but castfeed expects an Apple category: its name, or name with subcategories, e.g. Technology, or {name: Education, subcategories: [How To]}"}, nil},
		{"a category name that is not Apple's", strings.Replace(valid, "    - name: Technology\n", "    - Tech\n", 1),
			[]string{`config.yaml:13: podcast.categories[0].name: "Tech" is not an Apple Podcasts category`}, nil},
		{"several shape errors and a bad value", strings.NewReplacer(
			"  title: Test Show\n", "  title: [Test, Show]\n",
			"  language: ar-MA\n", "  language: Arabic\n",
			"  owner:\n    name: Owner\n    email: owner@example.com\n", "  owner: Owner <owner@example.com>\n",
		).Replace(valid) + "transcripts:\n  concurrency: lots\n  languagez: [en]\nserve:\n  max_shrink: [1]\n",
			[]string{
				"config.yaml:2: podcast.title: is a list, but castfeed expects text on one line, e.g. title: \"…\"",
				"config.yaml:8: podcast.owner: is the text \"Owner <owner@example.com>\", but castfeed expects a mapping of keys, e.g. owner: {name: Salma Idrissi, email: podcast@example.org}",
				"config.yaml:21: transcripts.concurrency: is the text \"lots\", but castfeed expects a whole number, e.g. concurrency: 2",
				"config.yaml:22: transcripts.languagez: is not a key castfeed reads; the keys under transcripts are: enabled, languages, cookies_file, ytdlp, recheck_automatic, retry_min, retry_max, concurrency, requests_per_minute, timeout (see the config reference in README.md)",
				"config.yaml:24: serve.max_shrink: is a list, but castfeed expects a number, e.g. max_shrink: 0.1",
				"config.yaml:6: podcast.language: \"Arabic\" is not an ISO 639 language code; use two letters, optionally with a region: en, fr, ar-MA",
			}, nil},
		{"owner without email", strings.Replace(valid, "    email: owner@example.com\n", "", 1),
			[]string{"config.yaml:9: podcast.owner.email: is required: Apple sends ownership checks there, e.g. email: podcast@example.org"}, nil},
		{"schedule in words", valid + "serve:\n  schedule: every night\n",
			[]string{`config.yaml:23: serve.schedule: "every night" is not a schedule: `}, nil},
		{"schedule out of range", valid + "serve:\n  schedule: \"61 3 * * *\"\n",
			[]string{`config.yaml:23: serve.schedule: "61 3 * * *" is not a schedule: `}, nil},
		{"schedule every 6 hours", valid + "serve:\n  schedule: \"@every 6h\"\n", nil, nil},
		{"schedule with five fields", valid + "serve:\n  schedule: \"0 3 * * 1-5\"\n", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parse(t, tc.src)
			got := flatten(err)
			if len(got) != len(tc.want) {
				t.Fatalf("config:\n%s\ngot  %q\nwant %q", tc.src, got, tc.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tc.want[i]) {
					t.Errorf("problem %d:\ngot  %s\nwant %s", i, got[i], tc.want[i])
				}
			}
			if tc.check != nil && err == nil {
				if got, want := tc.check(c), "[{Technology []} {Education [How To]}]"; tc.name == "categories as a flow list of names" && got != want ||
					tc.name == "categories as plain names" && got != "[{Technology []} {Education []}]" {
					t.Errorf("categories %s", got)
				}
			}
		})
	}
}

// flatten lists the problems of an errors.Join tree, in order.
func flatten(err error) []string {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []string{err.Error()}
}

// TestWarnings: Apple's limits on the channel's title and description
// are warnings at their lines (issue 10, item 4).
func TestWarnings(t *testing.T) {
	for _, tc := range []struct {
		name, old, new string
		want           []string
	}{
		{"within the limits", "", "", nil},
		{"title of 256 characters", "  title: Test Show\n", "  title: " + strings.Repeat("x", 256) + "\n",
			[]string{"config.yaml:2: warning: podcast.title: the title is 256 characters long; Apple Podcasts accepts at most 255; shorten it; the description can say the rest"}},
		{"description of 4001 bytes", "  description: A show for tests.\n", "  description: " + strings.Repeat("é", 2000) + "x\n",
			[]string{"config.yaml:3: warning: podcast.description: the description is 4001 bytes; Apple Podcasts accepts at most 4000; shorten it: apps show a few lines of it on the show's page"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parse(t, strings.Replace(valid, tc.old, tc.new, 1))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range c.Warnings() {
				got = append(got, d.String())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
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

// TestApplyEnv: CASTFEED_OUTPUT_DIR and CASTFEED_STATE_DIR override the
// file's folders (the Docker image sets them); empty ones do not.
func TestApplyEnv(t *testing.T) {
	c, err := parse(t, valid)
	if err != nil {
		t.Fatal(err)
	}
	c.Resolve("show")
	c.ApplyEnv(func(k string) string {
		return map[string]string{EnvOutputDir: "/data/public", EnvStateDir: ""}[k]
	})
	if c.Output.Dir != "/data/public" || c.State.Dir != "show/state" {
		t.Errorf("output.dir %q, state.dir %q; want /data/public from the environment and show/state from the file", c.Output.Dir, c.State.Dir)
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
	f.Add("podcast:\n  categories: [Technology, {name: Education}]\n  title: [x]\nserve: {schedule: nope}\n")
	f.Fuzz(func(t *testing.T, src string) {
		_, err := Read("config.yaml", strings.NewReader(src))
		for _, e := range flatten(err) {
			if !strings.HasPrefix(e, "config.yaml") {
				t.Errorf("error not positioned in the file: %v", e)
			}
		}
	})
}
