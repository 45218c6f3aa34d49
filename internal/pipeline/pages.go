// Pages: with feed.limit, the feeds carry the newest episodes and the
// older ones go to archive pages (RFC 5005, "Feed Paging and
// Archiving"), so that an app downloads a small feed on every change.
package pipeline

import (
	"fmt"
	"path"

	"github.com/castfeed/castfeed/feed"
)

// feedPage is one document in each format: the feeds themselves, or an
// archive page.
type feedPage struct {
	names [len(feedFiles)]string // slash-separated, in the output folder
	items []item                 // in feed order, newest first
	// links returns the page's links to the others in format i, with
	// their URLs; nil for the feeds of a show without archive pages.
	links func(i int) []feed.Link
}

// archiveName is archive page k (from 1, the oldest) in format i.
func archiveName(i, k int) string {
	return fmt.Sprintf("archive/feed-%04d%s", k, path.Ext(feedFiles[i].name))
}

// feedPages splits items (in feed order) into the feeds and their
// archive pages. Without feed.limit, or with fewer items, there is one
// document, as before archive pages existed.
//
// Archive pages hold feed.limit items each, counted from the oldest:
// page 1 the oldest limit items, and so on; the newest page may be
// partial. A new episode pushes the oldest of the feeds onto the newest
// page, so a full page never changes again (unless one of its episodes
// is edited or removed) and apps may cache it forever. Links:
//
//	feeds      next, prev-archive: the newest page
//	page k     current: the feeds; next, prev-archive: page k-1 (older);
//	           next-archive: page k+1, on full pages and pages with a
//	           newer one, so that a page does not change when it fills
//
// A full newest page so links a page k+1 that the next archived episode
// creates.
func (s *show) feedPages(items []item) []feedPage {
	limit := s.cfg.Feed.Limit
	if limit <= 0 || len(items) <= limit {
		return []feedPage{{names: feedNames(), items: items}}
	}
	archived := items[limit:]
	n := len(archived)
	count := (n + limit - 1) / limit
	url := func(i, k int) string { return s.url(archiveName(i, k)) }
	pages := []feedPage{{names: feedNames(), items: items[:limit], links: func(i int) []feed.Link {
		return []feed.Link{{Rel: "next", Href: url(i, count)}, {Rel: "prev-archive", Href: url(i, count)}}
	}}}
	// Newest page first, as the items are in feed order.
	for k := count; k >= 1; k-- {
		lo, hi := max(0, n-k*limit), n-(k-1)*limit
		var p feedPage
		for i := range p.names {
			p.names[i] = archiveName(i, k)
		}
		p.items = archived[lo:hi]
		full := hi-lo == limit
		p.links = func(i int) []feed.Link {
			ls := []feed.Link{{Rel: "current", Href: s.url(feedFiles[i].name)}}
			if k > 1 {
				ls = append(ls, feed.Link{Rel: "next", Href: url(i, k-1)}, feed.Link{Rel: "prev-archive", Href: url(i, k-1)})
			}
			if full || k < count {
				ls = append(ls, feed.Link{Rel: "next-archive", Href: url(i, k+1)})
			}
			return ls
		}
		pages = append(pages, p)
	}
	return pages
}

func feedNames() (names [len(feedFiles)]string) {
	for i, f := range feedFiles {
		names[i] = f.name
	}
	return names
}
