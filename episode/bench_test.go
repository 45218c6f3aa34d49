package episode

import (
	"os"
	"path/filepath"
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
