package site

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	_ "embed" // the template and assets
	"encoding/hex"
	"fmt"
	"html/template"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Show is the podcast as its pages present it.
type Show struct {
	Title, Description string
	// Language is a BCP 47 tag; the pages' lang unless an episode has
	// its own.
	Language string
	// BaseURL is where the output folder is served, without a trailing
	// slash. Absolute URLs (canonical, Open Graph) start with it; links
	// between pages and to the assets are relative, so the pages also
	// work from another host or path.
	BaseURL           string
	FeedURL           string // the RSS feed, absolute
	Image             string // absolute URL of the cover; "" for none
	Author, Copyright string
	// Link is the show's own website besides these pages, if any.
	Link string
	// Hosts are listed on the show's pages; when empty, they are the
	// people who host the most episodes (up to six).
	Hosts     []Person
	Subscribe Directories
}

// Directories are the show's pages in podcast directories and apps. One
// left empty gets no button.
type Directories struct {
	ApplePodcasts, Spotify, PocketCasts, Overcast, AntennaPod, YouTube string
}

// Person is a host or a guest; URL may be empty.
type Person struct{ Name, URL string }

// Chapter is a chapter of an episode's audio.
type Chapter struct {
	Start time.Duration
	Title string
	URL   string // optional link of the chapter
}

// Cue is a piece of the transcript, timed against the audio.
type Cue struct {
	Start, End time.Duration
	Speaker    string // "" when the captions do not say
	Text       string
}

// Download is a file offered for download, such as a transcript.
type Download struct {
	Label string // e.g. "Transcript (WebVTT)"
	URL   string
	Type  string // media type
}

// Episode is one episode's page.
type Episode struct {
	Slug, Title string
	Language    string // BCP 47; "" for the show's
	PubDate     time.Time
	Duration    time.Duration
	Summary     string // plain text
	// NotesHTML is the show notes as sanitised HTML, inserted as it is:
	// whoever fills it vouches that it is safe.
	NotesHTML string
	Image     string // absolute URL; "" for the show's cover
	AudioURL  string
	AudioType string
	Chapters  []Chapter
	Cues      []Cue
	Guests    []Person
	Hosts     []Person
	YouTube   string // the video's URL, shown as a plain link
	Downloads []Download
}

// Entry is an episode as the show's pages list it; Site.Entry makes it.
type Entry struct {
	Slug    string
	PubDate time.Time
	Hosts   []Person // for the show's hosts (see Show.Hosts)
	// First is the episode's item in the list of index.html, rendered
	// once, when the episode is, rather than all at once in ShowPages.
	First template.HTML
	// Link is where First's link to the episode starts: the pages under
	// page/ list the same item with "../../" there (Item). A show holds
	// every entry until its pages are written, so it holds one copy.
	Link int
	// Key identifies everything the entry was made from (the caller's
	// digest of the episode and the show's settings); not encoded. The
	// keys of a page's entries, and of all older pages', make the page's
	// digest (see ShowPages).
	Key [sha256.Size]byte
}

// Item is the episode's item in the list of the pages under page/.
func (e *Entry) Item() template.HTML {
	if e.Link < 0 || e.Link > len(e.First) {
		return e.First
	}
	return e.First[:e.Link] + "../../" + e.First[e.Link:]
}

// File is one file of the site; Name is slash-separated and relative to
// the output folder.
type File struct {
	Name string
	Data []byte
}

// PerPage is how many episodes one page of the show lists.
const PerPage = 50

//go:embed templates/index.html
var indexTemplate string

//go:embed assets/site.css
var css []byte

//go:embed assets/site.js
var js []byte

// Site writes the pages of one show. It is safe for concurrent use: the
// pipeline writes episode pages on every core.
type Site struct {
	show    Show
	index   *template.Template // the show's pages
	css, js File
	footer  string // the same on every page
	// description is the show's description as the pages' meta tags
	// have it, unless an episode has its own.
	description string
	// links are the head's links, the same on every page at one depth,
	// by the page's root.
	links map[string]string
}

// New parses the show pages' template and fingerprints the assets of
// show's site.
func New(show Show) (*Site, error) {
	show.BaseURL = strings.TrimSuffix(show.BaseURL, "/")
	t, err := template.New("index.html").Parse(indexTemplate)
	if err != nil {
		return nil, fmt.Errorf("site template: %w", err)
	}
	s := &Site{show: show, index: t, css: fingerprint("assets/site", ".css", css), js: fingerprint("assets/site", ".js", js)}
	s.footer, s.description = s.foot(), excerpt(show.Description)
	s.links = map[string]string{}
	for _, root := range []string{"", "../../"} {
		s.links[root] = s.headLinks(root)
	}
	return s, nil
}

