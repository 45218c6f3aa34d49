package pipeline

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMediaFiles: media.dir listed once gives each slug's audio file as
// the nine os.Stat calls per episode did: the first ending of audioExts
// wins, links count as their targets, folders and other files do not.
func TestMediaFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, size int) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("ep1.ogg", 3)
	write("ep1.mp3", 5) // .mp3 comes first in audioExts
	write("ep1.wav", 7)
	write("ep2.m4a", 11)
	write("ep3.txt", 13)
	write("target.opus", 17)
	if err := os.Symlink("target.opus", filepath.Join(dir, "ep4.opus")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("missing.mp3", filepath.Join(dir, "ep5.mp3")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "ep6.mp3"), 0o755); err != nil {
		t.Fatal(err)
	}
	idx, err := mediaFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		slug string
		ok   bool
		ext  string
		size int64
	}{
		{"ep1", true, ".mp3", 5},
		{"ep2", true, ".m4a", 11},
		{"ep3", false, "", 0},
		{"ep4", true, ".opus", 17},
		{"ep5", false, "", 0},
		{"ep6", false, "", 0},
		{"nope", false, "", 0},
	} {
		f, ok := idx.find(c.slug)
		if ok != c.ok || f.ext != c.ext || f.size != c.size {
			t.Errorf("find(%q) = %+v, %v; want %s of %d bytes, %v", c.slug, f, ok, c.ext, c.size, c.ok)
		}
	}
	for _, d := range []string{"", filepath.Join(dir, "missing")} {
		if idx, err := mediaFiles(d); err != nil || len(idx) != 0 {
			t.Errorf("mediaFiles(%q) = %v, %v; want an empty index", d, idx, err)
		}
	}
}
