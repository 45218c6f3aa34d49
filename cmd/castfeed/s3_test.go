package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/castfeed/castfeed/internal/s3test"
)

// TestBuildToBucket publishes the example show to a real S3 server
// through `castfeed build`, after `lint` and `build --dry-run` checked
// the target without writing to it.
func TestBuildToBucket(t *testing.T) {
	g := s3test.Start(t)
	p := s3test.NewProxy(t, g.URL())
	cfg := exampleShow(t, "output:\n  dir: public\n", "output:\n  dir: public\n  target: s3://show/podcast\n  s3:\n    endpoint: "+p.URL+"\n    path_style: true\n    access_key_env: SHOW_KEY\n    secret_key_env: SHOW_SECRET\n")
	keys := map[string]string{"SHOW_KEY": s3test.AccessKey, "SHOW_SECRET": s3test.SecretKey}
	getenv := func(k string) string { return keys[k] }
	ctx := context.Background()
	objects := filepath.Join(g.Dir, s3test.Bucket, "podcast") // the gateway keeps objects as files

	r := castfeed(t, ctx, nil, "lint", "--config", cfg)
	if r.code == 0 || !strings.Contains(r.stderr, "set SHOW_KEY and SHOW_SECRET") {
		t.Errorf("lint without the keys: exit %d; want an error naming the variables\n%s", r.code, r.stderr)
	}
	if r := castfeed(t, ctx, getenv, "lint", "--config", cfg); r.code != 0 {
		t.Errorf("lint with the keys: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	r = castfeed(t, ctx, getenv, "build", "--offline", "--dry-run", "--config", cfg)
	if r.code != 0 || !strings.Contains(r.stdout, "upload\tfeed.xml\t") || !strings.Contains(r.stdout, "nothing written (dry run)") {
		t.Fatalf("build --dry-run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := p.Counts(); n["PUT"]+n["DELETE"]+n["POST"] != 0 {
		t.Errorf("build --dry-run wrote to the bucket: %v", n)
	}
	if _, err := os.Stat(objects); err == nil {
		t.Error("build --dry-run left objects in the bucket")
	}

	if r := castfeed(t, ctx, getenv, "build", "--offline", "--config", cfg); r.code != 0 {
		t.Fatalf("build: exit %d\n%s", r.code, r.stderr)
	}
	public := filepath.Join(filepath.Dir(cfg), "public")
	for _, name := range []string{"feed.xml", "feed.atom", "feed.json", "episodes/episode-0003/chapters.json"} {
		want, err := os.ReadFile(filepath.Join(public, name))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(filepath.Join(objects, name)); err != nil || !bytes.Equal(got, want) {
			t.Errorf("the bucket's %s differs from the folder's (%v)", name, err)
		}
	}
	// The tagged copy in the folder, not media.dir's original, is what the
	// enclosure names (and the server serves).
	media, err := os.ReadFile(filepath.Join(public, "media/episode-0001.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(objects, "media/episode-0001.mp3")); err != nil || !bytes.Equal(got, media) {
		t.Errorf("the enclosure's audio is not at media/episode-0001.mp3 in the bucket (%v)", err)
	}

	p.Counts()
	r = castfeed(t, ctx, getenv, "build", "--offline", "--config", cfg)
	if n := p.Counts(); r.code != 0 || len(n) != 0 {
		t.Errorf("a build with nothing new: exit %d, requests %v; want none", r.code, n)
	}
	r = castfeed(t, ctx, getenv, "status", "--config", cfg)
	if r.code != 0 || !strings.Contains(r.stdout, "last publish to s3://show/podcast:") || strings.Contains(r.stdout, "failed") {
		t.Errorf("status: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestBuildToBucketFailsThenConverges has the store refuse a publish:
// the build fails and says so, status shows the error, and the next
// build, although nothing changed, publishes.
func TestBuildToBucketFailsThenConverges(t *testing.T) {
	g := s3test.Start(t)
	p := s3test.NewProxy(t, g.URL())
	cfg := exampleShow(t, "output:\n  dir: public\n", "output:\n  dir: public\n  target: s3://show\n  s3:\n    endpoint: "+p.URL+"\n    path_style: true\n")
	keys := map[string]string{"AWS_ACCESS_KEY_ID": s3test.AccessKey, "AWS_SECRET_ACCESS_KEY": s3test.SecretKey}
	getenv := func(k string) string { return keys[k] }
	ctx := context.Background()
	p.SetHook(func(*http.Request) int { return http.StatusServiceUnavailable })
	r := castfeed(t, ctx, getenv, "build", "--offline", "--config", cfg)
	if r.code == 0 || !strings.Contains(r.stderr, "publish to s3://show") {
		t.Fatalf("build against a failing store: exit %d\n%s", r.code, r.stderr)
	}
	if r := castfeed(t, ctx, getenv, "status", "--config", cfg); !strings.Contains(r.stdout, "it failed:") {
		t.Errorf("status after a failed publish:\n%s", r.stdout)
	}
	p.SetHook(nil)
	if r := castfeed(t, ctx, getenv, "build", "--offline", "--config", cfg); r.code != 0 {
		t.Fatalf("next build: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(g.Dir, s3test.Bucket, "feed.xml")); err != nil {
		t.Errorf("the next build did not publish feed.xml: %v", err)
	}
}
