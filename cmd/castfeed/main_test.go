package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMain lets a test run the real program as a child process (for the
// kill -9 test): the test binary re-executes itself with this variable.
func TestMain(m *testing.M) {
	if os.Getenv("CASTFEED_TEST_MAIN") == "1" {
		err := run(context.Background(), os.Args[1:], env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
		os.Exit(exitCode(err, os.Stderr))
	}
	os.Exit(m.Run())
}

type result struct {
	code           int
	stdout, stderr string
}

// castfeed runs the program in-process, as main would.
func castfeed(t testing.TB, ctx context.Context, getenv func(string) string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	err := run(ctx, args, env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: getenv})
	code := exitCode(err, &stderr)
	return result{code, stdout.String(), stderr.String()}
}

// exampleShow copies config.yaml and the example show into a temporary
// folder and returns the config's path there.
func exampleShow(t testing.TB, edits ...string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "examples"), os.DirFS("../../examples")); err != nil {
		t.Fatal(err)
	}
	cfg, err := os.ReadFile("../../config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(cfg)
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(text, edits[i]) {
			t.Fatalf("config.yaml lacks %q", edits[i])
		}
		text = strings.Replace(text, edits[i], edits[i+1], 1)
	}
	name := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestHelpOnEveryCommand(t *testing.T) {
	for _, cmd := range []string{"build", "lint", "chapters", "audio", "transcript", "serve", "healthcheck", "status"} {
		r := castfeed(t, context.Background(), nil, cmd, "--help")
		if r.code != 0 || !strings.Contains(r.stdout, "Usage: castfeed "+cmd) || !strings.Contains(r.stdout, "Flags:") {
			t.Errorf("castfeed %s --help: exit %d, stdout %q", cmd, r.code, r.stdout)
		}
	}
	if r := castfeed(t, context.Background(), nil, "--help"); r.code != 0 || !strings.Contains(r.stdout, "Commands:") {
		t.Errorf("castfeed --help: exit %d, %q", r.code, r.stdout)
	}
	r := castfeed(t, context.Background(), nil, "biuld")
	if r.code != 2 || !strings.Contains(r.stderr, `unknown command "biuld"`) || !strings.Contains(r.stderr, "Try: castfeed --help") {
		t.Errorf("unknown command: exit %d, stderr %q", r.code, r.stderr)
	}
	r = castfeed(t, context.Background(), nil, "build", "--ofline")
	if r.code != 2 || !strings.Contains(r.stderr, "Try: castfeed build --help") {
		t.Errorf("bad flag: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestBuildExampleShow(t *testing.T) {
	cfg := exampleShow(t)
	r := castfeed(t, context.Background(), nil, "build", "--offline", "--config", cfg)
	if r.code != 0 {
		t.Fatalf("build: exit %d\n%s", r.code, r.stderr)
	}
	out := filepath.Join(filepath.Dir(cfg), "public")
	for _, name := range []string{"feed.xml", "feed.atom", "feed.json", "episodes/episode-0003/chapters.json", "episodes/episode-0003/transcript.vtt"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("build did not write %s: %v", name, err)
		}
	}
	r = castfeed(t, context.Background(), nil, "build", "--offline", "--config", cfg)
	if r.code != 0 || !strings.Contains(r.stderr, "feed up to date") {
		t.Fatalf("second build: exit %d, want up to date\n%s", r.code, r.stderr)
	}
	// Offline, YouTube was never asked, and status says so.
	r = castfeed(t, context.Background(), nil, "status", "--config", cfg)
	if r.code != 0 || !strings.Contains(r.stdout, "no transcript fetched or attempted yet") {
		t.Fatalf("status: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestBuildBadConfig(t *testing.T) {
	cfg := exampleShow(t, "  locked: false", "  locked: false\n  lokced: true")
	r := castfeed(t, context.Background(), nil, "build", "--offline", "--config", cfg)
	if r.code != 1 || !regexp.MustCompile(`config\.yaml:\d+: .*lokced`).MatchString(r.stderr) {
		t.Fatalf("unknown key: exit %d, stderr %q; want config.yaml:LINE naming the key", r.code, r.stderr)
	}
	r = castfeed(t, context.Background(), nil, "build", "--config", filepath.Join(t.TempDir(), "missing.yaml"))
	if r.code != 1 || !strings.Contains(r.stderr, "no config file") {
		t.Fatalf("missing config: exit %d, stderr %q", r.code, r.stderr)
	}
}

var diagLine = regexp.MustCompile(`^([^:]+\.md):(\d+): (error|warning): .+`)

func TestLint(t *testing.T) {
	cfg := exampleShow(t)
	r := castfeed(t, context.Background(), nil, "lint", "--config", cfg)
	if r.code != 0 {
		t.Fatalf("lint of the example show (warnings only): exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	for _, l := range lines {
		if !diagLine.MatchString(l) {
			t.Errorf("lint line %q is not file:line: severity: message", l)
		}
	}
	// The typo 1:45:00 in episode 4 is reported at its own line.
	want := fmt.Sprintf("episodes/episode-0004.md:%d: warning:", lineOf(t, filepath.Join(filepath.Dir(cfg), "examples/hallway-track/episodes/episode-0004.md"), "1:45:00"))
	if !strings.Contains(r.stdout, want) {
		t.Errorf("lint output lacks %q:\n%s", want, r.stdout)
	}

	// A broken file: exit 1, and JSON output that parses.
	bad := filepath.Join(filepath.Dir(cfg), "examples/hallway-track/episodes/episode-0009.md")
	if err := os.WriteFile(bad, []byte("---\ntitle: x\ndate: 2024-02-30\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = castfeed(t, context.Background(), nil, "lint", "--config", cfg, "--format", "json", bad)
	if r.code != 1 {
		t.Fatalf("lint of a broken file: exit %d, want 1\n%s", r.code, r.stdout)
	}
	var diags []struct {
		File, Severity, Message, Hint string
		Line                          int
	}
	if err := json.Unmarshal([]byte(r.stdout), &diags); err != nil {
		t.Fatalf("lint --format json: %v\n%s", err, r.stdout)
	}
	i := slices.IndexFunc(diags, func(d struct {
		File, Severity, Message, Hint string
		Line                          int
	}) bool {
		return d.Severity == "error"
	})
	if i < 0 || diags[i].Line != 3 || diags[i].Hint == "" {
		t.Fatalf("json diagnostics %+v; want an error with a hint at line 3", diags)
	}
}

func lineOf(t testing.TB, name, text string) int {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, text) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line with %q", name, text)
	return 0
}

func TestChaptersFormats(t *testing.T) {
	ep := "../../examples/hallway-track/episodes/episode-0001.md"
	for format, want := range map[string]string{
		"json": `"version": "1.2.0"`, "psc": "<psc:chapters", "vtt": "WEBVTT", "youtube": "0:00 ", "ffmetadata": ";FFMETADATA1",
	} {
		r := castfeed(t, context.Background(), nil, "chapters", ep, "--format", format)
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("chapters --format %s: exit %d, output %q lacks %q\n%s", format, r.code, r.stdout, want, r.stderr)
		}
	}
	if r := castfeed(t, context.Background(), nil, "chapters", "--format", "mp4", ep); r.code != 2 {
		t.Errorf("unknown format: exit %d, want 2", r.code)
	}
}

func TestTranscriptConvertsLocalFile(t *testing.T) {
	r := castfeed(t, context.Background(), nil, "transcript", "--config", "../../config.yaml", "--format", "srt", "../../examples/hallway-track/episodes/episode-0003.ar.vtt")
	if r.code != 0 || !strings.Contains(r.stdout, "00:00:00,000 --> 00:00:05,000") || !strings.Contains(r.stdout, "مرحبا بكم") {
		t.Fatalf("transcript: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = castfeed(t, context.Background(), nil, "transcript", "not a url")
	if r.code != 2 {
		t.Fatalf("transcript of nonsense: exit %d, want 2: %s", r.code, r.stderr)
	}
}

// lockedBuffer is a goroutine-safe writer for a server's logs.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func waitFor(t testing.TB, f func() string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if v := f(); v != "" {
			return v
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("timed out")
	return ""
}
