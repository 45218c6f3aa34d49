package s3_test

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/castfeed/castfeed/internal/config"
	"github.com/castfeed/castfeed/internal/pipeline"
	"github.com/castfeed/castfeed/internal/publish"
	"github.com/castfeed/castfeed/internal/publish/s3"
	"github.com/castfeed/castfeed/internal/s3test"
)

// buildTime is after every example episode, so builds are the same.
var buildTime = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// show is the bundled example show, copied into a temporary folder so a
// test can edit and remove episodes and their audio.
type show struct {
	t   testing.TB
	opt pipeline.Options
}

func newShow(t testing.TB) *show {
	t.Helper()
	cfg, err := config.Load("../../../config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, p := range []*string{&cfg.Episodes.Dir, &cfg.Media.Dir} {
		to := filepath.Join(dir, filepath.Base(*p))
		if err := os.CopyFS(to, os.DirFS(*p)); err != nil {
			t.Fatal(err)
		}
		*p = to
	}
	cfg.Output.Dir = filepath.Join(dir, "public")
	cfg.State.Dir = filepath.Join(dir, "state")
	s := &show{t: t, opt: pipeline.Options{Config: cfg, Offline: true, Force: true, Now: func() time.Time { return buildTime }, Version: "test"}}
	s.build()
	return s
}

func (s *show) build() {
	s.t.Helper()
	if _, err := pipeline.Run(context.Background(), s.opt); err != nil {
		s.t.Fatalf("build the example show: %v", err)
	}
}

func (s *show) source() publish.Source {
	return publish.Source{Dir: s.opt.Config.Output.Dir, MediaDir: s.opt.Config.Media.Dir}
}

// edit rewrites an episode file through fn.
func (s *show) edit(name string, fn func([]byte) []byte) {
	s.t.Helper()
	p := filepath.Join(s.opt.Config.Episodes.Dir, name)
	data, err := os.ReadFile(p)
	if err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(p, fn(data), 0o644); err != nil {
		s.t.Fatal(err)
	}
}

// files reads what the bucket should hold, independently of the package
// under test: the output folder at the root, media.dir under media/ where
// the folder has no tagged copy of its own.
func (s *show) files() map[string][]byte {
	s.t.Helper()
	out := map[string][]byte{}
	read := func(root, under string) {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			key := under + filepath.ToSlash(rel)
			if _, tagged := out[key]; tagged {
				return nil
			}
			data, err := os.ReadFile(p)
			out[key] = data
			return err
		})
		if err != nil {
			s.t.Fatal(err)
		}
	}
	read(s.opt.Config.Output.Dir, "")
	read(s.opt.Config.Media.Dir, "media/")
	return out
}

// clock is a settable time for the grace period.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// newBucket returns the package under test, writing the prefix
// "podcast" of the gateway's bucket through endpoint.
func newBucket(t testing.TB, endpoint string, c *clock, mod ...func(*s3.Config)) *s3.Bucket {
	t.Helper()
	cfg := s3.Config{
		Bucket:      "show",
		Prefix:      "podcast",
		Endpoint:    endpoint,
		Region:      "us-east-1",
		PathStyle:   true,
		DeleteAfter: 24 * time.Hour,
		AccessKey:   s3test.AccessKey,
		SecretKey:   s3test.SecretKey,
		DigestCache: filepath.Join(t.TempDir(), "digests.json"),
		Retries:     3,
		RetryBase:   10 * time.Millisecond,
		RetryMax:    50 * time.Millisecond,
	}
	if c != nil {
		cfg.Now = c.now
	}
	for _, m := range mod {
		m(&cfg)
	}
	b, err := s3.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustSync(t testing.TB, b *s3.Bucket, src publish.Source) publish.Report {
	t.Helper()
	rep, err := b.Sync(context.Background(), src)
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return rep
}

// bucketFiles reads every object under the prefix, except castfeed's own.
func bucketFiles(t testing.TB, c *minio.Client) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	out := map[string][]byte{}
	for o := range c.ListObjectsIter(ctx, "show", minio.ListObjectsOptions{Prefix: "podcast/", Recursive: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		key := o.Key[len("podcast/"):]
		if path.Dir(key) == ".castfeed" {
			continue
		}
		out[key] = getObject(t, c, o.Key)
	}
	return out
}

func getObject(t testing.TB, c *minio.Client, key string) []byte {
	t.Helper()
	obj, err := c.GetObject(context.Background(), "show", key, minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	data, err := io.ReadAll(obj)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	return data
}

// sameFiles reports the first difference between what the bucket holds
// and what it should, or "".
func sameFiles(got, want map[string][]byte) string {
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		g, gok := got[k]
		w, wok := want[k]
		switch {
		case !gok:
			return k + " is missing from the bucket"
		case !wok:
			return k + " is in the bucket but not in the local version"
		case !bytes.Equal(g, w):
			return k + " differs from the local file"
		}
	}
	return ""
}

// changedKeys lists the names whose bytes differ between two versions.
func changedKeys(before, after map[string][]byte) []string {
	var out []string
	for k, a := range after {
		if b, ok := before[k]; !ok || !bytes.Equal(a, b) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func uploadedKeys(rep publish.Report) []string {
	var out []string
	for _, a := range rep.Actions {
		if a.Op == "upload" {
			out = append(out, a.Key)
		}
	}
	slices.Sort(out)
	return out
}
