package pipeline

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/castfeed/castfeed/diag"
)

// hasDiag reports whether l holds a diagnostic of file (its base name) at
// line, with severity, whose message contains words.
func hasDiag(l diag.List, file string, line int, sev diag.Severity, words string) bool {
	return slices.ContainsFunc(l, func(d diag.Diagnostic) bool {
		return filepath.Base(d.File) == file && d.Line == line && d.Severity == sev && strings.Contains(d.Message, words)
	})
}

// TestWithdrawnOnPurpose: published: false or isNext: true on a published
// episode is a decision, not an accident: the feed goes out without the
// episode, with a warning at that line naming it (issue 10, item 2).
func TestWithdrawnOnPurpose(t *testing.T) {
	for _, tc := range []struct {
		name, old, new, words string
		line                  int
	}{
		{"published: false", "published: true", "published: false", "(published: false)", 8},
		{"isNext: true", "published: true", "published: true\nisNext: true", "(isNext: true)", 9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := exampleShow(t)
			mustRun(t, opt)
			edit(t, filepath.Join(opt.Config.Episodes.Dir, "episode-0006.md"), tc.old, tc.new)
			res, err := Run(context.Background(), opt)
			if err != nil {
				t.Fatalf("build: %v; want the episode withdrawn without --force", err)
			}
			if res.Published != 5 || !res.Changed {
				t.Fatalf("published %d (changed %v), want 5", res.Published, res.Changed)
			}
			if !hasDiag(res.Diagnostics, "episode-0006.md", tc.line, diag.Warning, `episode episode-0006 ("Postgres as a Queue, a Cache and a Search Engine") was published and leaves the feed `+tc.words) {
				t.Errorf("no warning at episode-0006.md:%d naming the withdrawn episode: %v", tc.line, res.Diagnostics)
			}
			feed, err := os.ReadFile(filepath.Join(opt.Config.Output.Dir, "feed.xml"))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(feed, []byte("episode-0006")) {
				t.Error("the withdrawn episode is still in the feed")
			}
		})
	}
}

// TestSmallShowDeletesOne: in a small show, deleting one or two episodes
// is more than serve.max_shrink (10%) but not refused; the episodes that
// leave are named in the log (issue 10, item 7). TestRefusals covers
// three of six.
func TestSmallShowDeletesOne(t *testing.T) {
	opt := exampleShow(t)
	mustRun(t, opt)
	for _, f := range []string{"episode-0002.md", "episode-0006.md"} {
		if err := os.Remove(filepath.Join(opt.Config.Episodes.Dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	var logs bytes.Buffer
	opt.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	res, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatalf("build: %v; want two of six deleted episodes to leave without --force", err)
	}
	if res.Published != 4 {
		t.Fatalf("published %d, want 4", res.Published)
	}
	want := `episodes="episode-0002 (\"Testing in Production, Carefully\"), episode-0006 (\"Postgres as a Queue, a Cache and a Search Engine\")"`
	if !strings.Contains(logs.String(), want) {
		t.Errorf("the log does not name the episodes that left (%s):\n%s", want, logs.String())
	}
}

// TestMisspeltKeyOnPublishedEpisode: `publshed: false` is an error in that
// file, which is kept at its last published version (no refusal, no
// --force needed); the same typo in a new file leaves it out, and the
// other episodes publish (issue 10, items 1 and 9).
func TestMisspeltKeyOnPublishedEpisode(t *testing.T) {
	opt := exampleShow(t)
	mustRun(t, opt)
	before, err := os.ReadFile(filepath.Join(opt.Config.Output.Dir, "feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	edit(t, filepath.Join(opt.Config.Episodes.Dir, "episode-0006.md"), "published: true", "published: true\npublshed: false")
	newFile := "---\ntitle: New\ndate: 2024-09-01\nduration: 60\npublshed: false\n---\n\n## Notes\n0:00:00 - Start\n"
	if err := os.WriteFile(filepath.Join(opt.Config.Episodes.Dir, "episode-0009.md"), []byte(newFile), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	if res.Published != 6 {
		t.Fatalf("published %d, want 6: episode 6 at its last version, episode 9 left out", res.Published)
	}
	after, err := os.ReadFile(filepath.Join(opt.Config.Output.Dir, "feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("the feed changed: episode 6 should be kept as last published, episode 9 left out")
	}
	for file, line := range map[string]int{"episode-0006.md": 9, "episode-0009.md": 5} {
		if !hasDiag(res.Diagnostics, file, line, diag.Error, `unknown front-matter key "publshed" looks like published`) {
			t.Errorf("no error at %s:%d: %v", file, line, res.Diagnostics)
		}
	}
	// Item 9: the note that the last good version is kept has the line of
	// the error and a hint.
	i := slices.IndexFunc(res.Diagnostics, func(d diag.Diagnostic) bool { return strings.Contains(d.Message, "last published version") })
	if i < 0 {
		t.Fatalf("no note that the last published version is kept: %v", res.Diagnostics)
	}
	if d := res.Diagnostics[i]; d.Line != 9 || d.Hint == "" {
		t.Errorf("kept-version note %q: line %d, hint %q; want line 9 and a hint", d, d.Line, d.Hint)
	}
}
