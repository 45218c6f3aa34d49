package readfile

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
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
