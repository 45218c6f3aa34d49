// Package s3test runs a real S3 server for tests, the Versity S3 Gateway
// (versitygw), on a loopback port over a temporary folder, and a counting
// reverse proxy to put in front of it. A test that needs the gateway and
// cannot find it fails with the command that installs it; it never skips.
package s3test

import (
	"bytes"
	"encoding/xml"
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
)

// The root account of every gateway, and its one bucket.
const (
	AccessKey = "castfeedroot"
	SecretKey = "castfeed-root-secret-key"
	Bucket    = "show"
)

// Install is the command that installs the gateway.
const Install = "go install github.com/versity/versitygw/cmd/versitygw@v1.8.0"

// Gateway is a running versitygw.
type Gateway struct {
	t    testing.TB
	Bin  string
	Dir  string // the posix backend's folder: one subfolder per bucket
	iam  string
	Addr string // host:port
	cmd  *exec.Cmd
	done chan struct{}
	log  syncBuffer
}

// Binary finds versitygw on PATH or in $(go env GOPATH)/bin, or fails
// the test with the install command.
func Binary(t testing.TB) string {
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
	t.Fatalf("versitygw (a real S3 server) is needed by this test and was not found on PATH or in $(go env GOPATH)/bin; install it: %s", Install)
	return ""
}

// Start runs a gateway with the bucket Bucket; it is killed when the
// test ends.
func Start(t testing.TB) *Gateway {
	t.Helper()
	g := &Gateway{t: t, Bin: Binary(t), Dir: t.TempDir(), iam: t.TempDir(), Addr: freeAddr(t)}
	// The posix backend serves each folder as a bucket owned by root.
	if err := os.Mkdir(filepath.Join(g.Dir, Bucket), 0o755); err != nil {
		t.Fatal(err)
	}
	g.Start()
	t.Cleanup(g.Kill)
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

// Env is an explicit environment for a tool run by a test: nothing of
// the developer's AWS or rclone settings (AWS_CA_BUNDLE makes AWS SDK
// clients and rclone refuse a custom transport) gets in.
func Env(t testing.TB, vars ...string) []string {
	return append([]string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}, vars...)
}

// Start runs the gateway (again, on the same port and folder) and waits
// until it answers.
func (g *Gateway) Start() {
	g.t.Helper()
	g.cmd = exec.Command(g.Bin, "--port", g.Addr, "--quiet", "--iam-dir", g.iam, "posix", g.Dir)
	g.cmd.Env = Env(g.t, "ROOT_ACCESS_KEY="+AccessKey, "ROOT_SECRET_KEY="+SecretKey)
	g.cmd.Stdout, g.cmd.Stderr = &g.log, &g.log
	if err := g.cmd.Start(); err != nil {
		g.t.Fatalf("start versitygw: %v", err)
	}
	g.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { cmd.Wait(); close(done) }(g.cmd, g.done)
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", g.Addr, 200*time.Millisecond)
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
			g.t.Fatalf("versitygw does not listen on %s after 20s:\n%s", g.Addr, g.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Kill stops the gateway at once (SIGKILL), as a crash would.
func (g *Gateway) Kill() {
	if g.cmd == nil || g.cmd.Process == nil {
		return
	}
	g.cmd.Process.Kill()
	<-g.done
	g.cmd = nil
}

// URL is the gateway's endpoint.
func (g *Gateway) URL() string { return "http://" + g.Addr }

// Log is what the gateway printed.
func (g *Gateway) Log() string { return g.log.String() }

// AddUser creates an account of the gateway (role "user").
func (g *Gateway) AddUser(key, secret string) {
	g.t.Helper()
	cmd := exec.Command(g.Bin, "admin", "--access", AccessKey, "--secret", SecretKey, "--endpoint-url", g.URL(),
		"create-user", "--access", key, "--secret", secret, "--role", "user")
	cmd.Env = Env(g.t)
	if out, err := cmd.CombinedOutput(); err != nil {
		g.t.Fatalf("versitygw admin create-user: %v\n%s", err, out)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Proxy is a reverse proxy in front of the gateway that counts requests
// by method and may delay or fail them.
type Proxy struct {
	URL  string
	mu   sync.Mutex
	n    map[string]int
	hook func(r *http.Request) Refusal
}

// Refusal is an S3 error the proxy answers instead of passing a request
// on; the zero Refusal passes it on.
type Refusal struct {
	Status        int
	Code, Message string
}

// NewProxy returns a proxy to target, closed when the test ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{n: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) { w.WriteHeader(http.StatusBadGateway) }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.n[r.Method]++
		hook := p.hook
		p.mu.Unlock()
		if hook != nil {
			if re := hook(r); re.Status != 0 {
				w.Header().Set("Content-Type", "application/xml")
				w.WriteHeader(re.Status)
				io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>`)
				xml.EscapeText(w, []byte(re.Code))
				io.WriteString(w, `</Code><Message>`)
				xml.EscapeText(w, []byte(re.Message))
				io.WriteString(w, `</Message><RequestId>test</RequestId></Error>`)
				return
			}
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// Counts returns the requests counted by method since the last call.
func (p *Proxy) Counts() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := p.n
	p.n = map[string]int{}
	return n
}

// SetHook has h see each request before it is passed on; a status other
// than 0 is answered instead, with an S3 InternalError. A nil h passes
// every request on.
func (p *Proxy) SetHook(h func(r *http.Request) int) {
	if h == nil {
		p.Refuse(nil)
		return
	}
	p.Refuse(func(r *http.Request) Refusal {
		if status := h(r); status != 0 {
			return Refusal{status, "InternalError", "injected by the test"}
		}
		return Refusal{}
	})
}

// Refuse has h see each request before it is passed on; a Refusal other
// than the zero one is answered instead. A nil h passes every request on.
func (p *Proxy) Refuse(h func(r *http.Request) Refusal) {
	p.mu.Lock()
	p.hook = h
	p.mu.Unlock()
}

// Rclone returns rclone's path and an environment that configures the
// remote "gw:" for the gateway at endpoint, by environment only.
func Rclone(t testing.TB, endpoint string) (string, []string) {
	t.Helper()
	bin, err := exec.LookPath("rclone")
	if err != nil {
		t.Fatal("rclone (an independent S3 client) is needed by this test; install it: apt-get install rclone")
	}
	return bin, Env(t,
		"RCLONE_CONFIG="+filepath.Join(t.TempDir(), "none.conf"),
		"RCLONE_CONFIG_GW_TYPE=s3", "RCLONE_CONFIG_GW_PROVIDER=Other",
		"RCLONE_CONFIG_GW_ACCESS_KEY_ID="+AccessKey, "RCLONE_CONFIG_GW_SECRET_ACCESS_KEY="+SecretKey,
		"RCLONE_CONFIG_GW_ENDPOINT="+endpoint, "RCLONE_CONFIG_GW_FORCE_PATH_STYLE=true",
	)
}