// fingerprint names an asset after its content: a new version is a new
// URL, so hosts and browsers may keep the old one cached forever.
func fingerprint(base, ext string, data []byte) File {
	sum := sha256.Sum256(data)
	return File{Name: base + "." + hex.EncodeToString(sum[:5]) + ext, Data: data}
}

// Assets returns the stylesheet and the script that every page links.
func (s *Site) Assets() []File { return []File{s.css, s.js} }

// showPage is what the index.html template shows: a page of the show.
type showPage struct {
	Head, Foot template.HTML
	Show       *Show
	Hosts      template.HTML // "" for none
	Subscribe  []button
	Listing    []template.HTML // the episodes, newest first
	Number     int             // of an archive page, from 1 (the oldest); 0 for index.html
	Newest     string          // index.html, from an archive page
	Older      string          // the page of the next older episode
}

type button struct{ Name, URL string }

// buttons lists the directories that have a URL, in a fixed order.
func (s *Show) buttons() []button {
	d := s.Subscribe
	var out []button
	for _, b := range []button{
		{"Apple Podcasts", d.ApplePodcasts}, {"Spotify", d.Spotify}, {"Pocket Casts", d.PocketCasts},
		{"Overcast", d.Overcast}, {"AntennaPod", d.AntennaPod}, {"YouTube", d.YouTube},
	} {
		if b.URL != "" {
			out = append(out, b)
		}
	}
	return out
}

// ShowPages returns the show's pages: index.html with the newest
// PerPage episodes, and the archive pages page/K/index.html. Entries may
// come in any order; every page lists its episodes newest first, equal
// dates by slug.
//
// Archive pages are numbered from the oldest episode, as RFC 5005 numbers
// archived feed pages: page K holds the episodes (K-1)×PerPage+1 to
// K×PerPage in date order, and only full pages are written, so a page,
// once written, never changes when newer episodes arrive (unless one of
// its own is edited or removed): a new episode rewrites index.html and
// at most writes the next page (issue 12). The episodes of a partial
// newest page are all on index.html, which links "Older episodes" to the
// page of the next older episode; a page links the one before it and
// index.html. It cannot link the page after it: that one does not exist
// when the page is written, and linking it later would change the page.
//
// Each archive page has a digest, the chain of its entries' keys and of
// the page before it's digest: equal digests mean an equal page. keep,
// when not nil, is asked about each archive page with its digest; a page
// it keeps (the caller's published one, of the same digest) is not
// rendered, though its hosts still count for the pages after it. A
// refresh after one edit of a 10,000-episode show so renders the pages
// from the edited episode's on, and after a new episode only index.html
// and a new page, not all 200. ShowPages returns the rendered pages and
// the digest of every archive page, oldest first.
func (s *Site) ShowPages(entries []Entry, keep func(name string, digest [sha256.Size]byte) bool) ([]File, [][sha256.Size]byte, error) {
	entries = slices.Clone(entries)
	slices.SortStableFunc(entries, func(a, b Entry) int {
		return cmp.Or(b.PubDate.Compare(a.PubDate), strings.Compare(a.Slug, b.Slug))
	})
	n := len(entries)
	name := func(k int) string { return "page/" + strconv.Itoa(k) + "/index.html" }
	// The hosts of a page, when counted, are those of the episodes up to
	// its newest: those of all episodes would change the page when newer
	// ones arrive. Pages are written from the oldest, so that each counts
	// only its own episodes.
	counted := hosts{}
	page := func(file, root string, p *showPage, listed []Entry) (File, error) {
		h := head{root: root, lang: s.show.Language, title: s.show.Title, description: s.description,
			url: s.show.BaseURL + "/" + file, image: s.show.Image, ogType: "website", ogTitle: s.show.Title}
		if p.Number > 0 {
			h.title = fmt.Sprintf("%s · page %d", s.show.Title, p.Number)
		}
		var m markup
		s.writeHead(&m, &h)
		p.Head, p.Foot, p.Show, p.Subscribe = template.HTML(m), template.HTML(s.footer), &s.show, s.show.buttons()
		people := s.show.Hosts
		if len(people) == 0 {
			people = counted.most(6)
		}
		if len(people) > 0 {
			var m markup
			m.people(people)
			p.Hosts = template.HTML(m)
		}
		for _, e := range listed {
			if root == "" {
				p.Listing = append(p.Listing, e.First)
			} else {
				p.Listing = append(p.Listing, e.Item())
			}
		}
		var b bytes.Buffer
		if err := s.index.Execute(&b, p); err != nil {
			return File{}, fmt.Errorf("%s: %w", file, err)
		}
		return File{Name: file, Data: b.Bytes()}, nil
	}
	// index.html first, written last: it counts the hosts of every
	// episode.
	out := make([]File, 1, 1+n/PerPage)
	digests := make([][sha256.Size]byte, 0, n/PerPage)
	var digest [sha256.Size]byte
	for k := 1; k <= n/PerPage; k++ {
		listed := entries[n-k*PerPage : n-(k-1)*PerPage]
		h := sha256.New()
		h.Write(digest[:])
		for _, e := range listed {
			h.Write(e.Key[:])
		}
		h.Sum(digest[:0])
		digests = append(digests, digest)
		counted.add(listed)
		if keep != nil && keep(name(k), digest) {
			continue
		}
		p := &showPage{Number: k, Newest: "../../index.html"}
		if k > 1 {
			p.Older = "../../" + name(k-1)
		}
		f, err := page(name(k), "../../", p, listed)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, f)
	}
	// Links name index.html: object storage serves no folder.
	index := &showPage{}
	if n > PerPage {
		// The next older episode, entries[PerPage], is number n-PerPage
		// from the oldest: always on a full page.
		index.Older = name((n-PerPage-1)/PerPage + 1)
	}
	counted.add(entries[:n-n/PerPage*PerPage])
	f, err := page("index.html", "", index, entries[:min(n, PerPage)])
	if err != nil {
		return nil, nil, err
	}
	out[0] = f
	return out, digests, nil
}

