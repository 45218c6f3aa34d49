package site

import (
	"html/template"
	"strings"
	"time"
)

// What an episode renders (its page, its embed and its entry in the
// show's lists) and the parts every page shares (head, footer, people)
// are written by the code in this file rather than by html/template. A
// show of 10,000 episodes has 30,000 such pieces per cold build, and
// html/template costs a reflective call per action (its escapers are
// functions called through text/template's walk) and a lookup of each
// field by name: measured, 160 µs and 664 allocations for an episode's
// page and embed, and 30 µs more for its entry, which made the site
// double the CPU time of a cold build. Written here, the three cost
// 15 µs and 27 allocations (BenchmarkEpisodePages).
//
// The escaping stays html/template's: every value from outside goes
// through text (html/template's HTMLEscapeString, for element content
// and quoted attribute values) or url (html/template's URL filter and
// normalisation, then the same escaping). TestEscapingIsHTMLTemplates
// and FuzzEscapers hold them to what html/template writes in the same
// place, but for '+', which html/template writes as "&#43;" and
// HTMLEscapeString leaves (HTML reads both alike); FuzzEpisodePage
// checks that no value adds an element or attribute. The show's pages, a
// few hundred per build, stay a template (templates/index.html).

// markup is HTML being written. Markup of our own making, and values of
// our own making (dates, times, "rtl"), are appended as they are.
type markup []byte

func (m *markup) raw(ss ...string) {
	for _, s := range ss {
		*m = append(*m, s...)
	}
}

// text appends s as element content or as a quoted attribute value
// (content=, title=, type=, lang=): html/template escapes such values
// alike. Text with a byte to escape (those of HTMLEscapeString's own
// test) goes through HTMLEscape, which writes here: HTMLEscapeString
// would build a new string, three allocations, and a transcript has one
// for every cue with an apostrophe.
func (m *markup) text(s string) {
	if !strings.ContainsAny(s, "\x00\"'&<>") {
		*m = append(*m, s...)
		return
	}
	template.HTMLEscape(m, []byte(s))
}

// Write appends p, for HTMLEscape.
func (m *markup) Write(p []byte) (int, error) {
	*m = append(*m, p...)
	return len(p), nil
}

// url appends s as the value of a URL attribute (href, src), as
// html/template writes a value at the start of one: a URL with a scheme
// other than http, https or mailto becomes "#ZgotmplZ", html/template's
// mark of an unsafe value; the rest is percent-encoded where a URL may
// not hold the byte as it is, then escaped as text.
func (m *markup) url(s string) {
	if !safeURL(s) {
		m.raw("#ZgotmplZ")
		return
	}
	m.text(normalizeURL(s))
}

// safeURL is html/template's isSafeURL: a relative URL, or one whose
// scheme is http, https or mailto.
func safeURL(s string) bool {
	scheme, _, ok := strings.Cut(s, ":")
	if !ok || strings.Contains(scheme, "/") {
		return true
	}
	return strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https") || strings.EqualFold(scheme, "mailto")
}

// normalizeURL is html/template's urlNormalizer: it percent-encodes
// every byte but RFC 3986's reserved and unreserved characters and the
// '%' of a valid escape, so that quotes, spaces and non-ASCII text
// cannot end the attribute or confuse a browser.
func normalizeURL(s string) string {
	var b []byte
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if urlSafe[c] || c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			continue
		}
		if b == nil {
			b = make([]byte, 0, len(s)+16)
		}
		const hex = "0123456789abcdef"
		b = append(append(b, s[written:i]...), '%', hex[c>>4], hex[c&15])
		written = i + 1
	}
	if b == nil {
		return s
	}
	return string(append(b, s[written:]...))
}

// urlSafe are the bytes normalizeURL keeps.
var urlSafe = func() (t [256]bool) {
	for _, c := range []byte("!#$&*+,/:;=?@[]-._~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		t[c] = true
	}
	return t
}()

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// head is what a page's <head> says besides the show.
type head struct {
	root                string // the output folder relative to the page: "" or "../../"
	lang                string
	title               string // of the document
	description         string
	url                 string // canonical, absolute
	image               string
	ogType, ogTitle     string
	audioURL, audioType string
}

