package main

import (
	"bufio"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

// TestLintPathsOpenFromHere: lint names files relative to the current
// directory, as go vet does, so that every path it prints opens from
// where it ran, from the show's root or from a folder below it (issue 10,
// item 5).
func TestLintPathsOpenFromHere(t *testing.T) {
	cfg := exampleShow(t)
	root := filepath.Dir(cfg)
	for _, tc := range []struct {
		dir, config, prefix string
	}{
		{root, "config.yaml", "examples/hallway-track/episodes/episode-0002.md:29: warning:"},
		{filepath.Join(root, "examples"), "../config.yaml", "hallway-track/episodes/episode-0002.md:29: warning:"},
	} {
		t.Chdir(tc.dir)
		r := castfeed(t, context.Background(), nil, "lint", "--config", tc.config)
		if r.code != 0 {
			t.Fatalf("lint in %s: exit %d\n%s%s", tc.dir, r.code, r.stdout, r.stderr)
		}
		if !strings.HasPrefix(r.stdout, tc.prefix) {
			t.Errorf("lint in %s: output starts %q, want %q", tc.dir, firstLine(r.stdout), tc.prefix)
		}
		for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
			m := diagLine.FindStringSubmatch(l)
			if m == nil {
				t.Errorf("lint line %q is not file:line: severity: message", l)
				continue
			}
			if _, err := os.Stat(m[1]); err != nil {
				t.Errorf("lint in %s names %s, which does not open from there: %v", tc.dir, m[1], err)
			}
		}
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

var githubLine = regexp.MustCompile(`^::(warning|error) file=([^,:]+),line=(\d+)::\S.*$`)

// TestLintFormatGitHub: --format github prints one workflow command a
// finding, naming a file that opens from the current directory, and
// keeps lint's exit status (issue 10, item 5).
func TestLintFormatGitHub(t *testing.T) {
	cfg := exampleShow(t)
	t.Chdir(filepath.Dir(cfg))
	bad := "examples/hallway-track/episodes/episode-0009.md"
	if err := os.WriteFile(bad, []byte("---\ntitle: x\ndate: 2024-02-30\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := castfeed(t, context.Background(), nil, "lint", "--format", "github")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (episode 9 is broken)\n%s%s", r.code, r.stdout, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	for _, l := range lines {
		m := githubLine.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("%q is not a GitHub workflow command", l)
			continue
		}
		if _, err := os.Stat(m[2]); err != nil {
			t.Errorf("%s does not open: %v", m[2], err)
		}
	}
	want := `::error file=examples/hallway-track/episodes/episode-0009.md,line=3::date "2024-02-30" is not a day of the calendar; check the day and the month`
	if !strings.Contains(r.stdout, want+"\n") {
		t.Errorf("output lacks %q:\n%s", want, r.stdout)
	}
}

// TestBuildLogsDiagnostics: build logs each problem in lint's words,
// file:line: severity: message; hint, with the same paths (issue 10,
// item 5).
func TestBuildLogsDiagnostics(t *testing.T) {
	cfg := exampleShow(t, "  enabled: true", "  enabled: false")
	t.Chdir(filepath.Dir(cfg))
	r := castfeed(t, context.Background(), nil, "build", "--offline")
	if r.code != 0 {
		t.Fatalf("build: exit %d\n%s", r.code, r.stderr)
	}
	lint := castfeed(t, context.Background(), nil, "lint")
	for _, l := range strings.Split(strings.TrimSpace(lint.stdout), "\n") {
		// slog's text handler quotes the value, escaping its quotes.
		if want := "diagnostic=" + quoteSlog(l); !strings.Contains(r.stderr, want) {
			t.Errorf("build log lacks %s:\n%s", want, r.stderr)
		}
	}
}

func quoteSlog(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

// TestREADMELintSample: the README's sample of lint output is what lint
// prints for the example show, run as the README says, from the
// repository's root (issue 10, item 11).
func TestREADMELintSample(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	sample := fencedAfter(t, string(readme), "Output, one finding a line")
	t.Chdir("../..")
	r := castfeed(t, context.Background(), nil, "lint")
	if r.code != 0 {
		t.Fatalf("lint of the example show: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r.stdout != sample {
		t.Errorf("README.md's lint sample is not what lint prints; replace it with:\n%s\nREADME has:\n%s", r.stdout, sample)
	}
}

// fencedAfter returns the first ``` block of text after the line holding
// marker.
func fencedAfter(t *testing.T, text, marker string) string {
	t.Helper()
	i := strings.Index(text, marker)
	if i < 0 {
		t.Fatalf("README.md has no %q", marker)
	}
	sc := bufio.NewScanner(strings.NewReader(text[i:]))
	var b strings.Builder
	in := false
	for sc.Scan() {
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "```") && !in:
			in = true
		case strings.HasPrefix(l, "```"):
			return b.String()
		case in:
			b.WriteString(l + "\n")
		}
	}
	t.Fatalf("README.md has no closed ``` block after %q", marker)
	return ""
}

// TestDockerRunAsDocumented runs what the README's docker run line runs,
// without a Docker engine: the repository's own config.yaml, unchanged,
// on a /show that is not written to, with the environment the
// Dockerfile's ENV sets. Everything castfeed writes lands under /data
// (issue 10, item 10).
func TestDockerRunAsDocumented(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`-v "$PWD:/show:ro"`, "-v castfeed-data:/data", "castfeed serve --config /show/config.yaml"} {
		if !strings.Contains(string(readme), want) {
			t.Fatalf("README.md's docker run line lacks %q: this test runs what it documents", want)
		}
	}
	image := dockerEnv(t)
	for _, k := range []string{"CASTFEED_OUTPUT_DIR", "CASTFEED_STATE_DIR"} {
		if !strings.HasPrefix(image[k], "/data/") {
			t.Fatalf("the Dockerfile sets %s=%q; want a folder of the /data volume", k, image[k])
		}
	}
	show := filepath.Dir(exampleShow(t)) // config.yaml as in the repository
	data := t.TempDir()
	getenv := func(k string) string {
		if v, ok := image[k]; ok {
			return filepath.Join(data, strings.TrimPrefix(v, "/data/"))
		}
		return ""
	}
	before := tree(t, show)
	t.Chdir(t.TempDir()) // the image's working directory is /
	r := castfeed(t, context.Background(), getenv, "build", "--offline", "--config", filepath.Join(show, "config.yaml"))
	if r.code != 0 {
		t.Fatalf("build as in the image: exit %d\n%s", r.code, r.stderr)
	}
	if after := tree(t, show); after != before {
		t.Errorf("the build wrote into /show (mounted read-only):\nbefore %s\nafter  %s", before, after)
	}
	for _, f := range []string{"public/feed.xml", "state/published.json"} {
		if _, err := os.Stat(filepath.Join(data, f)); err != nil {
			t.Errorf("/data/%s: %v", f, err)
		}
	}

	// Precedence: the flag wins over the environment, which wins over
	// the file.
	out := t.TempDir()
	r = castfeed(t, context.Background(), getenv, "build", "--offline", "--force", "--config", filepath.Join(show, "config.yaml"), "--out", out)
	if _, err := os.Stat(filepath.Join(out, "feed.xml")); r.code != 0 || err != nil {
		t.Errorf("--out beside CASTFEED_OUTPUT_DIR: exit %d, %v\n%s", r.code, err, r.stderr)
	}
}

// dockerEnv reads the ENV instructions of the repository's Dockerfile.
func dockerEnv(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	text := strings.ReplaceAll(string(data), "\\\n", " ")
	for l := range strings.SplitSeq(text, "\n") {
		f := strings.Fields(l)
		if len(f) == 0 || f[0] != "ENV" {
			continue
		}
		for _, kv := range f[1:] {
			if k, v, ok := strings.Cut(kv, "="); ok {
				env[k] = v
			}
		}
	}
	return env
}

// tree lists the files under dir with their sizes, to notice writes.
func tree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b.WriteString(rel + " " + info.ModTime().String() + "\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestVersion: without -ldflags, castfeed reports the module version the
// go command recorded (go install …@v1.2.3, or a pseudo-version in a git
// checkout) rather than "dev" (issue 10, item 11).
func TestVersion(t *testing.T) {
	info := func(v string) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			return &debug.BuildInfo{Main: debug.Module{Path: "github.com/castfeed/castfeed", Version: v}}, true
		}
	}
	none := func() (*debug.BuildInfo, bool) { return nil, false }
	for _, tc := range []struct {
		name, set string
		read      func() (*debug.BuildInfo, bool)
		want      string
	}{
		{"ldflags win", "v9.9.9", info("v1.2.3"), "v9.9.9"},
		{"go install @v1.2.3", "", info("v1.2.3"), "v1.2.3"},
		{"git checkout", "", info("v0.0.0-20261207101500-0123456789ab+dirty"), "v0.0.0-20261207101500-0123456789ab+dirty"},
		{"no version recorded", "", info("(devel)"), "dev"},
		{"no build info", "", none, "dev"},
	} {
		if got := resolveVersion(tc.set, tc.read); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	// The command itself uses it: in a test binary, that is the build
	// info's version, or dev.
	r := castfeed(t, context.Background(), nil, "version")
	if want := "castfeed " + resolveVersion("", debug.ReadBuildInfo) + "\n"; r.code != 0 || r.stdout != want {
		t.Errorf("castfeed version: exit %d, %q; want %q", r.code, r.stdout, want)
	}
}
