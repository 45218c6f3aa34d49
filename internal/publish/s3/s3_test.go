package s3_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/castfeed/castfeed/internal/publish/s3"
	"github.com/castfeed/castfeed/internal/s3test"
)

// wantKinds is what a podcast app and a CDN must be told about each file
// of the example show, by the end of its name, written out by hand rather
// than taken from the table under test.
var wantKinds = []struct{ suffix, contentType, cacheControl string }{
	{"feed.xml", "application/rss+xml; charset=utf-8", "public, max-age=300"},
	{"feed.atom", "application/atom+xml; charset=utf-8", "public, max-age=300"},
	{"feed.json", "application/feed+json; charset=utf-8", "public, max-age=300"},
	{"/chapters.json", "application/json+chapters; charset=utf-8", "public, max-age=3600"},
	{".vtt", "text/vtt; charset=utf-8", "public, max-age=3600"},
	{".srt", "application/x-subrip; charset=utf-8", "public, max-age=3600"},
	{".html", "text/html; charset=utf-8", "public, max-age=3600"},
	{".css", "text/css; charset=utf-8", "public, max-age=3600"},
	{".js", "text/javascript; charset=utf-8", "public, max-age=3600"},
	{".json", "application/json; charset=utf-8", "public, max-age=3600"},
	{".png", "image/png", "public, max-age=86400"},
	{".mp3", "audio/mpeg", "public, max-age=86400"},
	{".m4a", "audio/mp4", "public, max-age=86400"},
}

func wantKind(key string) (contentType, cacheControl string) {
	for _, k := range wantKinds {
		if strings.HasSuffix(key, k.suffix) {
			return k.contentType, k.cacheControl
		}
	}
	return "", ""
}

