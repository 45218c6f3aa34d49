// Package feed writes a podcast as RSS (with the itunes, podcast, psc,
// content and atom namespaces), Atom and JSON Feed.
//
// The model is ours (Podcast, Item). The show is translated into
// github.com/gorilla/feeds' types: its Atom and JSON Feed as they are,
// its RSS channel embedded in typed structs that add the podcast
// namespaces, marshalled through its XmlFeed interface. The items of the
// JSON Feed are gorilla's translation too; the RSS items and Atom entries
// are written by hand (xmlitem.go says why and how they are held to what
// gorilla and encoding/xml wrote). Only this package imports
// gorilla/feeds.
//
// Output depends on the input only: no clock is read, so the same podcast
// gives byte-identical files and podcast apps get 304 Not Modified.
package feed

import (
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/castfeed/castfeed/chapters"
	"github.com/castfeed/castfeed/internal/timecode"
	"github.com/google/uuid"
)

// Podcast is the show and its episodes.
type Podcast struct {
	Title, Description, Link, Language, Copyright, Author string
	// FeedURL is the public URL of feed.xml; feed.atom and feed.json are
	// beside it.
	FeedURL               string
	OwnerName, OwnerEmail string
	Image                 string // absolute URL of the cover
	Categories            []Category
	Explicit              bool
	Type                  string // episodic or serial
	Locked                bool
	LockedOwner           string
	Generator             string
	Hubs                  []string // WebSub hubs
	// Page, when not nil, makes the document one page of a paged and
	// archived feed (RFC 5005): its own URL and its links to the others.
	// FeedURL stays the show's: it names the podcast:guid and the
	// entries' ids, which must not change when an item moves to a page.
	Page *Page
	// Items are the episodes, in any order; WriteRSS, WriteAtom and
	// WriteJSON write them newest first. An Encoder does not read them.
	Items []Item
}

// Page is where a document sits among the pages of a feed.
type Page struct {
	Self  string // this document's URL
	Links []Link // next, prev-archive, next-archive, current…
}

// Link is a typed link to another document of the feed.
type Link struct{ Rel, Href string }

// selfURL is the document's own URL: its page's, else def.
func (p *Podcast) selfURL(def string) string {
	if p.Page != nil && p.Page.Self != "" {
		return p.Page.Self
	}
	return def
}

// pageLinks are the document's links to the other pages.
func (p *Podcast) pageLinks() []Link {
	if p.Page == nil {
		return nil
	}
	return p.Page.Links
}

// Category is an Apple Podcasts category.
type Category struct {
	Name string
	Sub  []string
}

// Item is one episode.
type Item struct {
	Title, Link, GUID string
	PubDate           time.Time
	Summary           string // plain text
	ContentHTML       string // sanitised HTML
	Chapters          []chapters.Chapter
	ChaptersURL       string // Podcasting 2.0 JSON chapters
	Enclosure         Enclosure
	Duration          time.Duration
	Season, Episode   int
	EpisodeType       string // full, trailer or bonus
	Explicit          *bool  // nil: the show's
	Image             string
	Persons           []Person
	Transcripts       []Transcript
	Keywords          []string
}

// Enclosure is the audio file.
type Enclosure struct {
	URL    string
	Length int64
	Type   string
}

// Person is a podcast:person.
type Person struct{ Name, Role, Href, Img string }

// Transcript is a podcast:transcript.
type Transcript struct{ URL, Type, Language, Rel string }

// podcastNamespace is the UUIDv5 namespace of podcast:guid.
var podcastNamespace = uuid.MustParse("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")

// GUID returns the Podcasting 2.0 podcast:guid of a feed URL: a UUIDv5 of
// the URL without its scheme and trailing slashes.
func GUID(feedURL string) string {
	u := feedURL
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	u = strings.TrimRight(u, "/")
	return uuid.NewSHA1(podcastNamespace, []byte(u)).String()
}

// maxDescription is Apple's limit on an item's description, in bytes.
const maxDescription = 4000

// Order is the order of items in a feed: newest first, equal dates by
// GUID, so the order never depends on the input's.
func Order(a, b *Item) int {
	if c := b.PubDate.Compare(a.PubDate); c != 0 {
		return c
	}
	return strings.Compare(a.GUID, b.GUID)
}

// sorted returns the items in feed order.
func sorted(items []Item) []Item {
	out := slices.Clone(items)
	slices.SortStableFunc(out, func(a, b Item) int { return Order(&a, &b) })
	return out
}

// updated is the newest item's date: the feed's lastBuildDate moves only
// when an episode does.
func updated(items []Item) time.Time {
	var t time.Time
	for _, it := range items {
		if it.PubDate.After(t) {
			t = it.PubDate
		}
	}
	return t
}

// text is what an item's encodings in every format share, made once.
type text struct {
	description string // plain text, for XML
	content     string // HTML, for XML
}

func textOf(it Item) text {
	return text{description: xmlText(description(it)), content: contentHTML(it)}
}

// chapterText is the chapters as "HH:MM:SS Title" lines, the form Apple
// Podcasts and Spotify read chapters from.
func chapterText(cs []chapters.Chapter) string {
	var b []byte
	for i, c := range cs {
		if i > 0 {
			b = append(b, '\n')
		}
		b = append(append(timecode.Append(b, c.Start, ""), ' '), c.Title...)
	}
	return string(b)
}

// description is the item's plain-text description: the summary, then the
// chapters, at most maxDescription bytes. When it must be cut, the summary
// is shortened first, and the chapter lines are kept whole.
func description(it Item) string {
	lines := chapterText(it.Chapters)
	summary := it.Summary
	join := func(s string) string {
		switch {
		case lines == "":
			return s
		case s == "":
			return lines
		}
		return s + "\n\n" + lines
	}
	d := join(summary)
	if len(d) <= maxDescription {
		return d
	}
	if room := maxDescription - len(join("")) - len("\n\n…"); room > 0 {
		return join(truncate(summary, room) + "…")
	}
	// Even the chapters alone are too long: keep whole lines that fit.
	var b strings.Builder
	for i := range it.Chapters {
		l := chapterText(it.Chapters[i : i+1])
		if b.Len()+len(l)+1 > maxDescription {
			break
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l)
	}
	return b.String()
}

// truncate cuts s to at most n bytes without splitting a character,
// preferably at a space.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	cut := s[:n]
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimSpace(cut)
}

// xmlText drops what XML 1.0 cannot carry (control characters, unpaired
// surrogates, U+FFFE/FFFF) and replaces a byte that is not UTF-8 with
// U+FFFD instead of letting one bad byte in the notes break the whole
// feed: text in a CDATA section (content:encoded) is written as it is.
func xmlText(s string) string {
	if xmlChars(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isXMLChar(r) {
			return r
		}
		return -1
	}, s)
}

// xmlChars reports whether s is UTF-8 of characters XML can carry,
// faster than looking at every character: see nonCharAt.
func xmlChars(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' && c != '\n' && c != '\r' || nonCharAt(s, i) {
			return false
		}
	}
	return true
}

func isXMLChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// writeAll writes s and a final newline.
func writeAll(w io.Writer, s string) error {
	if _, err := io.WriteString(w, s); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
