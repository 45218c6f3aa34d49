package pipeline

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/castfeed/castfeed/internal/config"
	"github.com/castfeed/castfeed/internal/s3test"
)

// TestReloadingPublishesToTarget is the refresh of `castfeed serve`: it
// opens output.target from the config it loads, with the keys from
// Options.Getenv, and publishes the folder there; a refresh with nothing
// new asks the bucket nothing.
func TestReloadingPublishesToTarget(t *testing.T) {
	g := s3test.Start(t)
	p := s3test.NewProxy(t, g.URL())
	opt := exampleShow(t)
	cfg := opt.Config
	cfg.Output.Target = "s3://" + s3test.Bucket + "/show"
	cfg.Output.S3.Endpoint, cfg.Output.S3.PathStyle = p.URL, true
	keys := map[string]string{"AWS_ACCESS_KEY_ID": s3test.AccessKey, "AWS_SECRET_ACCESS_KEY": s3test.SecretKey}
	opt.Getenv = func(k string) string { return keys[k] }
	refresh := Reloading(func() (*config.Config, error) { c := *cfg; return &c, nil }, cfg, opt)

	res, err := refresh(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Publish == nil || res.Publish.Uploaded == 0 {
		t.Fatalf("publish report %+v; want uploads", res.Publish)
	}
	want, err := os.ReadFile(filepath.Join(cfg.Output.Dir, "feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(g.Dir, s3test.Bucket, "show", "feed.xml")) // the gateway keeps objects as files
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("the bucket's feed.xml differs from the folder's (%v)", err)
	}
	p.Counts()
	if _, err := refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := p.Counts(); len(n) != 0 {
		t.Errorf("a refresh with nothing new made %v; want no request", n)
	}
	last, err := LastPublish(cfg.State.Dir)
	if err != nil || last == nil || last.Error != "" || last.Target != "s3://show/show" {
		t.Errorf("last publish record %+v, %v", last, err)
	}
}
