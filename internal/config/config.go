// Package config loads castfeed's config.yaml: Default, then Parse, then
// Validate. Decoding is strict (an unknown key is an error naming its line)
// and Validate reports every problem at once, each with its key and line,
// so a volunteer fixes the file in one pass.
//
// Secrets never live in the file: keys ending in _env name the environment
// variable that holds the secret, and Env looks them up in one place.
package config

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Config is the whole of config.yaml. Paths are as written until Resolve
// makes them relative to the config file's folder.
type Config struct {
	Podcast     Podcast     `yaml:"podcast"`
	Episodes    Episodes    `yaml:"episodes"`
	Media       Media       `yaml:"media"`
	Output      Output      `yaml:"output"`
	Feed        Feed        `yaml:"feed"`
	Transcripts Transcripts `yaml:"transcripts"`
	State       State       `yaml:"state"`
	Serve       Serve       `yaml:"serve"`
	Log         Log         `yaml:"log"`
	Site        Site        `yaml:"site"`

	// file is the parsed document, kept to give Validate line numbers.
	file *ast.File
	// name is the config file's name as given, for messages.
	name string
	// Digest identifies the bytes Parse read (SHA-256, hex): a build
	// whose config changed is redone even when no episode did.
	Digest string
	// failed holds the keys whose values could not be decoded (see
	// decodeAll), which Validate leaves alone.
	failed map[string]bool
}

// URL joins podcast.base_url and path elements: the public URL of a file
// of the output folder.
func (p Podcast) URL(elem ...string) string {
	return strings.TrimSuffix(p.BaseURL, "/") + "/" + strings.Join(elem, "/")
}

// Podcast describes the show: the feed's channel.
type Podcast struct {
	Title       string     `yaml:"title"`
	Description string     `yaml:"description"`
	Link        string     `yaml:"link"`
	BaseURL     string     `yaml:"base_url"`
	Language    string     `yaml:"language"`
	Author      string     `yaml:"author"`
	Copyright   string     `yaml:"copyright"`
	Owner       Owner      `yaml:"owner"`
	Image       string     `yaml:"image"`
	Categories  []Category `yaml:"categories"`
	Explicit    bool       `yaml:"explicit"`
	Type        string     `yaml:"type"`
	Timezone    string     `yaml:"timezone"`
	PublishTime string     `yaml:"publish_time"`
	Locked      bool       `yaml:"locked"`
	WebSubHubs  []string   `yaml:"websub_hubs"`
}

// Owner is the itunes:owner contact Apple uses to verify the show.
type Owner struct {
	Name  string `yaml:"name"`
	Email string `yaml:"email"`
}

// Category is one Apple Podcasts category with optional subcategories.
type Category struct {
	Name          string   `yaml:"name"`
	Subcategories []string `yaml:"subcategories"`
}

// Episodes says where the show notes are.
type Episodes struct {
	Dir string `yaml:"dir"`
}

// Media says where each episode's audio lives.
type Media struct {
	// URLTemplate is a text/template over the episode (fields Slug, Number,
	// Title, Date, YouTubeID, BaseURL) giving the enclosure URL.
	URLTemplate string `yaml:"url_template"`
	// Dir optionally holds the audio files, named <slug>.<ext>; they give the
	// enclosure length and are served under /media/.
	Dir string `yaml:"dir"`
	// Type is the enclosure MIME type when a file's name does not tell.
	Type string `yaml:"type"`
	// AudioOffset shifts chapters and transcripts of every episode (seconds,
	// may be negative) unless the episode sets its own audio_offset.
	AudioOffset float64 `yaml:"audio_offset"`
	// HeadTimeout bounds the HTTP HEAD used to learn a remote file's length.
	HeadTimeout time.Duration `yaml:"head_timeout"`
	// YouTube publishes, for an episode with a youtube video and neither an
	// audio URL nor a file in Dir, the video's audio, downloaded once into
	// the state folder (youtube-audio/) and tagged like a local file.
	YouTube bool `yaml:"youtube"`
	// YouTubeMaxPerRefresh caps the downloads of one refresh, so a first
	// run over a long archive neither hammers YouTube nor fills the disk
	// in one night; the rest follow on later refreshes.
	YouTubeMaxPerRefresh int `yaml:"youtube_max_per_refresh"`
}

