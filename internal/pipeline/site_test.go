package pipeline

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/castfeed/castfeed/internal/corpus"
	"github.com/castfeed/castfeed/site"
)

// TestSiteListsCachedEpisodes: a refresh that encodes only the edited
// episode (the others come from the item cache) still lists every
// episode on the show's page, with the new title.
func TestSiteListsCachedEpisodes(t *testing.T) {
	opt := exampleShow(t)
	mustRun(t, opt)
	edit(t, filepath.Join(opt.Config.Episodes.Dir, "episode-0002.md"), "Production, Carefully", "Production, Very Carefully")
	mustRun(t, opt)
	index, err := os.ReadFile(filepath.Join(opt.Config.Output.Dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(index), "<h3>"); n != 6 {
		t.Errorf("the show's page lists %d episodes after a refresh, want 6", n)
	}
	if !strings.Contains(string(index), "Testing in Production, Very Carefully") {
		t.Error("the show's page lacks the edited title")
	}
	for name := range snapshot(t, opt.Config.Output.Dir) {
		if strings.Contains(name, entryFile) {
			t.Errorf("%s published", name)
		}
	}
}

// TestSiteOff: with site.enabled false no page is written and the items
// link their video, as before the site.
func TestSiteOff(t *testing.T) {
	opt := exampleShow(t)
	opt.Config.Site.Enabled = false
	mustRun(t, opt)
	for name := range snapshot(t, opt.Config.Output.Dir) {
		if strings.HasSuffix(name, ".html") && !strings.HasSuffix(name, "/transcript.html") || strings.HasPrefix(name, "assets/") {
			t.Errorf("%s written with the site off", name)
		}
	}
	f := parseFeed(t, filepath.Join(opt.Config.Output.Dir, "feed.xml"))
	if f.Link != "https://hallwaytrack.example.org" || f.Items[0].Link != "https://www.youtube.com/watch?v=HtPilot0006" {
		t.Errorf("channel link %q, first item's %q; want podcast.link and the video", f.Link, f.Items[0].Link)
	}
}

// TestSiteLinks: the items link their pages; the channel links
// podcast.link, or the site when it is unset.
func TestSiteLinks(t *testing.T) {
	for _, tc := range []struct {
		link, want string
	}{
		{"https://hallwaytrack.example.org", "https://hallwaytrack.example.org"},
		{"", "http://localhost:8080/index.html"},
	} {
		opt := exampleShow(t)
		opt.Config.Podcast.Link = tc.link
		mustRun(t, opt)
		f := parseFeed(t, filepath.Join(opt.Config.Output.Dir, "feed.xml"))
		if f.Link != tc.want {
			t.Errorf("podcast.link %q: channel link %q, want %q", tc.link, f.Link, tc.want)
		}
		for _, it := range f.Items {
			if want := "http://localhost:8080/episodes/" + it.GUID + "/index.html"; it.Link != want {
				t.Errorf("item %s links %q, want its page %q", it.GUID, it.Link, want)
			}
			if _, err := os.Stat(filepath.Join(opt.Config.Output.Dir, "episodes", it.GUID, "index.html")); err != nil {
				t.Errorf("item %s links a page that is not written: %v", it.GUID, err)
			}
		}
	}
}

// TestNewEpisodeChangesFewPages: on a realistic show, each new episode
// rewrites index.html and at most adds the archive page it completes; no
// show page written before changes (issue 12), so publishing one episode
// to a bucket takes a few requests, not one per page (issue 13).
func TestNewEpisodeChangesFewPages(t *testing.T) {
	const files = 155
	opt := corpusShow(t, files, false)
	out := opt.Config.Output.Dir
	mustRun(t, opt)
	src, err := os.ReadFile(filepath.Join(opt.Config.Episodes.Dir, corpus.Name(1)))
	if err != nil {
		t.Fatal(err)
	}
	date := regexp.MustCompile(`(?m)^date: .*$`)
	before := snapshot(t, out)
	published := 0 // some of the corpus's files are broken or unpublished
	for name := range before {
		if strings.HasSuffix(name, "/embed.html") {
			published++
		}
	}
	// Up to two past the next full page.
	adds := (published/site.PerPage+1)*site.PerPage - published + 2
	newPages := 0
	for k := files + 1; k <= files+adds; k++ {
		// After every episode of the corpus, which ends in 2025.
		day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, k)
		text := date.ReplaceAllLiteralString(strings.Replace(string(src), "title: \"", fmt.Sprintf("title: \"New %d: ", k), 1), "date: "+day.Format("2006-01-02"))
		if err := os.WriteFile(filepath.Join(opt.Config.Episodes.Dir, corpus.Name(k)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		mustRun(t, opt)
		after := snapshot(t, out)
		var changed, pages []string
		for name, data := range after {
			if old, ok := before[name]; ok && bytes.Equal(old, data) {
				continue
			}
			changed = append(changed, name)
			if strings.HasPrefix(name, "page/") {
				if _, ok := before[name]; ok {
					t.Errorf("episode %d: %s, written before, changed", k, name)
				}
				pages = append(pages, name)
			}
		}
		slices.Sort(changed)
		if !slices.Contains(changed, "index.html") || len(pages) > 1 {
			t.Errorf("episode %d: changed %q; want index.html and at most one new page", k, changed)
		}
		if len(changed) >= 20 {
			t.Errorf("episode %d changed %d files: %q", k, len(changed), changed)
		}
		newPages += len(pages)
		before = after
	}
	if newPages != 1 {
		t.Errorf("%d new episodes after %d added %d archive pages, want 1", adds, published, newPages)
	}
}