func TestFirstPublish(t *testing.T) {
	g := s3test.Start(t)
	s := newShow(t)
	b := newBucket(t, g.URL(), nil)
	rep := mustSync(t, b, s.source())
	want := s.files()
	if rep.Uploaded != len(want) || rep.Skipped != 0 || rep.Deleted != 0 {
		t.Errorf("first publish: uploaded %d, skipped %d, deleted %d; want %d, 0, 0", rep.Uploaded, rep.Skipped, rep.Deleted, len(want))
	}
	c := client(t, g)
	if d := sameFiles(bucketFiles(t, c), want); d != "" {
		t.Fatal(d)
	}
	for key := range want {
		wantType, wantCache := wantKind(key)
		if wantType == "" {
			t.Errorf("%s: the test does not know this kind of file; add it to wantKind", key)
			continue
		}
		st, err := c.StatObject(context.Background(), "show", "podcast/"+key, minio.StatObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if st.ContentType != wantType || st.Metadata.Get("Cache-Control") != wantCache {
			t.Errorf("%s: Content-Type %q, Cache-Control %q; want %q, %q", key, st.ContentType, st.Metadata.Get("Cache-Control"), wantType, wantCache)
		}
	}
	// The enclosures of the feed are under media/, as `castfeed serve`
	// serves them.
	for _, u := range feedURLs(t, want["feed.xml"]) {
		if _, ok := want[u]; !ok {
			t.Errorf("feed.xml names %s, which the bucket lacks", u)
		}
	}
	rcloneCheck(t, g, s, want)
}

// rcloneCheck reads the bucket back with another S3 client, configured by
// environment only: every local file is there with the same bytes, and
// each object's content type and cache control are right.
func rcloneCheck(t *testing.T, g *s3test.Gateway, s *show, want map[string][]byte) {
	t.Helper()
	bin, env := s3test.Rclone(t, g.URL())
	run := func(args ...string) []byte {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("rclone %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return out
	}
	run("check", "--one-way", "--download", s.opt.Config.Output.Dir, "gw:show/podcast")
	// media.dir's files are in the bucket as they are, but for those the
	// folder has a tagged copy of (checked above, at the root).
	var untagged []string
	entries, err := os.ReadDir(s.opt.Config.Media.Dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(s.opt.Config.Output.Dir, "media", e.Name())); err != nil {
			untagged = append(untagged, e.Name())
		}
	}
	if len(untagged) > 0 {
		list := filepath.Join(t.TempDir(), "untagged")
		if err := os.WriteFile(list, []byte(strings.Join(untagged, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		run("check", "--one-way", "--download", "--files-from", list, s.opt.Config.Media.Dir, "gw:show/podcast/media")
	}
	var list []struct {
		Path     string
		MimeType string
		Metadata map[string]string
	}
	if err := json.Unmarshal(run("lsjson", "-R", "--files-only", "--metadata", "gw:show/podcast"), &list); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, o := range list {
		if strings.HasPrefix(o.Path, ".castfeed/") {
			continue
		}
		seen++
		wantType, wantCache := wantKind(o.Path)
		if o.MimeType != wantType || o.Metadata["cache-control"] != wantCache {
			t.Errorf("rclone sees %s as %q, cache-control %q; want %q, %q", o.Path, o.MimeType, o.Metadata["cache-control"], wantType, wantCache)
		}
	}
	if seen != len(want) {
		t.Errorf("rclone lists %d objects; want %d", seen, len(want))
	}
}

// feedURLs returns the names, relative to base_url, that feed.xml points
// at under base_url.
func feedURLs(t testing.TB, feed []byte) []string {
	t.Helper()
	var out []string
	for _, m := range regexp.MustCompile(`http://localhost:8080/([^"<\s]+)`).FindAllSubmatch(feed, -1) {
		name := string(m[1])
		if name != "feed.xml" && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	if len(out) == 0 {
		t.Fatal("feed.xml names nothing under base_url; the test would prove nothing")
	}
	return out
}

func TestNoChangeMakesNoPut(t *testing.T) {
	_, p, s := setup(t)
	b := newBucket(t, p.URL, nil)
	mustSync(t, b, s.source())
	p.Counts()
	s.build() // a refresh that changes nothing
	rep := mustSync(t, b, s.source())
	n := p.Counts()
	if n["PUT"] != 0 || n["DELETE"] != 0 || n["POST"] != 0 || n["GET"] != 1 || len(n) != 1 {
		t.Errorf("a refresh without change made %v; want one GET of the manifest and nothing else", n)
	}
	if rep.Uploaded != 0 || rep.Skipped != len(s.files()) {
		t.Errorf("uploaded %d, skipped %d; want 0, %d", rep.Uploaded, rep.Skipped, len(s.files()))
	}
}

func TestEditedEpisodeUploadsOnlyWhatChanged(t *testing.T) {
	g, p, s := setup(t)
	b := newBucket(t, p.URL, nil)
	mustSync(t, b, s.source())
	before := s.files()
	s.edit("episode-0003.md", func(b []byte) []byte {
		return bytes.Replace(b, []byte("0:49:40 - Fonts and shaping\n"), []byte("0:40:00 - Questions from the chat\n\n0:49:40 - Fonts and shaping\n"), 1)
	})
	s.build()
	changed := changedKeys(before, s.files())
	if len(changed) == 0 {
		t.Fatal("the edit changed no file; the test would prove nothing")
	}
	p.Counts()
	rep := mustSync(t, b, s.source())
	if got := uploadedKeys(rep); !slices.Equal(got, changed) {
		t.Errorf("uploaded %v; want exactly the changed files %v", got, changed)
	}
	if n := p.Counts(); n["PUT"] != len(changed)+1 {
		t.Errorf("%d PUTs; want %d (the changed files and the manifest)", n["PUT"], len(changed)+1)
	}
	if d := sameFiles(bucketFiles(t, client(t, g)), s.files()); d != "" {
		t.Fatal(d)
	}
}

func TestRemovedEpisodeKeptForTheGracePeriod(t *testing.T) {
	g, p, s := setup(t)
	c := &clock{time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC)}
	b := newBucket(t, p.URL, c)
	mustSync(t, b, s.source())
	before := s.files()
	if err := os.Remove(filepath.Join(s.opt.Config.Episodes.Dir, "episode-0006.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(s.opt.Config.Media.Dir, "episode-0006.m4a")); err != nil {
		t.Fatal(err)
	}
	s.build()
	after := s.files()
	var gone []string
	for k := range before {
		if _, ok := after[k]; !ok {
			gone = append(gone, k)
		}
	}
	slices.Sort(gone)
	if !slices.Contains(gone, "media/episode-0006.m4a") {
		t.Fatalf("files gone: %v; want the removed episode's audio among them", gone)
	}
	mc := client(t, g)
	for _, step := range []struct {
		name      string
		at        time.Duration
		wantGone  bool
		wantPuts  int // the feeds that changed and the manifest
		wantCount int // objects unreferenced after the step
	}{
		{"just removed: kept, marked in the manifest", 0, false, len(changedKeys(before, after)) + 1, len(gone)},
		{"an hour later: kept, nothing to write", time.Hour, false, 0, len(gone)},
		{"23h59m later: kept", 23*time.Hour + 59*time.Minute, false, 0, len(gone)},
		{"a day later: deleted", 24 * time.Hour, true, 1, 0},
		{"after: nothing to do", 25 * time.Hour, true, 0, 0},
	} {
		now := c.t
		c.t = now.Add(step.at)
		p.Counts()
		rep := mustSync(t, b, s.source())
		c.t = now
		n := p.Counts()
		if n["PUT"] != step.wantPuts {
			t.Errorf("%s: %d PUTs; want %d", step.name, n["PUT"], step.wantPuts)
		}
		if rep.Unreferenced != step.wantCount {
			t.Errorf("%s: %d unreferenced; want %d", step.name, rep.Unreferenced, step.wantCount)
		}
		if wantDeleted := map[bool]int{true: len(gone)}[step.at == 24*time.Hour]; rep.Deleted != wantDeleted || n["DELETE"] != wantDeleted {
			t.Errorf("%s: deleted %d objects with %d DELETEs; want %d", step.name, rep.Deleted, n["DELETE"], wantDeleted)
		}
		for _, k := range gone {
			_, err := mc.StatObject(context.Background(), "show", "podcast/"+k, minio.StatObjectOptions{})
			switch {
			case step.wantGone && err == nil:
				t.Errorf("%s: %s is still in the bucket", step.name, k)
			case !step.wantGone && err != nil:
				t.Errorf("%s: %s is gone from the bucket: %v", step.name, k, err)
			}
		}
	}
	if d := sameFiles(bucketFiles(t, mc), after); d != "" {
		t.Fatal(d)
	}
}

// TestUploadOrder has a reader poll the bucket while an episode is added:
// every feed.xml, feed.atom and feed.json it ever reads names only objects
// that are there (the three go up together, so none may name another).
func TestUploadOrder(t *testing.T) {
	g, p, s := setup(t)
	b := newBucket(t, p.URL, nil, func(c *s3.Config) { c.Concurrency = 2 })
	p.SetHook(func(r *http.Request) int {
		if r.Method == http.MethodPut {
			time.Sleep(15 * time.Millisecond) // room for the reader between uploads
		}
		return 0
	})
	mc := client(t, g)
	feeds := []string{"feed.xml", "feed.atom", "feed.json"}
	var (
		stop    = make(chan struct{})
		wg      sync.WaitGroup
		reads   [3]atomic.Int64 // of each of feeds
		failure atomic.Value
	)
	wg.Go(func() {
		seen := map[string]bool{}
		for i := 0; ; i = (i + 1) % len(feeds) {
			select {
			case <-stop:
				return
			default:
			}
			obj, err := mc.GetObject(context.Background(), "show", "podcast/"+feeds[i], minio.GetObjectOptions{})
			if err != nil {
				continue
			}
			var buf bytes.Buffer
			_, err = buf.ReadFrom(obj)
			obj.Close()
			if err != nil {
				continue // not there yet
			}
			reads[i].Add(1)
			for _, m := range regexp.MustCompile(`http://localhost:8080/([^"<\s]+)`).FindAllSubmatch(buf.Bytes(), -1) {
				key := string(m[1])
				if seen[key] {
					continue
				}
				if _, err := mc.StatObject(context.Background(), "show", "podcast/"+key, minio.StatObjectOptions{}); err != nil {
					failure.CompareAndSwap(nil, "a "+feeds[i]+" read from the bucket names "+key+", which is not there: "+err.Error())
				} else {
					seen[key] = true
				}
			}
		}
	})
	mustSync(t, b, s.source()) // the first publish
	addEpisode(t, s, "episode-0007")
	s.build()
	mustSync(t, b, s.source()) // one episode more
	close(stop)
	wg.Wait()
	if f := failure.Load(); f != nil {
		t.Fatal(f)
	}
	for i, name := range feeds {
		if n := reads[i].Load(); n < 2 {
			t.Errorf("the reader read %s %d times; the test proves nothing of it", name, n)
		} else {
			t.Logf("%s read %d times during the publishes", name, n)
		}
	}
}

// addEpisode adds an episode, with audio, copied from episode-0006.
func addEpisode(t testing.TB, s *show, slug string) {
	t.Helper()
	cfg := s.opt.Config
	data, err := os.ReadFile(filepath.Join(cfg.Episodes.Dir, "episode-0006.md"))
	if err != nil {
		t.Fatal(err)
	}
	data = regexp.MustCompile(`(?m)^title:.*$`).ReplaceAll(data, []byte("title: An episode the test added"))
	data = regexp.MustCompile(`(?m)^guid:.*\n`).ReplaceAll(data, nil)
	if err := os.WriteFile(filepath.Join(cfg.Episodes.Dir, slug+".md"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	audio, err := os.ReadFile(filepath.Join(cfg.Media.Dir, "episode-0004.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfg.Media.Dir, slug+".mp3"), append(audio, slug...), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestInterrupted kills the gateway in the middle of a publish: the
// bucket still serves the old version, complete; after a restart the
// next publish converges.
func TestInterrupted(t *testing.T) {
	g, p, s := setup(t)
	b := newBucket(t, p.URL, nil, func(c *s3.Config) { c.Concurrency = 1 })
	mustSync(t, b, s.source())
	mc := client(t, g)
	old := bucketFiles(t, mc)

	addEpisode(t, s, "episode-0007")
	s.edit("episode-0003.md", func(b []byte) []byte {
		return bytes.Replace(b, []byte("0:49:40 - Fonts and shaping\n"), []byte("0:40:00 - Questions from the chat\n\n0:49:40 - Fonts and shaping\n"), 1)
	})
	s.build()
	var puts atomic.Int64
	p.SetHook(func(r *http.Request) int {
		if r.Method == http.MethodPut && puts.Add(1) == 3 {
			g.Kill() // kill -9 in the middle of the uploads
		}
		return 0
	})
	if _, err := b.Sync(context.Background(), s.source()); err == nil {
		t.Fatal("a publish with the gateway killed succeeded")
	}
	p.SetHook(nil)
	g.Start()
	// The old feeds and every object they name are there.
	now := bucketFiles(t, mc)
	if !bytes.Equal(now["feed.xml"], old["feed.xml"]) {
		t.Fatal("feed.xml changed although the publish was interrupted before the feeds")
	}
	for _, name := range feedURLs(t, now["feed.xml"]) {
		if _, ok := now[name]; !ok {
			t.Errorf("after the interruption feed.xml names %s, which is missing", name)
		}
	}
	mustSync(t, b, s.source())
	if d := sameFiles(bucketFiles(t, mc), s.files()); d != "" {
		t.Fatalf("after the next publish: %s", d)
	}
	p.Counts()
	mustSync(t, b, s.source())
	if n := p.Counts(); n["PUT"] != 0 {
		t.Errorf("a publish after convergence made %d PUTs; want 0", n["PUT"])
	}
}

// TestServerErrorsAreRetried puts a proxy between castfeed and the
// gateway that answers 500 to the first try of every request. (Failing
// every other request, as this test once did, fails some request on
// every try now and then: concurrent uploads share the count.)
func TestServerErrorsAreRetried(t *testing.T) {
	g, p, s := setup(t)
	b := newBucket(t, p.URL, nil, func(c *s3.Config) { c.Retries = 4 })
	var (
		mu     sync.Mutex
		tried  = map[string]bool{}
		failed atomic.Int64
	)
	p.SetHook(func(r *http.Request) int {
		mu.Lock()
		defer mu.Unlock()
		if key := r.Method + " " + r.URL.String(); !tried[key] {
			tried[key] = true
			failed.Add(1)
			return http.StatusInternalServerError
		}
		return 0
	})
	mustSync(t, b, s.source())
	if failed.Load() < int64(len(s.files())) {
		t.Fatalf("only %d requests failed; the test proves little", failed.Load())
	}
	if d := sameFiles(bucketFiles(t, client(t, g)), s.files()); d != "" {
		t.Fatal(d)
	}
	// A store that keeps failing is an error, not an endless loop.
	p.SetHook(func(r *http.Request) int { return http.StatusServiceUnavailable })
	if _, err := b.Sync(context.Background(), s.source()); err == nil {
		t.Fatal("a publish against a store failing every request succeeded")
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	g, p, s := setup(t)
	dry := newBucket(t, p.URL, nil, func(c *s3.Config) { c.DryRun = true })
	rep := mustSync(t, dry, s.source())
	n := p.Counts()
	if n["PUT"]+n["DELETE"]+n["POST"] != 0 {
		t.Errorf("a dry run made %v", n)
	}
	if len(bucketFiles(t, client(t, g))) != 0 {
		t.Error("a dry run left objects in the bucket")
	}
	real := mustSync(t, newBucket(t, p.URL, nil), s.source())
	if !slices.Equal(uploadedKeys(rep), uploadedKeys(real)) || len(uploadedKeys(rep)) != len(s.files()) {
		t.Errorf("the dry run planned %v; the publish uploaded %v", uploadedKeys(rep), uploadedKeys(real))
	}
	// The order printed is the order of the uploads: feed.xml last.
	if last := rep.Actions[len(rep.Actions)-1]; last.Key != "feed.xml" {
		t.Errorf("the dry run's last upload is %s; want feed.xml", last.Key)
	}
}

// TestMissingManifest lists the bucket when the manifest is gone (or
// damaged), and uploads nothing the bucket already holds.
func TestMissingManifest(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(c *minio.Client) error
	}{
		{"deleted", func(c *minio.Client) error {
			return c.RemoveObject(context.Background(), "show", "podcast/.castfeed/manifest.json", minio.RemoveObjectOptions{})
		}},
		{"damaged", func(c *minio.Client) error {
			_, err := c.PutObject(context.Background(), "show", "podcast/.castfeed/manifest.json", strings.NewReader("{not json"), 9, minio.PutObjectOptions{})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, p, s := setup(t)
			mustSync(t, newBucket(t, p.URL, nil), s.source())
			mc := client(t, g)
			if err := tc.spoil(mc); err != nil {
				t.Fatal(err)
			}
			// A stray object nobody names: kept for the grace period.
			if _, err := mc.PutObject(context.Background(), "show", "podcast/stray.txt", strings.NewReader("x"), 1, minio.PutObjectOptions{}); err != nil {
				t.Fatal(err)
			}
			p.Counts()
			rep := mustSync(t, newBucket(t, p.URL, nil), s.source())
			if n := p.Counts(); n["PUT"] != 1 || rep.Uploaded != 0 {
				t.Errorf("with the manifest %s: %d PUTs, %d uploads; want only the manifest written", tc.name, n["PUT"], rep.Uploaded)
			}
			if rep.Unreferenced != 1 {
				t.Errorf("%d objects unreferenced; want 1 (stray.txt)", rep.Unreferenced)
			}
			p.Counts()
			mustSync(t, newBucket(t, p.URL, nil), s.source())
			if n := p.Counts(); n["PUT"] != 0 || n["GET"] != 1 {
				t.Errorf("after the manifest was written again: %v; want one GET", n)
			}
		})
	}
}

func TestBadTarget(t *testing.T) {
	g := s3test.Start(t)
	s := newShow(t)
	notS3 := newHTTPServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body>Welcome to nginx!</body></html>"))
	})
	badRequest := newHTTPServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "<html>bad request</html>", http.StatusBadRequest)
	})
	notFound := newHTTPServer(t, http.NotFound)
	for _, tc := range []struct {
		name string
		mod  func(c *s3.Config)
		want error
	}{
		{"wrong secret", func(c *s3.Config) { c.SecretKey = "not-the-secret" }, s3.ErrCredentials},
		{"unknown key", func(c *s3.Config) { c.AccessKey = "nobody" }, s3.ErrCredentials},
		{"missing bucket", func(c *s3.Config) { c.Bucket = "no-such-bucket" }, s3.ErrNoBucket},
		{"endpoint not S3", func(c *s3.Config) { c.Endpoint = notS3 }, s3.ErrNotS3},
		{"endpoint not S3, answering 400", func(c *s3.Config) { c.Endpoint = badRequest }, s3.ErrNotS3},
		{"endpoint not S3, answering 404", func(c *s3.Config) { c.Endpoint = notFound }, s3.ErrNoBucket},
		// A real account of the gateway, allowed to read by a bucket
		// policy, and not to write.
		{"bucket not writable", func(c *s3.Config) {
			addReader(t, g, "reader", "reader-secret-key")
			c.AccessKey, c.SecretKey = "reader", "reader-secret-key"
		}, s3.ErrNotWritable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBucket(t, g.URL(), nil, tc.mod)
			_, err := b.Sync(context.Background(), s.source())
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v; want %v", err, tc.want)
			}
			t.Log(err)
			if len(bucketFiles(t, client(t, g))) != 0 {
				t.Error("objects were written")
			}
		})
	}
	t.Run("no keys", func(t *testing.T) {
		_, err := s3.New(s3.Config{Bucket: "show"})
		if !errors.Is(err, s3.ErrCredentials) || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID") {
			t.Fatalf("error %v; want one naming AWS_ACCESS_KEY_ID", err)
		}
	})
}

func newHTTPServer(t testing.TB, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// setup starts a gateway, a counting proxy in front of it, and builds the
// example show.
func setup(t *testing.T) (*s3test.Gateway, *s3test.Proxy, *show) {
	t.Helper()
	g := s3test.Start(t)
	return g, s3test.NewProxy(t, g.URL()), newShow(t)
}

// TestLargeMediaInParts uploads audio larger than a part in parts, and
// when the manifest is lost, recognises it by the digest kept with it
// (a multipart ETag is not an MD5 of the bytes).
func TestLargeMediaInParts(t *testing.T) {
	g, p, s := setup(t)
	audio := make([]byte, 12<<20+12345)
	for i := range audio {
		audio[i] = byte(i*7 + i>>13)
	}
	if err := os.WriteFile(filepath.Join(s.opt.Config.Media.Dir, "bonus-0001.mp3"), audio, 0o644); err != nil {
		t.Fatal(err)
	}
	parts := func(c *s3.Config) { c.PartSize, c.SinglePutMax = 5<<20, 5<<20 }
	mustSync(t, newBucket(t, p.URL, nil, parts), s.source())
	mc := client(t, g)
	st, err := mc.StatObject(context.Background(), "show", "podcast/media/bonus-0001.mp3", minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(st.ETag, "-") {
		t.Errorf("ETag %q: the 12 MiB file was not uploaded in parts", st.ETag)
	}
	if !bytes.Equal(getObject(t, mc, "podcast/media/bonus-0001.mp3"), audio) {
		t.Fatal("the audio read back differs")
	}
	if err := mc.RemoveObject(context.Background(), "show", "podcast/.castfeed/manifest.json", minio.RemoveObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	p.Counts()
	rep := mustSync(t, newBucket(t, p.URL, nil, parts), s.source())
	if rep.Uploaded != 0 || p.Counts()["PUT"] != 1 {
		t.Errorf("without the manifest: %v uploaded; want none but the manifest", uploadedKeys(rep))
	}
}

// TestACL sends a canned ACL with each object only when asked: by
// default the bucket's policy decides who reads. (versitygw keeps no
// object ACLs, so the test looks at the requests.)
func TestACL(t *testing.T) {
	for _, acl := range []string{"", "public-read"} {
		t.Run("acl="+acl, func(t *testing.T) {
			_, p, s := setup(t)
			var mu sync.Mutex
			sent := map[string]int{}
			p.SetHook(func(r *http.Request) int {
				if r.Method == http.MethodPut {
					mu.Lock()
					sent[r.Header.Get("X-Amz-Acl")]++
					mu.Unlock()
				}
				return 0
			})
			mustSync(t, newBucket(t, p.URL, nil, func(c *s3.Config) { c.ACL = acl }), s.source())
			if want := len(s.files()) + 1; sent[acl] != want || len(sent) != 1 {
				t.Errorf("PUTs by x-amz-acl: %v; want all %d with %q", sent, want, acl)
			}
		})
	}
}

// TestChecksumRefused: a store that refuses x-amz-checksum-sha256 (as
// Backblaze B2 and R2 have, in their words) gets every object all the
// same, with Content-MD5, and after its first refusals no request with
// the header again.
func TestChecksumRefused(t *testing.T) {
	for _, tc := range []struct {
		name    string
		refusal s3test.Refusal
	}{
		{"B2", s3test.Refusal{Status: http.StatusBadRequest, Code: "InvalidArgument", Message: "Unsupported header 'x-amz-checksum-sha256' received for this API call."}},
		{"R2", s3test.Refusal{Status: http.StatusNotImplemented, Code: "NotImplemented", Message: "Header 'x-amz-checksum-sha256' with value 'AAAA' not implemented"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, p, s := setup(t)
			var refused, withMD5, other atomic.Int64
			p.Refuse(func(r *http.Request) s3test.Refusal {
				switch {
				case r.Method != http.MethodPut:
				case r.Header.Get("X-Amz-Checksum-Sha256") != "":
					refused.Add(1)
					return tc.refusal
				case r.Header.Get("Content-Md5") != "":
					withMD5.Add(1)
				default:
					other.Add(1)
				}
				return s3test.Refusal{}
			})
			const concurrency = 4
			rep := mustSync(t, newBucket(t, p.URL, nil, func(c *s3.Config) { c.Concurrency = concurrency }), s.source())
			want := s.files()
			if d := sameFiles(bucketFiles(t, client(t, g)), want); d != "" {
				t.Fatal(d)
			}
			if n := refused.Load(); n < 1 || n > concurrency {
				t.Errorf("%d PUTs with the header refused; want 1 to %d (those under way at the first refusal)", n, concurrency)
			}
			if n := withMD5.Load(); n != int64(len(want))+1 || other.Load() != 0 || rep.Uploaded != len(want) {
				t.Errorf("%d PUTs with Content-MD5, %d with neither, %d uploaded; want %d (the files and the manifest), 0, %d", n, other.Load(), rep.Uploaded, len(want)+1, len(want))
			}
		})
	}
}
