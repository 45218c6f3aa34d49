//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServe runs the real server on a loopback port: it refreshes at start,
// becomes ready, serves the feed, takes an authenticated refresh, and shuts
// down cleanly with exit 0 when its context ends (as on SIGTERM).
func TestServe(t *testing.T) {
	cfg := exampleShow(t, "  enabled: true", "  enabled: false")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &lockedBuffer{}
	getenv := func(k string) string {
		if k == "CASTFEED_REFRESH_TOKEN" {
			return "s3cret"
		}
		return ""
	}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--config", cfg, "--addr", "127.0.0.1:0"}, env{stdout: io.Discard, stderr: logs, getenv: getenv})
	}()
	addr := waitFor(t, func() string {
		m := regexp.MustCompile(`msg=serving addr=(\S+)`).FindStringSubmatch(logs.String())
		if m == nil {
			return ""
		}
		return m[1]
	})
	base := "http://" + addr
	waitFor(t, func() string {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return "ready"
			}
		}
		return ""
	})
	resp, err := http.Get(base + "/feed.xml")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte("<title>Hallway Track</title>")) {
		t.Fatalf("GET /feed.xml: %s\n%.200s", resp.Status, body)
	}
	// The enclosure URLs point at /media/, which serves the tagged copy
	// the build published: its length is the enclosure's, and ffprobe
	// reads the chapter from the served bytes.
	m := regexp.MustCompile(`<enclosure url="http://localhost:8080/media/episode-0001.mp3" length="(\d+)"`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("feed.xml has no enclosure for episode-0001:\n%s", body)
	}
	resp, err = http.Get(base + "/media/episode-0001.mp3")
	if err != nil {
		t.Fatal(err)
	}
	audio, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strconv.Itoa(len(audio)) != string(m[1]) {
		t.Fatalf("GET /media/episode-0001.mp3: %s, %d bytes, the enclosure says %s", resp.Status, len(audio), m[1])
	}
	served := filepath.Join(t.TempDir(), "served.mp3")
	if err := os.WriteFile(served, audio, 0o644); err != nil {
		t.Fatal(err)
	}
	ffprobe, err := exec.LookPath("ffprobe")
	if err != nil {
		t.Fatalf("ffprobe not found (%v); install it: apt-get install ffmpeg", err)
	}
	if out, err := exec.Command(ffprobe, "-v", "error", "-show_chapters", "-of", "compact", served).Output(); err != nil || !bytes.Contains(out, []byte("tag:title=Welcome and why a hallway")) {
		t.Errorf("ffprobe of the served audio: %v\n%s", err, out)
	}
	refreshes := 1 // at start
	for token, want := range map[string]int{"": 401, "wrong": 401, "s3cret": 202} {
		req, _ := http.NewRequest(http.MethodPost, base+"/-/refresh", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusAccepted {
			refreshes++
		}
		if resp.StatusCode != want && !(token == "s3cret" && resp.StatusCode == http.StatusConflict) {
			t.Errorf("refresh with token %q: %s, want %d", token, resp.Status, want)
		}
	}
	// SIGHUP refreshes now (serve listens for it before it logs "serving").
	waitFor(t, func() string { // the refreshes so far must end first
		if strings.Count(logs.String(), "msg=\"refresh done\"") >= refreshes {
			return "ok"
		}
		return ""
	})
	done0 := strings.Count(logs.String(), "msg=\"refresh done\"")
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() string {
		if strings.Contains(logs.String(), "SIGHUP: refreshing now") && strings.Count(logs.String(), "msg=\"refresh done\"") > done0 {
			return "ok"
		}
		return ""
	})
	if r := castfeed(t, context.Background(), nil, "healthcheck", "--url", base+"/healthz"); r.code != 0 {
		t.Errorf("healthcheck: exit %d %s", r.code, r.stderr)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v after shutdown, want nil (exit 0)", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not shut down")
	}
	if r := castfeed(t, context.Background(), nil, "healthcheck", "--url", base+"/healthz", "--timeout", "1s"); r.code != 1 {
		t.Errorf("healthcheck of a stopped server: exit %d, want 1", r.code)
	}
}

