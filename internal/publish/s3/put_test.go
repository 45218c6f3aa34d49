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
