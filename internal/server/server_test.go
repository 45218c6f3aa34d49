package server

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/castfeed/castfeed/internal/metrics"
	"github.com/castfeed/castfeed/internal/publish"
)

// site publishes files into a fresh output folder through the real
// publisher and starts the real handler on a loopback port.
type site struct {
	t       *testing.T
	dir     string
	url     string
	ready   atomic.Bool
	refresh atomic.Int32
	srv     *Server
	reg     *metrics.Registry
}

func newSite(t *testing.T, files map[string]string) *site {
	t.Helper()
	root := t.TempDir()
	s := &site{t: t, dir: filepath.Join(root, "public")}
	s.publish(files)
	media := filepath.Join(root, "media")
	if err := os.MkdirAll(media, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(media, "ep1.mp3"), bytes.Repeat([]byte("ID3 audio "), 1000), 0o644); err != nil {
		t.Fatal(err)
	}
	s.reg = metrics.NewRegistry()
	s.srv = New(Options{
		Dir: s.dir, MediaDir: media, Metrics: metrics.New(s.reg), Registry: s.reg,
		Ready:        s.ready.Load,
		Refresh:      func() bool { return s.refresh.Add(1) == 1 },
		RefreshToken: "t0ken",
	})
	ts := httptest.NewServer(s.srv.Handler())
	t.Cleanup(ts.Close)
	s.url = ts.URL
	return s
}

func (s *site) publish(files map[string]string) {
	s.t.Helper()
	tx, err := publish.Begin(s.dir)
	if err != nil {
		s.t.Fatal(err)
	}
	defer tx.Abort()
	for name, data := range files {
		if err := tx.WriteFile(name, []byte(data)); err != nil {
			s.t.Fatal(err)
		}
	}
	if _, err := tx.Commit(); err != nil {
		s.t.Fatal(err)
	}
}

// publishOnce is site.publish for other goroutines: it returns errors.
func publishOnce(dir string, files map[string]string) error {
	tx, err := publish.Begin(dir)
	if err != nil {
		return err
	}
	defer tx.Abort()
	for name, data := range files {
		if err := tx.WriteFile(name, []byte(data)); err != nil {
			return err
		}
	}
	_, err = tx.Commit()
	return err
}

func (s *site) do(method, path string, header ...string) (*http.Response, []byte) {
	s.t.Helper()
	req, err := http.NewRequest(method, s.url+path, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	tr := &http.Transport{DisableCompression: true}
	resp, err := (&http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

var feedXML = `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>` + strings.Repeat("<item><title>An episode of the show</title></item>", 200) + `</channel></rss>`

func defaultFiles() map[string]string {
	return map[string]string{
		"feed.xml": feedXML, "feed.atom": "<feed/>", "feed.json": `{"version":"x"}`, "cover.png": "\x89PNG",
		"episodes/ep1/chapters.json": `{"version":"1.2.0","chapters":[]}`, "episodes/ep1/chapters.vtt": "WEBVTT\n",
		"episodes/ep1/transcript.srt": "1\n00:00:00,000 --> 00:00:01,000\nhi\n", "episodes/ep1/transcript.json": `{"segments":[]}`,
		"episodes/ep1/transcript.html": "<p>hi</p>",
	}
}

func TestTypesCacheAndCORS(t *testing.T) {
	s := newSite(t, defaultFiles())
	for _, tc := range []struct{ path, ctype, cache string }{
		{"/feed.xml", "application/rss+xml; charset=utf-8", "public, max-age=300"},
		{"/feed.atom", "application/atom+xml; charset=utf-8", "public, max-age=300"},
		{"/feed.json", "application/feed+json; charset=utf-8", "public, max-age=300"},
		{"/episodes/ep1/chapters.json", "application/json+chapters; charset=utf-8", "public, max-age=3600"},
		{"/episodes/ep1/chapters.vtt", "text/vtt; charset=utf-8", "public, max-age=3600"},
		{"/episodes/ep1/transcript.srt", "application/x-subrip; charset=utf-8", "public, max-age=3600"},
		{"/episodes/ep1/transcript.json", "application/json; charset=utf-8", "public, max-age=3600"},
		{"/episodes/ep1/transcript.html", "text/html; charset=utf-8", "public, max-age=3600"},
		{"/cover.png", "image/png", "public, max-age=86400"},
		{"/media/ep1.mp3", "audio/mpeg", "public, max-age=86400"},
	} {
		resp, _ := s.do("GET", tc.path)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != tc.ctype || resp.Header.Get("Cache-Control") != tc.cache ||
			resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("ETag") == "" || resp.Header.Get("Last-Modified") == "" {
			t.Errorf("GET %s: %s type %q cache %q cors %q etag %q", tc.path, resp.Status, resp.Header.Get("Content-Type"),
				resp.Header.Get("Cache-Control"), resp.Header.Get("Access-Control-Allow-Origin"), resp.Header.Get("ETag"))
		}
	}
	resp, _ := s.do("OPTIONS", "/feed.xml", "Origin", "https://player.example", "Access-Control-Request-Method", "GET")
	if resp.StatusCode != 204 || !strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), "GET") {
		t.Errorf("preflight: %s %v", resp.Status, resp.Header)
	}
	resp, _ = s.do("GET", "/")
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/feed.xml" {
		t.Errorf("GET /: %s to %q", resp.Status, resp.Header.Get("Location"))
	}
	resp, _ = s.do("DELETE", "/feed.xml")
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("DELETE: %s", resp.Status)
	}
}

