package s3

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/castfeed/castfeed/internal/publish"
)

// TestScanTaggedCopyWins: an episode whose audio castfeed tagged has the
// copy in the folder's media/ and the original in media.dir; the bucket
// gets the tagged copy, as the server serves it, and media.dir's other
// files beside it.
func TestScanTaggedCopyWins(t *testing.T) {
	dir, media := t.TempDir(), t.TempDir()
	write := func(name, data string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "feed.xml"), "<rss/>")
	write(filepath.Join(dir, "media", "ep1.mp3"), "tagged")
	write(filepath.Join(media, "ep1.mp3"), "original")
	write(filepath.Join(media, "ep2.ogg"), "untagged")
	files, err := scan(publish.Source{Dir: dir, MediaDir: media}, openDigestCache(""))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range files {
		got[f.key] = f.path
	}
	want := map[string]string{
		"feed.xml":      filepath.Join(dir, "feed.xml"),
		"media/ep1.mp3": filepath.Join(dir, "media", "ep1.mp3"),
		"media/ep2.ogg": filepath.Join(media, "ep2.ogg"),
	}
	if len(got) != len(want) {
		t.Fatalf("scan: %v, want %v", got, want)
	}
	for k, p := range want {
		if got[k] != p {
			t.Errorf("%s comes from %q, want %q", k, got[k], p)
		}
	}
}
