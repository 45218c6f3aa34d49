package rawfile

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRead: the same bytes and errors as os.ReadFile, whatever the size
// hint says.
func TestRead(t *testing.T) {
	dir := t.TempDir()
	big := bytes.Repeat([]byte("castfeed "), 100000)
	for name, data := range map[string][]byte{"empty": {}, "small": []byte("---\ntitle: x\n---\n"), "big": big} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, hint := range []int64{-1, 0, 3, int64(len(data)), int64(len(data)) + 7} {
			got, err := ReadSized(p, hint)
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("%s, size hint %d: %d bytes, %v; want %d bytes", name, hint, len(got), err, len(data))
			}
		}
		if got, err := Read(p); err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: %d bytes, %v", name, len(got), err)
		}
	}
	if _, err := Read(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
	if _, err := Read(dir); err == nil {
		t.Error("reading a folder: no error")
	}
}

// TestWriteFile: what os.ReadFile reads back, over an older longer file,
// and an error naming the file where it cannot be created.
func TestWriteFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "page.html")
	for _, data := range [][]byte{bytes.Repeat([]byte("long "), 50000), []byte("short"), {}} {
		if err := WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(p); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("wrote %d bytes, read back %d (%v)", len(data), len(got), err)
		}
	}
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o644&^umask(t) {
		t.Errorf("mode %v, %v", fi.Mode(), err)
	}
	if err := WriteFile(filepath.Join(p, "under-a-file"), []byte("x"), 0o644); err == nil || !strings.Contains(err.Error(), "under-a-file") {
		t.Errorf("writing under a file: %v", err)
	}
}

// umask is the process's, as os.WriteFile's files get it too.
func umask(t *testing.T) os.FileMode {
	p := filepath.Join(t.TempDir(), "probe")
	if err := os.WriteFile(p, nil, 0o777); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return 0o777 &^ fi.Mode().Perm()
}