// Output is the published folder, and where it is published from there
// (see target.go).
type Output struct {
	Dir string `yaml:"dir"`
	// Target is "dir" (the folder is what is served) or an object
	// storage URL, s3://bucket/prefix, synced from the folder.
	Target string `yaml:"target"`
	S3     S3     `yaml:"s3"`
}

// Feed shapes the published feeds.
type Feed struct {
	// Limit is how many of the newest episodes feed.xml, feed.atom and
	// feed.json carry; older ones go to archive pages (RFC 5005) under
	// archive/. 0, the default, puts every episode in the feeds.
	Limit int `yaml:"limit"`
}

// Transcripts configures fetching YouTube captions.
type Transcripts struct {
	Enabled          bool          `yaml:"enabled"`
	Languages        []string      `yaml:"languages"`
	CookiesFile      string        `yaml:"cookies_file"`
	YtDlp            string        `yaml:"ytdlp"`
	RecheckAutomatic time.Duration `yaml:"recheck_automatic"`
	RetryMin         time.Duration `yaml:"retry_min"`
	RetryMax         time.Duration `yaml:"retry_max"`
	Concurrency      int           `yaml:"concurrency"`
	RequestsPerMin   float64       `yaml:"requests_per_minute"`
	Timeout          time.Duration `yaml:"timeout"`
}

// State is where castfeed remembers what it fetched between runs.
type State struct {
	Dir string `yaml:"dir"`
}

// Serve configures `castfeed serve`.
type Serve struct {
	Addr            string  `yaml:"addr"`
	Schedule        string  `yaml:"schedule"`
	RefreshOnStart  bool    `yaml:"refresh_on_start"`
	RefreshTokenEnv string  `yaml:"refresh_token_env"`
	MaxShrink       float64 `yaml:"max_shrink"`
}

// Log configures the process's structured logs.
type Log struct {
	Level  string `yaml:"level"`
	Format string `yaml:"format"`
}

// Default returns the settings used for every key the file leaves out.
func Default() *Config {
	return &Config{
		Podcast: Podcast{
			Language:    "en",
			Type:        "episodic",
			Timezone:    "UTC",
			PublishTime: "00:00",
		},
		Episodes: Episodes{Dir: "episodes"},
		Media:    Media{Type: "audio/mpeg", HeadTimeout: 10 * time.Second, YouTubeMaxPerRefresh: 3},
		Output:   Output{Dir: "public", Target: "dir", S3: defaultS3()},
		Transcripts: Transcripts{
			Enabled:          true,
			Languages:        []string{"en"},
			RecheckAutomatic: 30 * 24 * time.Hour,
			RetryMin:         time.Hour,
			RetryMax:         7 * 24 * time.Hour,
			Concurrency:      2,
			RequestsPerMin:   30,
			Timeout:          30 * time.Second,
		},
		State: State{Dir: "state"},
		Serve: Serve{
			Addr:            ":8080",
			Schedule:        "@daily",
			RefreshOnStart:  true,
			RefreshTokenEnv: "CASTFEED_REFRESH_TOKEN",
			MaxShrink:       0.10,
		},
		Log:  Log{Level: "info", Format: "text"},
		Site: Site{Enabled: true},
	}
}

// Load reads, parses and validates the config file at path, and resolves
// its relative paths against the file's folder.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no config file at %s; pass --config FILE (see config.yaml in the castfeed repository for an example)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("open config: %w; pass --config FILE or run from the show's folder", err)
	}
	defer f.Close()
	c, err := Read(path, f)
	if err != nil {
		return nil, err
	}
	c.Resolve(filepath.Dir(path))
	return c, nil
}

// Read is Default, Parse and Validate: the config in r, named name in
// messages, with every problem reported at once. Only a YAML syntax
// error stops it before validation.
func Read(name string, r io.Reader) (*Config, error) {
	c := Default()
	err := c.Parse(name, r)
	if err != nil && c.file == nil {
		return nil, err
	}
	if err := errors.Join(err, c.Validate()); err != nil {
		return nil, err
	}
	return c, nil
}

