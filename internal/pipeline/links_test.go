package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/castfeed/castfeed/diag"
)

// TestBrokenLinksLeaveTheFeed: the feed publishes no href that is not an
// absolute http(s) URL: the guest and host go out without one, the
// chapter without a url, the notes with the text and no link; each is a
// warning at its line (issue 10, item 3).
func TestBrokenLinksLeaveTheFeed(t *testing.T) {
	opt := exampleShow(t)
	name := filepath.Join(opt.Config.Episodes.Dir, "episode-0006.md")
	edit(t, name, "- [Hamza Ouali](https://example.org/hamza)", "- [Hamza Ouali](#)")
	edit(t, name, "- [Salma Idrissi](https://example.org/salma)", "- [Salma Idrissi](linkedin.com/in/salma)")
	edit(t, name, "0:21:00 - Unlogged tables as a cache", "0:21:00 - [Unlogged tables](javascript:alert(1)) as a cache")
	edit(t, name, "- [PostgreSQL: SKIP LOCKED](https://", "- [PostgreSQL docs]() and [SKIP LOCKED](https://")
	res := mustRun(t, opt)
	for line, words := range map[int]string{16: `"#" goes nowhere`, 22: "javascript: link", 29: `"" goes nowhere`, 33: `"linkedin.com/in/salma" has no https://`} {
		if !hasDiag(res.Diagnostics, "episode-0006.md", line, diag.Warning, words) {
			t.Errorf("no warning at episode-0006.md:%d (%s): %v", line, words, res.Diagnostics)
		}
	}
	data, err := os.ReadFile(filepath.Join(opt.Config.Output.Dir, "feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	feed := string(data)
	for _, want := range []string{
		`<podcast:person role="guest">Hamza Ouali</podcast:person>`,
		`<podcast:person>Salma Idrissi</podcast:person>`,
		"PostgreSQL docs and",
	} {
		if !strings.Contains(feed, want) {
			t.Errorf("feed.xml lacks %s", want)
		}
	}
	for _, bad := range []string{`href="#"`, "linkedin.com/in/salma", "javascript:", `href=""`, `href=&#34;&#34;`} {
		if strings.Contains(feed, bad) {
			t.Errorf("feed.xml still has %s", bad)
		}
	}
	chapters, err := os.ReadFile(filepath.Join(opt.Config.Output.Dir, "episodes", "episode-0006", "chapters.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(chapters), `"title": "Unlogged tables as a cache"`) || strings.Contains(string(chapters), "javascript") {
		t.Errorf("chapters.json keeps the broken link or loses the title:\n%s", chapters)
	}
}
