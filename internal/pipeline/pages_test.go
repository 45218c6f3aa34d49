package pipeline

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/castfeed/castfeed/feed"
	"github.com/castfeed/castfeed/internal/corpus"
	"github.com/castfeed/castfeed/internal/xsdtest"
)

// pageLinks returns the rel → href of the atom:link elements of an RSS
// or Atom document.
func pageLinks(t *testing.T, data []byte) map[string]string {
	t.Helper()
	links := map[string]string{}
	d := xml.NewDecoder(strings.NewReader(string(data)))
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "link" {
			var rel, href string
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "rel":
					rel = a.Value
				case "href":
					href = a.Value
				}
			}
			if rel != "" && rel != "alternate" {
				links[rel] = href
			}
		}
	}
	return links
}

// TestFeedLimit: with feed.limit, the feeds carry the newest episodes,
// archive pages (RFC 5005) the others; every format, read by gofeed,
// holds each episode exactly once across its pages, with the guid it has
// without a limit; following rel="next" from feed.xml reaches every page;
// a new episode changes only the newest page; and the shrink guard
// counts the episodes of every page.
func TestFeedLimit(t *testing.T) {
	const limit = 30
	opt := corpusShow(t, 130, false)
	all := coldTwin(t, opt)
	opt.Config.Feed.Limit = limit
	res := mustRun(t, opt)
	mustRun(t, all)
	out := opt.Config.Output.Dir
	base := strings.TrimSuffix(opt.Config.Podcast.BaseURL, "/") + "/"

	for _, ff := range feedFiles {
		want := guids(t, filepath.Join(all.Config.Output.Dir, ff.name))
		if len(want) != res.Published {
			t.Fatalf("%s without a limit: %d items, the build says %d", ff.name, len(want), res.Published)
		}
		var got []string
		name := ff.name
		for pages := 0; name != ""; pages++ {
			if pages > res.Published {
				t.Fatalf("%s: the next links go round in circles", ff.name)
			}
			path := filepath.Join(out, filepath.FromSlash(name))
			g := guids(t, path)
			if len(g) > limit {
				t.Errorf("%s has %d items, more than feed.limit %d", name, len(g), limit)
			}
			got = append(got, g...)
			if ff.format == feed.RSS {
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				xsdtest.CheckFeed(t, data)
			}
			next := nextLink(t, path, ff.format)
			name = strings.TrimPrefix(next, base)
			if next != "" && name == next {
				t.Fatalf("%s: next link %q is not under base_url", path, next)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s and its pages, in order: %d guids; without a limit: %d, or a different order", ff.name, len(got), len(want))
		}
	}

	// A new episode: the oldest of the feeds moves to the newest page;
	// the full pages stay as they were, down to their inodes.
	pages, err := filepath.Glob(filepath.Join(out, "archive", "feed-*.xml"))
	if err != nil || len(pages) < 3 {
		t.Fatalf("archive pages: %v, %v", pages, err)
	}
	before := stats(t, filepath.Join(out, "archive"))
	src, err := os.ReadFile(filepath.Join(opt.Config.Episodes.Dir, corpus.Name(3)))
	if err != nil {
		t.Fatal(err)
	}
	src = []byte(strings.Replace(string(src), "date: ", "date: 2026-06-01\nold_date: ", 1))
	if err := os.WriteFile(filepath.Join(opt.Config.Episodes.Dir, corpus.Name(999999)), src, 0o644); err != nil {
		t.Fatal(err)
	}
	if res := mustRun(t, opt); !res.Changed {
		t.Fatal("adding an episode changed nothing")
	}
	after := stats(t, filepath.Join(out, "archive"))
	newest := filepath.Base(pages[len(pages)-1])
	for name, st := range before {
		if strings.HasSuffix(name, "/") {
			continue
		}
		full := !strings.HasPrefix(name, strings.TrimSuffix(newest, ".xml"))
		if full && after[name] != st {
			t.Errorf("full archive page %s changed when an episode was added", name)
		}
	}
	if after[newest] == before[newest] {
		t.Errorf("the newest archive page %s did not take the episode that left the feed", newest)
	}

	// Deleting a fifth of the episodes is refused although feed.xml would
	// still have its 30 items: the guard counts every page.
	files, _ := listEpisodes(opt.Config.Episodes.Dir)
	for _, f := range files[:len(files)/5] {
		os.Remove(f)
	}
	if _, err := Run(t.Context(), opt); !errors.Is(err, ErrRefused) {
		t.Fatalf("deleting a fifth of the episodes: err = %v; want ErrRefused", err)
	}
}

// guids reads a feed with gofeed and returns its items' guids (RSS) or
// ids (Atom, JSON) in order.
func guids(t *testing.T, name string) []string {
	t.Helper()
	var out []string
	for _, it := range parseFeed(t, name).Items {
		out = append(out, it.GUID)
	}
	return out
}

// nextLink returns the URL of the page after name (older items), or "".
func nextLink(t *testing.T, name string, format feed.Format) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if format == feed.JSON {
		var doc struct {
			NextURL string `json:"next_url"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return doc.NextURL
	}
	links := pageLinks(t, data)
	if links["next"] != links["prev-archive"] {
		t.Errorf("%s: next %q and prev-archive %q differ", name, links["next"], links["prev-archive"])
	}
	if strings.Contains(name, "archive") && links["current"] == "" {
		t.Errorf("%s: an archive page without rel=\"current\"", name)
	}
	return links["next"]
}