// Parse decodes YAML from r over c, strictly: an unknown key, a wrong type
// or a syntax error is an error naming name and the line. Every key is
// decoded, so one that is wrong does not hide the others' problems.
func (c *Config) Parse(name string, r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("read config: %w", err)
	}
	c.name = name
	sum := sha256.Sum256(data)
	c.Digest = fmt.Sprintf("%x", sum)
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return c.yamlError(err)
	}
	c.file = file
	if empty(file) {
		// go-yaml zeroes the target for an empty document, which would
		// lose the defaults; an empty file is simply all defaults.
		return nil
	}
	if err := unmarshal(data, c); err != nil {
		// Decode key by key to report every problem, from the defaults
		// again: the failed decoding may have filled some keys.
		*c = *Default()
		c.name, c.file = name, file
		if all := c.decodeAll(); all != nil {
			return all
		}
		return c.yamlError(err)
	}
	c.name, c.file = name, file
	return nil
}

// unmarshal is go-yaml's strict decoding, with its panics turned into an
// error: go-yaml v1.18.0 dereferences nil on some malformed input (a tag
// on a multi-line scalar where a list belongs; FuzzParse found it), and a
// config file must never crash castfeed.
func unmarshal(data []byte, c *Config) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the YAML cannot be read (the YAML library failed: %v); check the indentation and the values of lists", p)
		}
	}()
	return yaml.UnmarshalWithOptions(data, c, yaml.DisallowUnknownField())
}

func empty(f *ast.File) bool {
	for _, d := range f.Docs {
		if d.Body != nil {
			return false
		}
	}
	return true
}

// yamlError rewords a go-yaml error as "file:line: message".
func (c *Config) yamlError(err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		msg := ye.GetMessage()
		var uf *yaml.UnknownFieldError
		if errors.As(err, &uf) {
			msg += "; remove it or check its spelling against the config reference in README.md"
		}
		return &FieldError{File: c.name, Line: ye.GetToken().Position.Line, Msg: msg}
	}
	return fmt.Errorf("%s: %w", c.name, err)
}

// FieldError is one problem in the config file.
type FieldError struct {
	File string
	Line int
	Key  string
	Msg  string
}

func (e *FieldError) Error() string {
	pos := e.File
	if e.Line > 0 {
		pos = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Key != "" {
		return fmt.Sprintf("%s: %s: %s", pos, e.Key, e.Msg)
	}
	return fmt.Sprintf("%s: %s", pos, e.Msg)
}

// line returns the line of key (a dotted path like "podcast.owner.email")
// in the parsed file, or of its nearest present parent, or 0.
func (c *Config) line(key string) int {
	if c.file == nil {
		return 0
	}
	for k := key; k != ""; {
		p, err := yaml.PathString("$." + k)
		if err == nil {
			if n, err := p.FilterFile(c.file); err == nil && n != nil {
				return n.GetToken().Position.Line
			}
		}
		i := lastDot(k)
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return 0
}

func lastDot(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '.' {
			return i
		}
	}
	return -1
}

// Resolve makes every relative path in c relative to dir, the config
// file's folder, so castfeed behaves the same from any working directory.
func (c *Config) Resolve(dir string) {
	for _, p := range []*string{&c.Episodes.Dir, &c.Media.Dir, &c.Output.Dir, &c.State.Dir, &c.Transcripts.CookiesFile} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	// A podcast image given as a path is a local file the build copies
	// into the output; one given as a URL is used as is.
	if img := c.Podcast.Image; img != "" && !strings.Contains(img, "://") && !filepath.IsAbs(img) {
		c.Podcast.Image = filepath.Join(dir, img)
	}
}

// Environment variables that override the file's folders. The Docker
// image sets them to /data/public and /data/state, so that a show's own
// config.yaml works on a read-only /show mount. Precedence: a
// command-line flag, then these, then the file, then the default.
const (
	EnvOutputDir = "CASTFEED_OUTPUT_DIR"
	EnvStateDir  = "CASTFEED_STATE_DIR"
)

// ApplyEnv sets output.dir and state.dir from EnvOutputDir and EnvStateDir
// when they are set and not empty. A relative value is relative to the
// current directory, as a flag's would be, not to the config file.
func (c *Config) ApplyEnv(getenv func(string) string) {
	if v := getenv(EnvOutputDir); v != "" {
		c.Output.Dir = v
	}
	if v := getenv(EnvStateDir); v != "" {
		c.State.Dir = v
	}
}

// RefreshToken returns the bearer token for POST /-/refresh from the
// environment variable named by serve.refresh_token_env ("" = endpoint
// off). Secrets are looked up here and nowhere else.
func (c *Config) RefreshToken(getenv func(string) string) string {
	if c.Serve.RefreshTokenEnv == "" {
		return ""
	}
	return getenv(c.Serve.RefreshTokenEnv)
}
