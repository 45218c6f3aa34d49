package publish

import (
	"os"
	"path/filepath"
	"testing"
)

// TestAbandon: an abandoned publication leaves the published folder as it
// was and its partial folder for the next Begin, which removes it.
func TestAbandon(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "public")
	tx, err := Begin(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.WriteFile("feed.xml", []byte("v1")); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	tx, err = Begin(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.WriteFile("feed.xml", []byte("v2")); err != nil {
		t.Fatal(err)
	}
	tx.Abandon()
	tx.Abandon() // idempotent, as Abort is
	if err := tx.WriteFile("other", []byte("x")); err == nil {
		t.Error("a file written after Abandon was accepted")
	}
	if data, err := os.ReadFile(filepath.Join(dir, "feed.xml")); err != nil || string(data) != "v1" {
		t.Fatalf("published feed.xml = %q, %v; want v1", data, err)
	}
	left, _ := filepath.Glob(filepath.Join(parent, ".public.tmp-*"))
	if len(left) != 1 {
		t.Fatalf("partial folders after Abandon: %v; want one", left)
	}
	tx, err = Begin(dir) // the lock was released, and the leftover goes
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Abort()
	if left, _ := filepath.Glob(filepath.Join(parent, ".public.tmp-*")); len(left) != 0 {
		t.Errorf("Begin left %v", left)
	}
}