func TestConditionalGETAndGzip(t *testing.T) {
	s := newSite(t, defaultFiles())
	resp, body := s.do("GET", "/feed.xml")
	etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if string(body) != feedXML || resp.Header.Get("Content-Encoding") != "" || resp.Header.Get("Vary") != "Accept-Encoding" {
		t.Fatalf("identity GET: %d bytes, encoding %q vary %q", len(body), resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"))
	}
	if r, b := s.do("GET", "/feed.xml", "If-None-Match", etag); r.StatusCode != 304 || len(b) != 0 {
		t.Errorf("If-None-Match: %s, %d bytes", r.Status, len(b))
	}
	if r, _ := s.do("GET", "/feed.xml", "If-Modified-Since", lm); r.StatusCode != 304 {
		t.Errorf("If-Modified-Since: %s", r.Status)
	}
	if r, _ := s.do("GET", "/feed.xml", "If-None-Match", `"other"`); r.StatusCode != 200 {
		t.Errorf("stale If-None-Match: %s", r.Status)
	}

	resp, body = s.do("GET", "/feed.xml", "Accept-Encoding", "br, gzip;q=0.8")
	gzETag := resp.Header.Get("ETag")
	if resp.Header.Get("Content-Encoding") != "gzip" || gzETag == etag || len(body) >= len(feedXML) {
		t.Fatalf("gzip GET: encoding %q etag %q (identity %q), %d bytes", resp.Header.Get("Content-Encoding"), gzETag, etag, len(body))
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if plain, _ := io.ReadAll(zr); string(plain) != feedXML {
		t.Fatal("the gzip body does not decode to the file")
	}
	if r, _ := s.do("GET", "/feed.xml", "Accept-Encoding", "gzip", "If-None-Match", gzETag); r.StatusCode != 304 {
		t.Errorf("gzip If-None-Match: %s", r.Status)
	}
	// Every 304 (the first goes through ServeContent, the next from
	// memory) carries what a cache updates its copy with and CORS, and
	// nothing that describes a body.
	for i := range 2 {
		r, _ := s.do("GET", "/feed.xml", "Accept-Encoding", "gzip", "If-None-Match", `"x", `+gzETag)
		want := map[string]string{"Etag": gzETag, "Last-Modified": lm, "Cache-Control": "public, max-age=300",
			"Vary": "Accept-Encoding", "Access-Control-Allow-Origin": "*", "Content-Type": "", "Content-Encoding": "", "Content-Length": ""}
		for k, v := range want {
			if got := r.Header.Get(k); r.StatusCode != 304 || got != v {
				t.Errorf("304 #%d: %s, %s = %q, want %q", i+1, r.Status, k, got, v)
			}
		}
	}
	if r, _ := s.do("GET", "/feed.xml", "Accept-Encoding", "gzip;q=0"); r.Header.Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 was answered with gzip")
	}
	// The same content republished keeps its ETag: apps keep getting 304.
	files := defaultFiles()
	files["feed.atom"] = "<feed>changed</feed>"
	s.publish(files)
	s.srv.Published()
	if r, _ := s.do("GET", "/feed.xml", "If-None-Match", etag); r.StatusCode != 304 {
		t.Errorf("after an unrelated republish: %s, want 304", r.Status)
	}
	// A new version, announced by Published, is never hidden behind the
	// old ETag.
	files["feed.xml"] = feedXML + "<!-- new -->"
	s.publish(files)
	s.srv.Published()
	if r, b := s.do("GET", "/feed.xml", "If-None-Match", etag); r.StatusCode != 200 || !strings.HasSuffix(string(b), "<!-- new -->") {
		t.Errorf("after a new version: %s", r.Status)
	}
	if r, _ := s.do("GET", "/feed.xml", "Accept-Encoding", "gzip", "If-None-Match", gzETag); r.StatusCode != 200 {
		t.Errorf("gzip after a new version: %s", r.Status)
	}
	r, _ := s.do("HEAD", "/feed.xml")
	if r.StatusCode != 200 || r.ContentLength != int64(len(feedXML)+len("<!-- new -->")) {
		t.Errorf("HEAD: %s, length %d", r.Status, r.ContentLength)
	}
}

// TestFolderTTL: when another process publishes (the server is not told),
// the old version may be answered 304 for at most folderTTL, and not a
// moment longer, whether the change is a feed at the top of the folder
// or a file deep in it. The clock is synctest's, so the bound is exact.
func TestFolderTTL(t *testing.T) {
	for _, name := range []string{"feed.xml", "episodes/ep1/transcript.html"} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				dir := filepath.Join(t.TempDir(), "public")
				files := defaultFiles()
				if err := publishOnce(dir, files); err != nil {
					t.Fatal(err)
				}
				h := New(Options{Dir: dir}).Handler()
				get := func(etag string) *httptest.ResponseRecorder {
					rec := httptest.NewRecorder()
					req := httptest.NewRequest("GET", "/"+name, nil)
					if etag != "" {
						req.Header.Set("If-None-Match", etag)
					}
					h.ServeHTTP(rec, req)
					return rec
				}
				etag := get("").Header().Get("ETag")
				if r := get(etag); r.Code != 304 {
					t.Fatalf("conditional GET of the unchanged file: %d, want 304", r.Code)
				}
				files[name] += "<!-- new -->"
				if err := publishOnce(dir, files); err != nil {
					t.Fatal(err)
				}
				time.Sleep(folderTTL - time.Millisecond)
				if r := get(etag); r.Code != 304 {
					t.Errorf("within folderTTL of the last look at the folder: %d, want the cached 304", r.Code)
				}
				time.Sleep(time.Millisecond)
				r := get(etag)
				if r.Code != 200 || !strings.HasSuffix(r.Body.String(), "<!-- new -->") {
					t.Errorf("folderTTL after the last look at the folder: %d, want 200 with the new version", r.Code)
				}
			})
		})
	}
}

