package pipeline

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/castfeed/castfeed/internal/config"
	"github.com/castfeed/castfeed/internal/publish"
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

// TestQuietRefreshDeletesWhenDue: after an episode is removed, refreshes
// with nothing new leave the bucket alone until its objects' grace period
// ends; the first one after deletes them.
func TestQuietRefreshDeletesWhenDue(t *testing.T) {
	g := s3test.Start(t)
	p := s3test.NewProxy(t, g.URL())
	opt := exampleShow(t)
	cfg := opt.Config
	cfg.Output.Target = "s3://" + s3test.Bucket
	cfg.Output.S3.Endpoint, cfg.Output.S3.PathStyle = p.URL, true
	keys := map[string]string{"AWS_ACCESS_KEY_ID": s3test.AccessKey, "AWS_SECRET_ACCESS_KEY": s3test.SecretKey}
	opt.Getenv = func(k string) string { return keys[k] }
	at := now
	opt.Now = func() time.Time { return at }
	opt.Force = true // the removal below is on purpose
	run := func(step string) *Result {
		t.Helper()
		res, err := Run(context.Background(), opt)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return res
	}
	run("first publish")
	if err := os.Remove(filepath.Join(cfg.Episodes.Dir, "episode-0006.md")); err != nil {
		t.Fatal(err)
	}
	gone := filepath.Join(g.Dir, s3test.Bucket, "episodes", "episode-0006", "chapters.json") // the gateway keeps objects as files
	res := run("episode removed")
	if res.Publish == nil || res.Publish.Unreferenced == 0 {
		t.Fatalf("after the removal: %+v; want unreferenced objects kept", res.Publish)
	}
	p.Counts()
	for _, later := range []time.Duration{time.Hour, 23 * time.Hour} {
		at = now.Add(later)
		run("a quiet refresh")
		if n := p.Counts(); len(n) != 0 {
			t.Errorf("%v later, a refresh with nothing new made %v; want no request", later, n)
		}
		if _, err := os.Stat(gone); err != nil {
			t.Errorf("%v later, the removed episode's chapters are gone: %v", later, err)
		}
	}
	at = now.Add(25 * time.Hour)
	res = run("a quiet refresh after the grace period")
	if n := p.Counts(); n["DELETE"] == 0 || res.Publish == nil || res.Publish.Deleted != n["DELETE"] {
		t.Errorf("after the grace period: requests %v, report %+v; want the deletions", n, res.Publish)
	}
	if _, err := os.Stat(gone); err == nil {
		t.Error("the removed episode's chapters are still in the bucket after the grace period")
	}
}

// syncFunc is a publish.Target made of a function.
type syncFunc func(context.Context, publish.Source) (publish.Report, error)

func (f syncFunc) Sync(ctx context.Context, src publish.Source) (publish.Report, error) {
	return f(ctx, src)
}
func (f syncFunc) String() string { return "s3://fake" }

// TestKilledDuringPublish: while the target is being published, the
// record says the publish did not finish, so a process killed then is
// followed by a refresh that publishes, although nothing is new.
func TestKilledDuringPublish(t *testing.T) {
	opt := exampleShow(t)
	var during *PublishRecord
	calls := 0
	opt.Target = syncFunc(func(ctx context.Context, src publish.Source) (publish.Report, error) {
		calls++
		var err error
		during, err = LastPublish(opt.Config.State.Dir)
		if err != nil {
			t.Fatal(err)
		}
		return publish.Report{Target: "s3://fake"}, nil
	})
	if _, err := Run(context.Background(), opt); err != nil {
		t.Fatal(err)
	}
	if during == nil || during.Error == "" {
		t.Fatalf("the record during the publish: %+v; want it to say the publish did not finish", during)
	}
	// What a kill during the publish leaves: that record.
	if err := writeJSON(filepath.Join(opt.Config.State.Dir, publishRecordFile), during); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if !res.UpToDate || calls != 2 {
		t.Fatalf("after a kill: up to date %v, publishes %d; want the folder up to date and a second publish", res.UpToDate, calls)
	}
	if _, err := Run(context.Background(), opt); err != nil || calls != 2 {
		t.Fatalf("once published: %d publishes, %v; want no third", calls, err)
	}
}
