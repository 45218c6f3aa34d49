package episode

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/castfeed/castfeed/internal/sharedtest"
)

// BenchmarkParse reads every GeeksBlaBla fixture (about 1.8 KB each), as a
// build does, and without HTML, as lint does. ns/file is the figure to
// compare with the budget of 100 µs per file.
func BenchmarkParse(b *testing.B) {
	files, err := filepath.Glob(filepath.Join(sharedtest.Fixtures(b), "*.md"))
	if err != nil || len(files) == 0 {
		b.Fatal("no fixtures")
	}
	var data [][]byte
	size := 0
	for _, f := range files {
		d, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		data = append(data, d)
		size += len(d)
	}
	for _, bc := range []struct {
		name string
		r    *Reader
	}{{"build", NewReader()}, {"lint", NewReader().WithoutHTML()}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(size))
			for b.Loop() {
				for _, d := range data {
					if ep, _ := bc.r.Parse("episode.md", d); ep == nil {
						b.Fatal("fixture not read")
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(data)), "ns/file")
		})
	}
}

// BenchmarkFrontMatter compares the hand-written reader of simple front
// matter with the YAML library it spares most files, on the front matter
// of every fixture it reads (FuzzFrontMatter holds the two to the same
// fields). The fast path exists only while this ratio is large.
func BenchmarkFrontMatter(b *testing.B) {
	files, err := filepath.Glob(filepath.Join(sharedtest.Fixtures(b), "*.md"))
	if err != nil || len(files) == 0 {
		b.Fatal("no fixtures")
	}
	var fronts []string
	for _, f := range files {
		d, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		_, rest, ok := strings.Cut(string(d), "---\n")
		front, _, closed := strings.Cut(rest, "\n---")
		if !ok || !closed {
			b.Fatalf("%s: no front matter", f)
		}
		if _, ok := fastFields(front); ok {
			fronts = append(fronts, front)
		}
	}
	if len(fronts) == 0 {
		b.Fatal("no fixture has front matter the fast path reads")
	}
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			for _, f := range fronts {
				if _, ok := fastFields(f); !ok {
					b.Fatal("fast path refused")
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(fronts)), "ns/file")
	})
	b.Run("yaml", func(b *testing.B) {
		for b.Loop() {
			for _, f := range fronts {
				if _, _, msg, ok := yamlFields(f); !ok {
					b.Fatal(msg)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(fronts)), "ns/file")
	})
}
