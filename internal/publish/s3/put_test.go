package s3

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/castfeed/castfeed/internal/publish"
	"github.com/castfeed/castfeed/internal/s3test"
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

// TestStoreChecksTheDigest: the bytes sent are checked by the store
// against the digest of the scan, so a file rewritten in place with the
// same size and mtime (which the stamp check cannot see) is refused, and
// the object keeps its old bytes.
func TestStoreChecksTheDigest(t *testing.T) {
	g := s3test.Start(t)
	dir := t.TempDir()
	name := filepath.Join(dir, "feed.xml")
	if err := os.WriteFile(name, []byte("<rss>old</rss>"), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := New(Config{Bucket: s3test.Bucket, Endpoint: g.URL(), PathStyle: true, AccessKey: s3test.AccessKey, SecretKey: s3test.SecretKey, Retries: 1, RetryBase: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	old, err := scan(publish.Source{Dir: dir}, openDigestCache(""))
	if err != nil || len(old) != 1 {
		t.Fatalf("scan: %v, %v", old, err)
	}
	if _, err := b.put(context.Background(), old[0]); err != nil {
		t.Fatalf("put: %v", err)
	}
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte("<rss>new</rss>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(name, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	if _, err := b.put(context.Background(), old[0]); err == nil {
		t.Fatal("the store took bytes that differ from the digest they were sent with")
	} else {
		t.Log(err)
	}
	obj, err := b.client.GetObject(context.Background(), s3test.Bucket, "feed.xml", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	got, err := io.ReadAll(obj)
	if err != nil || string(got) != "<rss>old</rss>" {
		t.Fatalf("the object holds %q (%v); want the old bytes", got, err)
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
		{"archive/feed-0001.xml", 2},
		{"archive/feed-0002.atom", 2},
		{"feed.xml", 3},
		{"feed.json", 3},
		{"feed.atom", 3},
	} {
		if got := phaseOf(tc.name); got != tc.phase {
			t.Errorf("phaseOf(%q) = %d; want %d", tc.name, got, tc.phase)
		}
	}
}
