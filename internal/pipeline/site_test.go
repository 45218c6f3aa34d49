package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
