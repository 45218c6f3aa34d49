package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/castfeed/castfeed/internal/config"
)

// syntheticShow writes n episodes like scripts/lib.sh does and returns
// options to build them offline.
func syntheticShow(b *testing.B, n int) Options {
	b.Helper()
	dir := b.TempDir()
	eps := filepath.Join(dir, "episodes")
	os.MkdirAll(eps, 0o755)
	for i := 1; i <= n; i++ {
		var notes strings.Builder
		for c := range 8 {
			fmt.Fprintf(&notes, "0:%02d:00 - Topic %d of episode %d\n", c*10, c+1, i)
		}
		text := fmt.Sprintf("---\ndate: %04d-%02d-%02d\nduration: \"1:30:00\"\ntitle: \"Episode %d: synthetic show notes\"\ntags: [go, podcasts]\nyoutube: https://www.youtube.com/watch?v=bench%06d\naudio_length: %d\n---\n\nEpisode %d talks about building feeds fast.\n\n## Guests\n\n- [Guest %d](https://example.org/g%d)\n\n## Notes\n\n%s\n## Links\n\n- [Go](https://go.dev)\n",
			2000+i/336%25, 1+i/28%12, 1+i%28, i, i, 50000000+i, i, i, i, notes.String())
		os.WriteFile(filepath.Join(eps, fmt.Sprintf("episode-%06d.md", i)), []byte(text), 0o644)
	}
	cfg := config.Default()
	cfg.Podcast.Title, cfg.Podcast.Description, cfg.Podcast.Link = "Bench", "d", "https://example.org"
	cfg.Podcast.BaseURL = "https://example.org/podcast"
	cfg.Media.URLTemplate = "https://media.example.org/{{.Slug}}.mp3"
	cfg.Episodes.Dir, cfg.Output.Dir, cfg.State.Dir = eps, filepath.Join(dir, "public"), filepath.Join(dir, "state")
	return Options{Config: cfg, Offline: true, Version: "bench", Now: func() time.Time { return now }}
}

// BenchmarkColdBuild10k: a first build of 10,000 episodes (target: under
// 1.5 s on 2 cores; scripts/bench.sh measures the whole program).
func BenchmarkColdBuild10k(b *testing.B) {
	opt := syntheticShow(b, 10000)
	for b.Loop() {
		os.RemoveAll(opt.Config.Output.Dir)
		os.RemoveAll(opt.Config.State.Dir)
		if _, err := Run(context.Background(), opt); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNoChangeBuild10k: a refresh where nothing changed (target:
// under 0.5 s).
func BenchmarkNoChangeBuild10k(b *testing.B) {
	opt := syntheticShow(b, 10000)
	if _, err := Run(context.Background(), opt); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		res, err := Run(context.Background(), opt)
		if err != nil || !res.UpToDate {
			b.Fatal(err, res)
		}
	}
}

// BenchmarkLint199: lint of a 199-episode show, as in a pull request's CI
// (target: under 100 ms).
func BenchmarkLint199(b *testing.B) {
	opt := syntheticShow(b, 199)
	for b.Loop() {
		if _, err := Lint(context.Background(), opt.Config, nil, ""); err != nil {
			b.Fatal(err)
		}
	}
}
