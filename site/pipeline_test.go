package site_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/castfeed/castfeed/site"
)

// TestExampleShowPages runs every page the pipeline writes for the
// example show through html-validate, and checks that what the XSS
// episode carries in its title, summary, guest, chapter, captions and
// links stays text.
func TestExampleShowPages(t *testing.T) {
	s := exampleShow(t)
	pages := s.pages(t)
	// 8 episodes with a page and an embed each, and the show's page.
	if len(pages) != 2*8+1 {
		t.Fatalf("%d pages, want 17: %v", len(pages), pages)
	}
	var files []string
	for _, p := range pages {
		files = append(files, filepath.Join(s.out, filepath.FromSlash(p)))
	}
	site.Validate(t, files...)

	for _, name := range []string{"episodes/episode-0091/index.html", "episodes/episode-0091/embed.html", "index.html"} {
		data, err := os.ReadFile(filepath.Join(s.out, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		page := string(data)
		if n := strings.Count(page, "<script"); n != 1 {
			t.Errorf("%s has %d <script> elements, want only the site's own", name, n)
		}
		for _, bad := range []string{"javascript:", "<img src=x", "<script>alert"} {
			if strings.Contains(page, bad) {
				t.Errorf("%s contains %q", name, bad)
			}
		}
	}
	data, err := os.ReadFile(filepath.Join(s.out, "episodes", "episode-0091", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	// The episode and chapters packages drop the markup of titles; what
	// reaches the page as text is escaped.
	for _, text := range []string{"Cue &lt;script&gt;alert(&#39;cue&#39;)&lt;/script&gt; text", "Eve &lt;img src=x onerror=alert(&#39;guest&#39;)&gt;", "Chapter alert(&#39;chapter&#39;)"} {
		if !strings.Contains(string(data), text) {
			t.Errorf("the XSS episode's page lacks the escaped text %s", text)
		}
	}
}
