package feed

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/castfeed/castfeed/internal/timecode"
	"github.com/google/uuid"
)

// An RSS item and an Atom entry are written by the code in this file
// rather than by encoding/xml; the channel and the feed around them stay
// gorilla/feeds' (rss.go, atomjson.go). A cold build of 10,000 episodes
// writes 20,000 of them, and encoding/xml finds every field of the item
// structs by reflection and allocates for most: measured, 1.35 CPU-s of
// a 10,000-episode cold build, and 101 µs and 208 allocations an RSS
// item, 63 µs and 180 an Atom entry (BenchmarkEncodeItem, the text they
// share included, at a load average of 3.5 on 2 cores). Written here, 30
// µs and 12 allocations, 26 µs and 17.
//
// Writing them also decides their form, which encoding/xml gave no say
// in. The feed is fetched by every app on every poll, so it is kept
// small, in ways that XML readers and the specs read alike: no
// indentation inside items; empty elements closed by "/>"; newlines in
// text as they are (encoding/xml writes "&#xA;" for each, which only an
// attribute value needs); a psc:chapter's start without ".000" when it
// falls on a second (Podlove Simple Chapters' Normal Play Time allows
// both); no group="cast" nor role="host" on podcast:person (the
// namespace's defaults). A realistic RSS item is 11% smaller (5,649
// bytes, now 5,037), and feed.xml with feed.limit 300 at 10,000
// realistic episodes 1.66 MB, now 1.49 MB (BenchmarkFeedLimit10k; issue
// 14 aims under 1.5 MB).
//
// The escaping is encoding/xml's: text is what its Encoder writes for
// character data (EncodeToken of a CharData), an attribute value what
// EscapeText writes, CDATA what it writes for a ",cdata" field.
// FuzzEscapers holds the three to those functions, and the oracle of
// oneshot_test.go (the item structs marshalled by encoding/xml as
// before) to reading alike, on the real episodes and on fuzzed text.

// xmlOut is XML being written. Names and values of our own making
// (numbers, dates, "true") are appended as they are.
type xmlOut []byte

func (w *xmlOut) raw(ss ...string) {
	for _, s := range ss {
		*w = append(*w, s...)
	}
}

// text appends s as character data.
func (w *xmlOut) text(s string) { *w = appendEscaped(*w, s, false) }

// attr appends the attribute name="v".
func (w *xmlOut) attr(name, v string) {
	w.raw(" ", name, `="`)
	*w = appendEscaped(*w, v, true)
	*w = append(*w, '"')
}

// attrOmit appends the attribute name="v" unless v is empty.
func (w *xmlOut) attrOmit(name, v string) {
	if v != "" {
		w.attr(name, v)
	}
}

// elem appends <name>s</name> on a new line.
func (w *xmlOut) elem(name, s string) {
	w.raw("\n<", name, ">")
	w.text(s)
	w.raw("</", name, ">")
}

// elemOmit appends <name>s</name> unless s is empty.
func (w *xmlOut) elemOmit(name, s string) {
	if s != "" {
		w.elem(name, s)
	}
}

// intOmit appends <name>n</name> unless n is 0.
func (w *xmlOut) intOmit(name string, n int64) {
	if n != 0 {
		w.raw("\n<", name, ">")
		*w = strconv.AppendInt(*w, n, 10)
		w.raw("</", name, ">")
	}
}

// cdata appends s as a CDATA section, as encoding/xml writes a ",cdata"
// field: nothing when s is empty, and a "]]>" in s split across two
// sections.
func (w *xmlOut) cdata(s string) {
	if s == "" {
		return
	}
	w.raw("<![CDATA[")
	for {
		before, after, ok := strings.Cut(s, "]]>")
		if !ok {
			break
		}
		w.raw(before, "]]]]><![CDATA[>")
		s = after
	}
	w.raw(s, "]]>")
}

// appendEscaped appends s escaped as encoding/xml escapes text: the five
// markup characters, tab and carriage return as character references, a
// byte that is not UTF-8 or a character XML cannot carry as U+FFFD; and
// newline as a reference in an attribute value only (a reader turns a
// newline there into a space).
func appendEscaped(dst []byte, s string, attr bool) []byte {
	valid := utf8.ValidString(s)
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		var esc string
		width := 1
		if c < utf8.RuneSelf {
			switch c {
			case '"':
				esc = "&#34;"
			case '\'':
				esc = "&#39;"
			case '&':
				esc = "&amp;"
			case '<':
				esc = "&lt;"
			case '>':
				esc = "&gt;"
			case '\t':
				esc = "&#x9;"
			case '\n':
				if !attr {
					i++
					continue
				}
				esc = "&#xA;"
			case '\r':
				esc = "&#xD;"
			default:
				if c >= 0x20 {
					i++
					continue
				}
				esc = "\uFFFD"
			}
		} else if valid && !nonCharAt(s, i) {
			i++ // a byte of a character XML can carry
			continue
		} else {
			var r rune
			r, width = utf8.DecodeRuneInString(s[i:])
			if isXMLChar(r) && (r != utf8.RuneError || width > 1) {
				i += width
				continue
			}
			esc = "\uFFFD"
		}
		dst = append(append(dst, s[last:i]...), esc...)
		i += width
		last = i
	}
	return append(dst, s[last:]...)
}

