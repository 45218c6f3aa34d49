package pipeline

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/castfeed/castfeed/internal/config"
	"github.com/castfeed/castfeed/internal/corpus"
	"github.com/castfeed/castfeed/internal/sharedtest"
	"github.com/castfeed/castfeed/transcript"
)

// corpusShow writes a realistic show of n episodes (the GeeksBlaBla
// fixtures cycled, with broken and unpublished files; see
// internal/corpus) and returns options that build it offline.
func corpusShow(t testing.TB, n int, captions bool) Options {
	t.Helper()
	dir := t.TempDir()
	o := corpus.Default(sharedtest.Fixtures(t), n)
	o.Captions = captions
	if _, err := corpus.Write(filepath.Join(dir, "episodes"), o); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Podcast.Title, cfg.Podcast.Description = "GeeksBlaBla (corpus)", "The real files, cycled"
	cfg.Podcast.Link, cfg.Podcast.BaseURL = "https://geeksblabla.community", "https://feeds.example.org/geeksblabla"
	cfg.Podcast.Language, cfg.Podcast.Timezone, cfg.Podcast.PublishTime = "ar-MA", "Africa/Casablanca", "20:00"
	cfg.Podcast.Owner = config.Owner{Name: "GeeksBlaBla", Email: "hello@example.org"}
	cfg.Podcast.Image = "https://feeds.example.org/cover.png"
	cfg.Podcast.Categories = []config.Category{{Name: "Technology"}}
	cfg.Media.URLTemplate = "https://media.example.org/{{.Slug}}.mp3"
	cfg.Episodes.Dir = filepath.Join(dir, "episodes")
	cfg.Output.Dir, cfg.State.Dir = filepath.Join(dir, "public"), filepath.Join(dir, "state")
	opt := Options{Config: cfg, Offline: true, Now: func() time.Time { return now }, Version: "test"}
	if captions {
		opt.Transcripts = &transcript.Syncer{StateDir: filepath.Join(cfg.State.Dir, "transcripts"), Offline: true,
			Fetcher: &transcript.Fetcher{Languages: cfg.Transcripts.Languages}}
	}
	return opt
}

// events is a log handler that records the build's debug events (stage
// ends, "feeds encoded") and calls on for each, with its attributes.
type events struct {
	mu sync.Mutex
	on func(msg string, attrs map[string]slog.Value)
}

func (e *events) Enabled(context.Context, slog.Level) bool { return true }
func (e *events) WithAttrs([]slog.Attr) slog.Handler       { return e }
func (e *events) WithGroup(string) slog.Handler            { return e }
func (e *events) Handle(_ context.Context, r slog.Record) error {
	attrs := map[string]slog.Value{}
	r.Attrs(func(a slog.Attr) bool {
		attrs[a.Key] = a.Value
		return true
	})
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.on != nil {
		e.on(r.Message, attrs)
	}
	return nil
}

// encodedBy returns a logger that counts into n the items a build
// encodes (as opposed to taking them from the item cache).
func encodedBy(t testing.TB, n *int64) *slog.Logger {
	return slog.New(&events{on: func(msg string, a map[string]slog.Value) {
		if msg == "feeds encoded" {
			*n = a["encoded"].Int64()
		}
		if e, ok := a["error"]; ok && strings.HasPrefix(msg, "cannot") {
			t.Errorf("build logged %q: %v", msg, e)
		}
	}})
}
