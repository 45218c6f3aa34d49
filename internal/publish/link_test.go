package publish

import (
	"os"
	"path/filepath"
	"testing"
)

// TestLink: a linked file is published as a hard link to its source; a
// rebuild linking the same source changes nothing, a new source (renamed
// over the old one, as the state folder does) does.
func TestLink(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "public")
	src := filepath.Join(root, "state", "a.mp3")
	if err := os.MkdirAll(filepath.Dir(src), 0o755); err != nil {
		t.Fatal(err)
	}
	put := func(data string) {
		t.Helper()
		tmp := src + ".tmp"
		if err := os.WriteFile(tmp, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, src); err != nil {
			t.Fatal(err)
		}
	}
	link := func() bool {
		t.Helper()
		tx, err := Begin(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Abort()
		if err := tx.WriteFile("feed.xml", []byte("<rss/>")); err != nil {
			t.Fatal(err)
		}
		if err := tx.Link("media/a.mp3", src); err != nil {
			t.Fatal(err)
		}
		changed, err := tx.Commit()
		if err != nil {
			t.Fatal(err)
		}
		return changed
	}
	published := func() os.FileInfo {
		t.Helper()
		fi, err := os.Stat(filepath.Join(dir, "media", "a.mp3"))
		if err != nil {
			t.Fatal(err)
		}
		return fi
	}
	put("one")
	if !link() {
		t.Fatal("first publication: changed = false")
	}
	si, err := os.Stat(src)
	if err != nil {
		t.Fatal(err)
	}
	first := published()
	if !os.SameFile(first, si) {
		t.Error("the published file is not a hard link to its source")
	}
	if link() {
		t.Error("linking the same source again changed the folder")
	}
	if !os.SameFile(published(), first) {
		t.Error("an unchanged linked file got a new inode")
	}
	put("two")
	if !link() {
		t.Error("a new source did not change the folder")
	}
	if b, err := os.ReadFile(filepath.Join(dir, "media", "a.mp3")); err != nil || string(b) != "two" {
		t.Errorf("published %q (%v), want two", b, err)
	}
}