// hosts counts the entries each person hosts, for the show's hosts
// when Show.Hosts is empty.
type hosts map[string]*hostCount

type hostCount struct {
	Person // as the newest entry counted has it
	n      int
}

// add counts entries, oldest first.
func (hs hosts) add(entries []Entry) {
	for _, e := range slices.Backward(entries) {
		for _, h := range e.Hosts {
			c := hs[h.Name]
			if c == nil {
				c = &hostCount{}
				hs[h.Name] = c
			}
			c.Person = h
			c.n++
		}
	}
}

// most returns the n people who host the most entries, most first,
// equal counts by name.
func (hs hosts) most(n int) []Person {
	counts := slices.SortedFunc(maps.Values(hs), func(a, b *hostCount) int {
		return cmp.Or(b.n-a.n, strings.Compare(a.Name, b.Name))
	})
	people := make([]Person, min(n, len(counts)))
	for i := range people {
		people[i] = counts[i].Person
	}
	return people
}

// appendClock appends a time in the audio as people read it: 4:05,
// 1:02:40.
func appendClock(b []byte, d time.Duration) []byte {
	s := int64(max(d, 0) / time.Second)
	two := func(b []byte, n int64) []byte { return append(b, byte('0'+n/10), byte('0'+n%10)) }
	if s >= 3600 {
		b = two(append(strconv.AppendInt(b, s/3600, 10), ':'), s/60%60)
	} else {
		b = strconv.AppendInt(b, s/60, 10)
	}
	return two(append(b, ':'), s%60)
}

// appendSeconds appends a time in the audio as #t= and the script read
// it: whole seconds, or milliseconds when there are any ("12.5"); with
// "PT" before and "S" after, it is a duration as <time datetime> wants it.
func appendSeconds(b []byte, d time.Duration) []byte {
	ms := max(d, 0).Milliseconds()
	b = strconv.AppendInt(b, ms/1000, 10)
	if f := ms % 1000; f != 0 {
		b = append(b, '.', byte('0'+f/100), byte('0'+f/10%10), byte('0'+f%10))
		for b[len(b)-1] == '0' {
			b = b[:len(b)-1]
		}
	}
	return b
}

// rtlLanguages are the languages written right to left, by primary subtag.
var rtlLanguages = []string{"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "syr", "ug", "ur", "yi"}

// dir is the writing direction of a BCP 47 language tag: its script
// subtag when it has one (ku-Arab), else its language.
func dir(lang string) string {
	parts := strings.Split(strings.ToLower(lang), "-")
	for _, p := range parts[1:] {
		if len(p) == 4 {
			if p == "arab" || p == "hebr" || p == "syrc" || p == "thaa" || p == "nkoo" {
				return "rtl"
			}
			return "ltr"
		}
	}
	if slices.Contains(rtlLanguages, parts[0]) {
		return "rtl"
	}
	return "ltr"
}

// excerpt shortens a description for meta tags, at a space.
func excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const n = 200
	if len(s) <= n {
		return s
	}
	cut := s[:n]
	if i := strings.LastIndexByte(cut, ' '); i > 0 {
		cut = cut[:i]
	} else {
		cut = strings.ToValidUTF8(cut, "") // cut inside a character
	}
	return cut + "…"
}
