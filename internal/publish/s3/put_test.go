package s3

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/castfeed/castfeed/internal/publish"
)

// TestPutRefusesAChangedFile: a file replaced between the scan and its
// upload is not sent under the digest of its old bytes.
func TestPutRefusesAChangedFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "feed.xml"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	files, err := scan(publish.Source{Dir: dir}, openDigestCache(""))
	if err != nil || len(files) != 1 {
		t.Fatalf("scan: %v, %v", files, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "feed.xml"), []byte("newer"), 0o644); err != nil {
		t.Fatal(err)
	}
	// No server: the check comes before any request.
	b, err := New(Config{Bucket: "show", Endpoint: "http://127.0.0.1:1", AccessKey: "k", SecretKey: "s", Retries: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.put(context.Background(), files[0]); !errors.Is(err, ErrChanged) {
		t.Fatalf("put of a changed file: %v; want ErrChanged", err)
	}
}

func TestPhaseOf(t *testing.T) {
	for _, tc := range []struct {
		name  string
		phase int
	}{
		{"media/episode-0001.mp3", 0},
		{"episodes/episode-0001/chapters.json", 0},
		{"cover.png", 0},
		{"index.html", 1},
		{"episodes/episode-0001/index.html", 1},
		{"feed.json", 2},
		{"feed.atom", 2},
		{"archive/feed-0001.xml", 2},
		{"archive/feed-0002.atom", 2},
		{"feed.xml", 3},
	} {
		if got := phaseOf(tc.name); got != tc.phase {
			t.Errorf("phaseOf(%q) = %d; want %d", tc.name, got, tc.phase)
		}
	}
}