// TestKillDashNine kills a real castfeed build process (the test binary
// re-executed as the program) at each stage of the build, as the build
// logs it: the published folder is always a complete version (the old one
// or the new one, never a mix), and the next build succeeds. Each kill is
// checked to have landed mid-build: the stage was logged, the process had
// not finished, and it died of the signal.
func TestKillDashNine(t *testing.T) {
	dir := t.TempDir()
	eps := filepath.Join(dir, "episodes")
	if err := os.MkdirAll(eps, 0o755); err != nil {
		t.Fatal(err)
	}
	writeShow := func(version string) {
		for i := 1; i <= 1500; i++ {
			text := fmt.Sprintf("---\ndate: 2020-01-%02d\nduration: \"1:00:00\"\ntitle: \"Episode %d %s\"\naudio_length: 1000\n---\n\nSummary %d.\n\n## Notes\n\n0:00:00 - Start\n0:10:00 - Middle\n0:20:00 - End\n", 1+i%28, i, version, i)
			if err := os.WriteFile(filepath.Join(eps, fmt.Sprintf("ep-%04d.md", i)), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	writeShow("v1")
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte(`podcast:
  title: Kill Test
  description: d
  link: https://example.org
  base_url: https://example.org
  author: a
  owner: {name: o, email: o@example.org}
  image: https://example.org/c.png
  categories: [{name: Technology}]
episodes: {dir: episodes}
media: {url_template: "https://example.org/{{.Slug}}.mp3"}
transcripts: {enabled: false}
log: {level: debug}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	child := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "build", "--offline", "--config", cfg)
		cmd.Env = append(os.Environ(), "CASTFEED_TEST_MAIN=1")
		return cmd
	}
	if out, err := child().CombinedOutput(); err != nil {
		t.Fatalf("first build: %v\n%s", err, out)
	}
	feed := filepath.Join(dir, "public", "feed.xml")
	v1, err := os.ReadFile(feed)
	if err != nil {
		t.Fatal(err)
	}
	writeShow("v2")
	// The build logs "build stage" with the stage just finished: killing
	// when one is logged lands in the next (items, publish, state).
	for i, after := range []string{"read", "items", "publish", "read", "items", "publish"} {
		cmd := child()
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		reached := false
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), `msg="build stage" stage=`+after+" ") {
				reached = true
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatalf("kill %d (after %s): %v", i, after, err)
				}
				break
			}
		}
		io.Copy(io.Discard, stderr)
		werr := cmd.Wait()
		if !reached {
			t.Fatalf("kill %d: the build never logged the end of stage %q (%v); the test cannot aim its kill", i, after, werr)
		}
		var exit *exec.ExitError
		if !errors.As(werr, &exit) || exit.ExitCode() != -1 {
			t.Fatalf("kill %d (after %s): the build was not killed mid-way: %v", i, after, werr)
		}
		got, err := os.ReadFile(feed)
		if err != nil {
			t.Fatalf("after kill %d: the feed is gone: %v", i, err)
		}
		if !bytes.Equal(got, v1) && !completeV2(got) {
			t.Fatalf("after kill %d (after %s): feed.xml is neither the old version nor a complete new one", i, after)
		}
	}
	if out, err := child().CombinedOutput(); err != nil {
		t.Fatalf("build after the kills: %v\n%s", err, out)
	}
	got, err := os.ReadFile(feed)
	if err != nil {
		t.Fatal(err)
	}
	if !completeV2(got) {
		t.Fatal("the build after the kills did not publish the new version")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".public") && e.Name() != ".public.lock" && e.Name() != ".public.files" {
			t.Errorf("leftover %s after a successful build", e.Name())
		}
	}
}

func completeV2(feed []byte) bool {
	return bytes.Count(feed, []byte("<item>")) == 1500 && bytes.Count(feed, []byte(" v2</title>")) == 1500 &&
		bytes.HasSuffix(bytes.TrimSpace(feed), []byte("</rss>"))
}