func TestRangesAndHead(t *testing.T) {
	s := newSite(t, defaultFiles())
	resp, body := s.do("GET", "/media/ep1.mp3", "Range", "bytes=10-19")
	if resp.StatusCode != http.StatusPartialContent || resp.Header.Get("Content-Range") != "bytes 10-19/10000" || string(body) != "ID3 audio " {
		t.Fatalf("range: %s %q %q", resp.Status, resp.Header.Get("Content-Range"), body)
	}
	resp, body = s.do("HEAD", "/media/ep1.mp3")
	if resp.StatusCode != 200 || len(body) != 0 || resp.ContentLength != 10000 || resp.Header.Get("Accept-Ranges") != "bytes" {
		t.Fatalf("HEAD media: %s, %d body bytes, length %d", resp.Status, len(body), resp.ContentLength)
	}
}

func TestNoWayOut(t *testing.T) {
	s := newSite(t, defaultFiles())
	outside := filepath.Join(filepath.Dir(s.dir), "secret.json")
	if err := os.WriteFile(outside, []byte(`{"secret":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	files := defaultFiles()
	s.publish(files)
	if err := os.Symlink(outside, filepath.Join(s.dir, "leak.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Dir(s.dir), filepath.Join(s.dir, "up")); err != nil {
		t.Fatal(err)
	}
	// The traps are real: through the file system, both links lead to the
	// secret, so only the server's refusals keep it in.
	for _, p := range []string{"leak.json", "up/secret.json"} {
		if data, err := os.ReadFile(filepath.Join(s.dir, p)); err != nil || !bytes.Contains(data, []byte("secret")) {
			t.Fatalf("setup: %s does not lead to the secret: %q, %v", p, data, err)
		}
	}
	for _, p := range []string{
		"/../secret.json", "/%2e%2e/secret.json", "/episodes/..%2f..%2fsecret.json", "/episodes%2fep1%2fchapters.json",
		"/leak.json", "/up/secret.json", "/episodes/", "/episodes/ep1", "/.public.lock", "/episodes/ep1/..%5c..%5csecret.json",
		"/config.yaml", "/%00feed.xml",
	} {
		req, _ := http.NewRequest("GET", s.url+"/", nil)
		req.URL.Opaque = p // send the path exactly as written
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode < 400 || bytes.Contains(body, []byte("secret")) {
			t.Errorf("GET %s: %s, body %q", p, resp.Status, body)
		}
	}
	// Raw requests that Go's client would clean up.
	for _, p := range []string{"/../secret.json", "/episodes/../../secret.json"} {
		conn, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", p)
		reply, _ := io.ReadAll(conn)
		conn.Close()
		// The mux may redirect to the cleaned path, inside the folder.
		if bytes.Contains(reply, []byte(`{"secret":1}`)) || bytes.HasPrefix(reply, []byte("HTTP/1.1 200")) {
			t.Errorf("raw GET %s: %.60q", p, reply)
		}
	}
}

func TestHealthReadyMetricsRefresh(t *testing.T) {
	s := newSite(t, defaultFiles())
	if r, _ := s.do("GET", "/healthz"); r.StatusCode != 200 {
		t.Errorf("healthz: %s", r.Status)
	}
	if r, _ := s.do("HEAD", "/metrics"); r.StatusCode != 200 {
		t.Errorf("HEAD /metrics: %s", r.Status)
	}
	for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
		if r, _ := s.do("POST", p); r.StatusCode != 405 || r.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("POST %s: %s, Allow %q", p, r.Status, r.Header.Get("Allow"))
		}
	}
	if r, _ := s.do("GET", "/readyz"); r.StatusCode != 503 {
		t.Errorf("readyz before the first publish: %s", r.Status)
	}
	s.ready.Store(true)
	if r, _ := s.do("GET", "/readyz"); r.StatusCode != 200 {
		t.Errorf("readyz after: %s", r.Status)
	}
	for _, tc := range []struct {
		method, auth string
		want         int
	}{
		{"POST", "", 401}, {"POST", "Bearer wrong", 401}, {"POST", "Basic t0ken", 401}, {"GET", "Bearer t0ken", 405},
		{"POST", "Bearer t0ken", 202}, {"POST", "Bearer t0ken", 409},
	} {
		r, _ := s.do(tc.method, "/-/refresh", "Authorization", tc.auth)
		if r.StatusCode != tc.want {
			t.Errorf("%s /-/refresh with %q: %s, want %d", tc.method, tc.auth, r.Status, tc.want)
		}
		if tc.want == 401 && r.Header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
	}
	_, body := s.do("GET", "/metrics")
	for _, want := range []string{`castfeed_http_requests_total{code="202",method="POST"} 1`, `castfeed_http_requests_total{code="401",method="POST"} 3`, "castfeed_refreshes_total"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
	// No token configured: the endpoint does not exist.
	off := httptest.NewServer(New(Options{Dir: s.dir, Refresh: func() bool { return true }}).Handler())
	defer off.Close()
	resp, _ := http.Post(off.URL+"/-/refresh", "", nil)
	if resp.StatusCode != 404 {
		t.Errorf("refresh without a token configured: %s", resp.Status)
	}
}

// TestSwapUnderLoad publishes new versions of a large feed while many
// clients fetch it: every response is exactly one complete version.
func TestSwapUnderLoad(t *testing.T) {
	versions := make([]string, 3)
	for i := range versions {
		versions[i] = `<?xml version="1.0"?><rss><channel>` + strings.Repeat(fmt.Sprintf("<item><title>version %d, a longer title to make the feed big</title></item>", i), 4000) + "</channel></rss>"
	}
	files := defaultFiles()
	files["feed.xml"] = versions[0]
	s := newSite(t, files)
	stop, stopped := make(chan struct{}), make(chan struct{})
	var publishes atomic.Int32
	defer func() { close(stop); <-stopped }()
	go func() {
		defer close(stopped)
		for i := 1; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			files["feed.xml"] = versions[i%len(versions)]
			if err := publishOnce(s.dir, files); err != nil {
				t.Error(err)
				return
			}
			s.srv.Published()
			publishes.Add(1)
		}
	}()
	var wg sync.WaitGroup
	var bad atomic.Int32
	for c := range 8 {
		wg.Go(func() {
			client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
			for range 40 {
				req, _ := http.NewRequest("GET", s.url+"/feed.xml", nil)
				if c%2 == 0 {
					req.Header.Set("Accept-Encoding", "gzip")
				}
				resp, err := client.Do(req)
				if err != nil || resp.StatusCode != 200 {
					t.Errorf("GET during a publish: %v %v", err, resp.Status)
					bad.Add(1)
					continue
				}
				var body io.Reader = resp.Body
				if resp.Header.Get("Content-Encoding") == "gzip" {
					zr, err := gzip.NewReader(resp.Body)
					if err != nil {
						bad.Add(1)
						resp.Body.Close()
						continue
					}
					body = zr
				}
				data, _ := io.ReadAll(body)
				resp.Body.Close()
				ok := false
				for _, v := range versions {
					ok = ok || string(data) == v
				}
				if !ok {
					bad.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d of 320 responses were not one complete version", bad.Load())
	}
	if publishes.Load() < 2 {
		t.Fatalf("only %d publishes happened during the test", publishes.Load())
	}
	t.Logf("%d publishes during 320 requests", publishes.Load())
}

func benchSite(b *testing.B) (http.Handler, string) {
	dir := filepath.Join(b.TempDir(), "public")
	tx, _ := publish.Begin(dir)
	tx.WriteFile("feed.xml", []byte(strings.Repeat("<item><title>An episode with a title</title><description>Notes</description></item>\n", 3500)))
	tx.Commit()
	// With metrics, as castfeed serve runs it.
	h := New(Options{Dir: dir, Metrics: metrics.New(metrics.NewRegistry())}).Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/feed.xml", nil))
	return h, rec.Header().Get("ETag")
}

func BenchmarkGzipGET(b *testing.B) {
	h, _ := benchSite(b)
	req := httptest.NewRequest("GET", "/feed.xml", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
	}
}

func BenchmarkNotModified(b *testing.B) {
	h, etag := benchSite(b)
	req := httptest.NewRequest("GET", "/feed.xml", nil)
	req.Header.Set("If-None-Match", etag)
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 304 {
			b.Fatal(rec.Code)
		}
	}
}