// nonCharAt reports whether U+FFFE or U+FFFF starts at s[i]. They are
// the only characters of valid UTF-8 at or above U+0080 that XML cannot
// carry: UTF-8 has no surrogates, and nothing past U+10FFFF.
func nonCharAt(s string, i int) bool {
	return s[i] == 0xEF && i+2 < len(s) && s[i+1] == 0xBF && s[i+2] >= 0xBE
}

// appendRSSItem appends the RSS item of it, on lines of its own.
func appendRSSItem(dst []byte, p *Podcast, it Item, t text) []byte {
	w := xmlOut(dst)
	title := xmlText(it.Title)
	w.raw("\n<item>")
	w.elem("title", title)
	w.elem("link", it.Link)
	w.elem("description", t.description)
	if t.content != "" {
		w.raw("\n<content:encoded>")
		w.cdata(t.content)
		w.raw("</content:encoded>")
	}
	w.raw("\n<enclosure")
	w.attr("url", it.Enclosure.URL)
	w.raw(` length="`)
	w = strconv.AppendInt(w, it.Enclosure.Length, 10)
	w.raw(`"`)
	w.attr("type", it.Enclosure.Type)
	w.raw("/>")
	w.raw("\n<guid isPermaLink=\"false\">")
	w.text(it.GUID)
	w.raw("</guid>\n<pubDate>")
	w = it.PubDate.AppendFormat(w, time.RFC1123Z)
	w.raw("</pubDate>")
	w.elemOmit("itunes:title", title)
	w.intOmit("itunes:duration", int64(it.Duration/time.Second))
	w.intOmit("itunes:episode", int64(it.Episode))
	w.intOmit("itunes:season", int64(it.Season))
	w.elemOmit("itunes:episodeType", it.EpisodeType)
	explicit := p.Explicit
	if it.Explicit != nil {
		explicit = *it.Explicit
	}
	w.raw("\n<itunes:explicit>", yesNo(explicit, "true", "false"), "</itunes:explicit>")
	if it.Image != "" {
		w.raw("\n<itunes:image")
		w.attr("href", it.Image)
		w.raw("/>")
	}
	w.elemOmit("itunes:keywords", xmlText(strings.Join(it.Keywords, ",")))
	if it.Season > 0 {
		season := strconv.Itoa(it.Season)
		w.raw("\n<podcast:season name=\"Season ", season, "\">", season, "</podcast:season>")
	}
	w.intOmit("podcast:episode", int64(it.Episode))
	if it.ChaptersURL != "" {
		w.raw("\n<podcast:chapters")
		w.attr("url", it.ChaptersURL)
		w.raw(` type="application/json+chapters"/>`)
	}
	if len(it.Chapters) > 0 {
		w.raw("\n<psc:chapters version=\"1.2\">")
		for _, c := range it.Chapters {
			w.raw("\n<psc:chapter start=\"")
			w = appendNPT(w, c.Start)
			w.raw(`"`)
			w.attr("title", xmlText(c.Title))
			w.attrOmit("href", c.URL)
			w.raw("/>")
		}
		w.raw("\n</psc:chapters>")
	}
	for _, pe := range it.Persons {
		w.raw("\n<podcast:person")
		if pe.Role != "host" {
			w.attrOmit("role", pe.Role)
		}
		w.attrOmit("href", pe.Href)
		w.attrOmit("img", pe.Img)
		w.raw(">")
		w.text(xmlText(pe.Name))
		w.raw("</podcast:person>")
	}
	for _, tr := range it.Transcripts {
		w.raw("\n<podcast:transcript")
		w.attr("url", tr.URL)
		w.attr("type", tr.Type)
		w.attrOmit("language", tr.Language)
		w.attrOmit("rel", tr.Rel)
		w.raw("/>")
	}
	w.raw("\n</item>")
	return w
}

// appendNPT appends d as a psc:chapter's start: HH:MM:SS, and the
// milliseconds only when there are some.
func appendNPT(dst []byte, d time.Duration) []byte {
	if max(d, 0).Milliseconds()%1000 == 0 {
		return timecode.Append(dst, d, "")
	}
	return timecode.Append(dst, d, ".")
}

// appendAtomEntry appends the Atom entry of it, on lines of its own: what
// gorilla/feeds translates an item into (a summary and content of type
// html, the page and the audio as links); ns is the podcast's guid
// namespace (see entryID).
func appendAtomEntry(dst []byte, ns uuid.UUID, it Item, t text) []byte {
	w := xmlOut(dst)
	w.raw("\n<entry>")
	w.elem("title", xmlText(it.Title))
	w.raw("\n<updated>")
	if !it.PubDate.IsZero() {
		w = it.PubDate.AppendFormat(w, time.RFC3339)
	}
	w.raw("</updated>")
	w.elem("id", entryID(ns, it.GUID))
	if t.content != "" {
		w.raw("\n<content type=\"html\">")
		w.text(t.content)
		w.raw("</content>")
	}
	w.raw("\n<link")
	w.attr("href", it.Link)
	w.raw(` rel="alternate"/>`)
	w.raw("\n<link")
	w.attr("href", it.Enclosure.URL)
	w.raw(` rel="enclosure"`)
	w.attrOmit("type", it.Enclosure.Type)
	w.raw(` length="`)
	w = strconv.AppendInt(w, it.Enclosure.Length, 10)
	w.raw(`"/>`)
	if t.description != "" {
		w.raw("\n<summary type=\"text\">")
		w.text(t.description)
		w.raw("</summary>")
	}
	w.raw("\n</entry>")
	return w
}
