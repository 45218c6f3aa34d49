// Package corpus writes a large, realistic show for benchmarks and tests:
// the real GeeksBlaBla episode files cycled to any number of episodes,
// each with a new number and date but the original text, including its
// mistakes (notes out of order, past the end, typos), plus a share of
// broken and unpublished files as a real archive has. A synthetic show of
// short, perfect files misses the warnings, the broken files and the long
// notes that dominate a real build.
package corpus

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Options say what to write.
type Options struct {
	// Fixtures is the folder of real episode files to cycle.
	Fixtures string
	// N is the number of episode files.
	N int
	// BrokenEvery and UnpublishedEvery make every k-th file broken (it
	// cannot be parsed) or published: false; 0 means none.
	BrokenEvery, UnpublishedEvery int
	// Captions writes a sidecar caption file <slug>.vtt beside every
	// episode, for builds with transcripts.
	Captions bool
}

// Default is the mix of scripts/bench.sh: one file in 50 broken, one in
// 25 unpublished.
func Default(fixtures string, n int) Options {
	return Options{Fixtures: fixtures, N: n, BrokenEvery: 50, UnpublishedEvery: 25}
}

// First is the date of episode 1; the episodes are spread over the days
// after it, about ten a day at 100,000 episodes, all in the past.
var First = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

const spanDays = 9400 // up to 2025

var (
	dateLine  = regexp.MustCompile(`(?m)^date: .*$`)
	titleNum  = regexp.MustCompile(`#\d+`)
	titleLine = regexp.MustCompile(`(?m)^title: .*$`)
	published = regexp.MustCompile(`(?m)^published: .*$`)
)

// Write writes the episodes into dir (created if needed) as
// episode-NNNNNN.md and returns their paths.
func Write(dir string, o Options) ([]string, error) {
	srcs, err := filepath.Glob(filepath.Join(o.Fixtures, "*.md"))
	if err != nil || len(srcs) == 0 {
		return nil, fmt.Errorf("corpus: no episode files in %s (err %v)", o.Fixtures, err)
	}
	slices.Sort(srcs)
	texts := make([]string, len(srcs))
	for i, p := range srcs {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		texts[i] = string(b)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	paths := make([]string, 0, o.N)
	for i := 1; i <= o.N; i++ {
		p := filepath.Join(dir, Name(i))
		if err := os.WriteFile(p, []byte(Episode(texts[i%len(texts)], i, o)), 0o644); err != nil {
			return nil, err
		}
		if o.Captions {
			if err := os.WriteFile(strings.TrimSuffix(p, ".md")+".vtt", []byte(Captions(i)), 0o644); err != nil {
				return nil, err
			}
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// Name is the file name of episode i.
func Name(i int) string { return fmt.Sprintf("episode-%06d.md", i) }

// Episode returns the text of episode i made from a real file's text.
func Episode(text string, i int, o Options) string {
	day := First.AddDate(0, 0, (i-1)*spanDays/max(o.N, 1))
	text = dateLine.ReplaceAllLiteralString(text, "date: "+day.Format("2006-01-02"))
	text = titleLine.ReplaceAllStringFunc(text, func(l string) string {
		if titleNum.MatchString(l) {
			return titleNum.ReplaceAllLiteralString(l, fmt.Sprintf("#%d", i))
		}
		return strings.TrimSuffix(l, `"`) + fmt.Sprintf(" (%d)", i) + map[bool]string{true: `"`}[strings.HasSuffix(l, `"`)]
	})
	if o.UnpublishedEvery > 0 && i%o.UnpublishedEvery == 0 {
		if published.MatchString(text) {
			text = published.ReplaceAllLiteralString(text, "published: false")
		} else {
			text = strings.Replace(text, "---\n", "---\npublished: false\n", 1)
		}
	}
	if o.BrokenEvery > 0 && i%o.BrokenEvery == o.BrokenEvery/2+1 {
		// Two ways archives break: a front matter never closed, and a
		// value YAML cannot read.
		if i/o.BrokenEvery%2 == 0 {
			text = strings.Replace(text, "\n---\n", "\n", 1)
		} else {
			text = dateLine.ReplaceAllLiteralString(text, "date: [2021-06-27")
		}
	}
	return text
}

// Captions is a small WebVTT file for episode i.
func Captions(i int) string {
	var b strings.Builder
	b.WriteString("WEBVTT\n\n")
	for c := range 40 {
		fmt.Fprintf(&b, "00:%02d:%02d.000 --> 00:%02d:%02d.000\nLine %d of episode %d, as the captions said it.\n\n",
			c*5/60, c*5%60, (c*5+4)/60, (c*5+4)%60, c+1, i)
	}
	return b.String()
}