// writeHead writes a page's doctype, <html> and <head>. Values in meta
// content= are text to html/template, not URLs: they are not followed.
func (s *Site) writeHead(m *markup, h *head) {
	m.raw("<!DOCTYPE html>\n<html lang=\"")
	m.text(h.lang)
	m.raw(`" dir="`, dir(h.lang), "\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
	m.text(h.title)
	m.raw("</title>")
	m.meta("name", "description", h.description)
	m.raw("\n<link rel=\"canonical\" href=\"")
	m.url(h.url)
	m.raw("\">\n", s.links[h.root])
	m.meta("property", "og:site_name", s.show.Title)
	m.meta("property", "og:type", h.ogType)
	m.meta("property", "og:title", h.ogTitle)
	m.meta("property", "og:description", h.description)
	m.meta("property", "og:url", h.url)
	if h.image != "" {
		m.meta("property", "og:image", h.image)
	}
	if h.audioURL != "" {
		m.meta("property", "og:audio", h.audioURL)
		m.meta("property", "og:audio:type", h.audioType)
	}
	m.meta("name", "twitter:card", "summary")
	m.meta("name", "twitter:title", h.ogTitle)
	m.meta("name", "twitter:description", h.description)
	if h.image != "" {
		m.meta("name", "twitter:image", h.image)
	}
	m.raw("\n<script src=\"")
	m.url(h.root + s.js.Name)
	m.raw("\" defer></script>\n</head>\n")
}

// meta writes a <meta> on a line of its own; key is "name" or "property".
func (m *markup) meta(key, name, content string) {
	m.raw("\n<meta ", key, `="`, name, `" content="`)
	m.text(content)
	m.raw(`">`)
}

// headLinks are the head's links to the feed, the stylesheet and the
// icon, the same on every page at one depth.
func (s *Site) headLinks(root string) string {
	var m markup
	m.raw(`<link rel="alternate" type="application/rss+xml" title="`)
	m.text(s.show.Title)
	m.raw(`" href="`)
	m.url(s.show.FeedURL)
	m.raw("\">\n<link rel=\"stylesheet\" href=\"")
	m.url(root + s.css.Name)
	m.raw("\">\n")
	if s.show.Image != "" {
		m.raw(`<link rel="icon" href="`)
		m.url(s.show.Image)
		m.raw(`">`)
	} else {
		m.raw(`<link rel="icon" href="data:,">`)
	}
	return string(m)
}

// foot is every page's footer.
func (s *Site) foot() string {
	var m markup
	m.raw("<footer class=\"foot\">\n<p><a href=\"")
	m.url(s.show.FeedURL)
	m.raw(`">RSS feed</a>`)
	if s.show.Link != "" {
		m.raw(` · <a href="`)
		m.url(s.show.Link)
		m.raw(`">Website</a>`)
	}
	if s.show.Copyright != "" {
		m.raw(` · <span dir="auto">`)
		m.text(s.show.Copyright)
		m.raw(`</span>`)
	}
	m.raw("</p>\n</footer>\n")
	return string(m)
}

// people writes names separated by commas, linked when they have a URL.
func (m *markup) people(ps []Person) {
	for i, p := range ps {
		if i > 0 {
			m.raw(", ")
		}
		if p.URL != "" {
			m.raw(`<a href="`)
			m.url(p.URL)
			m.raw(`" dir="auto">`)
			m.text(p.Name)
			m.raw(`</a>`)
		} else {
			m.raw(`<span dir="auto">`)
			m.text(p.Name)
			m.raw(`</span>`)
		}
	}
}

// player writes the audio element with its controls and a download
// link; without audio, an empty box.
func (m *markup) player(ep *Episode) {
	m.raw(`<div class="player">`)
	if ep.AudioURL != "" {
		m.raw("\n<audio controls preload=\"metadata\" src=\"")
		start := len(*m)
		m.url(ep.AudioURL)
		audio := (*m)[start:] // written once, copied twice
		m.raw("\" data-player>\n<a href=\"")
		*m = append(*m, audio...)
		m.raw("\">Download the episode</a>\n</audio>\n<div class=\"controls\" hidden>\n" +
			"<button type=\"button\" data-skip=\"-15\">Back 15 s</button>\n" +
			"<button type=\"button\" data-skip=\"30\">Forward 30 s</button>\n" +
			"<span data-now aria-live=\"off\" dir=\"ltr\"></span>\n</div>\n<p class=\"download\"><a href=\"")
		*m = append(*m, audio...)
		m.raw(`" type="`)
		m.text(ep.AudioType)
		m.raw(`" download>Download the audio</a></p>`)
	}
	m.raw("\n</div>")
}

// chapters writes the list of chapters, each a link that seeks to it.
func (m *markup) chapters(cs []Chapter) {
	m.raw(`<ol class="chapters" data-chapters>`)
	for _, c := range cs {
		m.raw("\n")
		m.lead("li", c.Start, 0)
		m.raw(` <span dir="auto">`)
		m.text(c.Title)
		m.raw(`</span></a>`)
		if c.URL != "" {
			m.raw(` <a class="ext" href="`)
			m.url(c.URL)
			m.raw(`" rel="nofollow">link</a>`)
		}
		m.raw("</li>")
	}
	m.raw("\n</ol>")
}

// cues writes a transcript's cues as paragraphs; the speaker and the
// words are always element content.
func (m *markup) cues(cues []Cue) {
	m.raw(`<div class="cues" data-cues>`)
	for _, c := range cues {
		m.raw("\n")
		m.lead("p", c.Start, c.End)
		m.raw(" ")
		if c.Speaker != "" {
			m.raw(`<b class="speaker" dir="auto">`)
			m.text(c.Speaker)
			m.raw(":</b> ")
		}
		m.raw(`<span dir="auto">`)
		m.text(c.Text)
		m.raw("</span></p>")
	}
	m.raw("\n</div>")
}

// lead opens a chapter's <li> or a cue's <p> with the link that seeks to
// start: <li data-start="390"><a href="#t=390"><time …>6:30</time>.
// A cue's link closes there, and has an end; a chapter's goes on around
// its title.
func (m *markup) lead(element string, start, end time.Duration) {
	var buf [24]byte
	secs := appendSeconds(buf[:0], start)
	m.raw("<", element, ` data-start="`)
	*m = append(*m, secs...)
	if element == "p" {
		m.raw(`" data-end="`)
		*m = appendSeconds(*m, end)
	}
	m.raw(`"><a href="#t=`)
	*m = append(*m, secs...)
	m.raw(`"><time datetime="PT`)
	*m = append(*m, secs...)
	m.raw(`S" dir="ltr">`)
	*m = appendClock(*m, start)
	m.raw("</time>")
	if element == "p" {
		m.raw("</a>")
	}
}

// date writes an episode's date, and its duration when long is set.
func (m *markup) date(ep *Episode, long bool) {
	m.raw(`<time datetime="`)
	*m = ep.PubDate.AppendFormat(*m, "2006-01-02")
	m.raw(`">`)
	*m = ep.PubDate.AppendFormat(*m, "2 January 2006")
	m.raw("</time>")
	if long && ep.Duration > 0 {
		m.raw(` · <time datetime="PT`)
		*m = appendSeconds(*m, ep.Duration)
		m.raw(`S" dir="ltr">`)
		*m = appendClock(*m, ep.Duration)
		m.raw("</time>")
	}
}

// section writes body, if there is any, after open and before the
// </section> that closes it.
func (m *markup) section(open string, body markup) {
	if len(body) > 0 {
		m.raw(open)
		*m = append(*m, body...)
		m.raw("\n</section>")
	}
}

// EpisodePages returns ep's page and its compact player for iframes.
func (s *Site) EpisodePages(ep *Episode) []File {
	dirName := "episodes/" + ep.Slug + "/"
	h := head{root: "../../", lang: s.show.Language, title: ep.Title + " · " + s.show.Title,
		description: s.description, url: s.show.BaseURL + "/" + dirName + "index.html",
		image: s.show.Image, ogType: "music.song", ogTitle: ep.Title, audioURL: ep.AudioURL, audioType: ep.AudioType}
	if ep.Language != "" {
		h.lang = ep.Language
	}
	if ep.Summary != "" {
		h.description = excerpt(ep.Summary)
	}
	if ep.Image != "" {
		h.image = ep.Image
	}
	// The parts both files show, written once.
	parts := make(markup, 0, 1024+len(ep.Chapters)*200+len(ep.Cues)*200)
	parts.player(ep)
	player := len(parts)
	if len(ep.Chapters) > 0 {
		parts.chapters(ep.Chapters)
	}
	chapters := len(parts)
	if len(ep.Cues) > 0 {
		parts.cues(ep.Cues)
	}
	shared := struct{ player, chapters, cues markup }{parts[:player], parts[player:chapters], parts[chapters:]}

	// Sized for the lot: growing the page would copy it.
	page := make(markup, 0, 3072+len(parts)+len(ep.NotesHTML)+len(ep.Summary)+200*(len(ep.Guests)+len(ep.Hosts)+len(ep.Downloads)))
	s.writeHead(&page, &h)
	headLen := len(page)
	page.raw("<body>\n<a class=\"skip\" href=\"#main\">Skip to the episode</a>\n<nav class=\"top\"><a href=\"")
	page.url(h.root + "index.html")
	page.raw(`" dir="auto">`)
	page.text(s.show.Title)
	page.raw("</a></nav>\n<main id=\"main\">\n<header class=\"episode\">\n<h1 dir=\"auto\">")
	page.text(ep.Title)
	page.raw("</h1>\n<p class=\"meta\" dir=\"auto\">")
	page.date(ep, true)
	page.raw("</p>")
	if len(ep.Guests) > 0 {
		page.raw("\n<p class=\"meta\" dir=\"auto\">With ")
		page.people(ep.Guests)
		page.raw("</p>")
	}
	if len(ep.Hosts) > 0 {
		page.raw("\n<p class=\"meta\" dir=\"auto\">Hosted by ")
		page.people(ep.Hosts)
		page.raw("</p>")
	}
	page.raw("\n</header>\n")
	page = append(page, shared.player...)
	if ep.NotesHTML == "" && ep.Summary != "" {
		page.raw("\n<p class=\"summary\" dir=\"auto\">")
		page.text(ep.Summary)
		page.raw("</p>")
	}
	page.section("\n<section aria-labelledby=\"chapters\">\n<h2 id=\"chapters\">Chapters</h2>\n", shared.chapters)
	page.section("\n<section aria-labelledby=\"transcript\">\n<h2 id=\"transcript\">Transcript</h2>\n", shared.cues)
	if ep.NotesHTML != "" {
		// Sanitised by the episode package: inserted as it is.
		page.raw("\n<section class=\"notes\" aria-labelledby=\"notes\" dir=\"auto\">\n<h2 id=\"notes\">Show notes</h2>\n", ep.NotesHTML, "\n</section>")
	}
	if ep.YouTube != "" || len(ep.Downloads) > 0 {
		page.raw("\n<section aria-labelledby=\"more\">\n<h2 id=\"more\">More</h2>\n<ul>")
		if ep.YouTube != "" {
			page.raw("\n<li><a href=\"")
			page.url(ep.YouTube)
			page.raw(`">Watch the video on YouTube</a></li>`)
		}
		for _, d := range ep.Downloads {
			page.raw("\n<li><a href=\"")
			page.url(d.URL)
			page.raw(`" type="`)
			page.text(d.Type)
			page.raw(`" download>`)
			page.text(d.Label)
			page.raw("</a></li>")
		}
		page.raw("\n</ul>\n</section>")
	}
	page.raw("\n</main>\n", s.footer, "</body>\n</html>\n")

	embed := make(markup, 0, headLen+len(parts)+1024)
	embed = append(embed, page[:headLen]...)
	embed.raw("<body class=\"embed\">\n<main id=\"main\">\n<h1 dir=\"auto\"><a href=\"")
	embed.url(h.url)
	embed.raw(`" target="_blank" rel="noopener">`)
	embed.text(ep.Title)
	embed.raw("</a></h1>\n<p class=\"meta\" dir=\"auto\"><span dir=\"auto\">")
	embed.text(s.show.Title)
	embed.raw("</span> · ")
	embed.date(ep, false)
	embed.raw("</p>\n")
	embed = append(embed, shared.player...)
	embed.section("\n<button type=\"button\" class=\"toggle\" aria-expanded=\"true\" aria-controls=\"chapter-list\" hidden>Chapters</button>\n<section id=\"chapter-list\" aria-label=\"Chapters\">\n", shared.chapters)
	embed.section("\n<button type=\"button\" class=\"toggle\" aria-expanded=\"true\" aria-controls=\"transcript-text\" hidden>Transcript</button>\n<section id=\"transcript-text\" aria-label=\"Transcript\">\n", shared.cues)
	embed.raw("\n</main>\n</body>\n</html>\n")
	return []File{{Name: dirName + "index.html", Data: page}, {Name: dirName + "embed.html", Data: embed}}
}

// Entry renders how the show's pages list ep: written once, for
// index.html, then the same with the link to the episode starting with
// "../../" for the pages under page/. url writes "../../" + u as "../../"
// and then u: the prefix has nothing to escape, and the two start
// relative, so neither has a scheme to filter.
func (s *Site) Entry(ep *Episode) Entry {
	m := make(markup, 0, 512+len(ep.Summary))
	m.raw("<li")
	if ep.Language != "" && ep.Language != s.show.Language {
		m.raw(` lang="`)
		m.text(ep.Language)
		m.raw(`" dir="`, dir(ep.Language), `"`)
	}
	m.raw(">\n<h3><a href=\"")
	link := len(m)
	m.url("episodes/" + ep.Slug + "/index.html")
	m.raw(`" dir="auto">`)
	m.text(ep.Title)
	m.raw("</a></h3>\n<p class=\"meta\" dir=\"auto\">")
	m.date(ep, true)
	if len(ep.Guests) > 0 {
		m.raw(" · with ")
		m.people(ep.Guests)
	}
	m.raw("</p>")
	if ep.Summary != "" {
		m.raw("\n<p dir=\"auto\">")
		m.text(ep.Summary)
		m.raw("</p>")
	}
	m.raw("\n</li>")
	return Entry{Slug: ep.Slug, PubDate: ep.PubDate, Hosts: ep.Hosts, First: template.HTML(m), Link: link}
}
