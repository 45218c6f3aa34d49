package s3_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

const (
	rootKey    = "castfeedroot"
	rootSecret = "castfeed-root-secret-key"
)

// gateway is a real S3 server, the Versity S3 Gateway, run by the test
// on a loopback port over a temporary folder.
type gateway struct {
	t    testing.TB
	bin  string
	dir  string // the posix backend's folder: one subfolder per bucket
	iam  string // the internal IAM's folder
	addr string // host:port
	cmd  *exec.Cmd
	done chan struct{}
	log  bytes.Buffer
}

const installVersitygw = "go install github.com/versity/versitygw/cmd/versitygw@v1.8.0"

// versitygw finds the gateway binary on PATH or in $(go env GOPATH)/bin;
// without it the test fails (never skips) with the install command.
func versitygw(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	out, err := exec.Command("go", "env", "GOPATH").Output()
	if err == nil {
		for _, dir := range filepath.SplitList(strings.TrimSpace(string(out))) {
			p := filepath.Join(dir, "bin", "versitygw")
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	t.Fatalf("versitygw (a real S3 server) is needed by this test and was not found on PATH or in $(go env GOPATH)/bin; install it: %s", installVersitygw)
	return ""
}

// startGateway runs a gateway with one bucket, "show".
func startGateway(t testing.TB) *gateway {
	t.Helper()
	g := &gateway{t: t, bin: versitygw(t), dir: t.TempDir(), iam: t.TempDir(), addr: freeAddr(t)}
	g.start()
	t.Cleanup(g.kill)
	if err := g.client(rootKey, rootSecret).MakeBucket(context.Background(), "show", minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("create bucket: %v\ngateway log:\n%s", err, g.log.String())
	}
	return g
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// start runs the gateway (again, on the same port and folder) and waits
// until it answers.
func (g *gateway) start() {
	g.t.Helper()
	g.cmd = exec.Command(g.bin, "--port", g.addr, "--quiet", "--iam-dir", g.iam, "posix", g.dir)
	// An explicit environment: nothing of the developer's AWS settings
	// (AWS_CA_BUNDLE and the like) reaches the server.
	g.cmd.Env = []string{"ROOT_ACCESS_KEY=" + rootKey, "ROOT_SECRET_KEY=" + rootSecret, "HOME=" + g.dir, "PATH=" + os.Getenv("PATH")}
	g.cmd.Stdout, g.cmd.Stderr = &syncWriter{w: &g.log}, &syncWriter{w: &g.log}
	if err := g.cmd.Start(); err != nil {
		g.t.Fatalf("start versitygw: %v", err)
	}
	g.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { cmd.Wait(); close(done) }(g.cmd, g.done)
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", g.addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-g.done:
			g.t.Fatalf("versitygw exited at start:\n%s", g.log.String())
		default:
		}
		if time.Now().After(deadline) {
			g.t.Fatalf("versitygw does not listen on %s after 20s:\n%s", g.addr, g.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill stops the gateway at once (SIGKILL), as a crash would.
func (g *gateway) kill() {
	if g.cmd == nil || g.cmd.Process == nil {
		return
	}
	g.cmd.Process.Kill()
	<-g.done
	g.cmd = nil
}

func (g *gateway) url() string { return "http://" + g.addr }

// client is an independent minio client for reading the bucket back.
func (g *gateway) client(key, secret string) *minio.Client {
	g.t.Helper()
	c, err := minio.New(g.addr, &minio.Options{Creds: credentials.NewStaticV4(key, secret, ""), BucketLookup: minio.BucketLookupPath, Transport: http.DefaultTransport.(*http.Transport).Clone()})
	if err != nil {
		g.t.Fatal(err)
	}
	return c
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// proxy is a reverse proxy in front of the gateway that counts requests
// by method and may delay or fail them.
type proxy struct {
	srv *httptest.Server
	mu  sync.Mutex
	n   map[string]int // "PUT", "GET", … and "PUT feed.xml"-style keys
	// hook, if set, is called before a request is passed on; a status
	// other than 0 is answered instead.
	hook func(r *http.Request) int
}

func newProxy(t testing.TB, target string) *proxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{n: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ErrorLog = nil
	rp.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) { w.WriteHeader(http.StatusBadGateway) }
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.n[r.Method]++
		hook := p.hook
		p.mu.Unlock()
		if hook != nil {
			if status := hook(r); status != 0 {
				w.Header().Set("Content-Type", "application/xml")
				w.WriteHeader(status)
				fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>injected by the test</Message><RequestId>test</RequestId></Error>`)
				return
			}
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// counts returns the requests counted so far and starts again from zero.
func (p *proxy) counts() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := p.n
	p.n = map[string]int{}
	return n
}

func (p *proxy) setHook(h func(r *http.Request) int) {
	p.mu.Lock()
	p.hook = h
	p.mu.Unlock()
}

// addReader creates a gateway account that may read the bucket "show"
// (a bucket policy says so) but not write it.
func (g *gateway) addReader(key, secret string) {
	g.t.Helper()
	cmd := exec.Command(g.bin, "admin", "--access", rootKey, "--secret", rootSecret, "--endpoint-url", g.url(),
		"create-user", "--access", key, "--secret", secret, "--role", "user")
	cmd.Env = []string{"HOME=" + g.dir, "PATH=" + os.Getenv("PATH")}
	if out, err := cmd.CombinedOutput(); err != nil {
		g.t.Fatalf("versitygw admin create-user: %v\n%s", err, out)
	}
	policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":[%q]},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::show","arn:aws:s3:::show/*"]}]}`, key)
	if err := g.client(rootKey, rootSecret).SetBucketPolicy(context.Background(), "show", policy); err != nil {
		g.t.Fatalf("set bucket policy: %v", err)
	}
}
