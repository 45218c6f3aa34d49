package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "sub", "state.json")
	if err := WriteBytes(name, []byte("one")); err != nil {
		t.Fatal(err)
	}
	// A failing writer leaves the old version and no temporary file.
	boom := errors.New("boom")
	err := Write(name, func(w io.Writer) error {
		if _, err := w.Write([]byte("half")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write with a failing writer: %v, want %v", err, boom)
	}
	got, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "one" {
		t.Errorf("after a failed write the file holds %q, want %q", got, "one")
	}
	entries, err := os.ReadDir(filepath.Dir(name))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries after a failed write, want 1 (no temporary file left)", len(entries))
	}
	if err := WriteBytes(name, []byte("two")); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(name); err != nil || string(got) != "two" {
		t.Errorf("second write: %q, %v; want %q", got, err, "two")
	}
}
