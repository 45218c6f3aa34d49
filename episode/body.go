package episode

import (
	"strings"
	"unicode"

	"github.com/castfeed/castfeed/internal/markdown"
)

// section is what a heading of the body starts.
type section int

const (
	intro   section = iota // before the first heading: the summary
	unknown                // a section castfeed does not read; HTML only
	guests
	notes
	links
	hosts
)

// sectionOf recognises the sections castfeed reads, however they are
// spelt: "Notes", "notes:", "**Show notes**", "🎙 Guests",
// "Prepared  and Presented by".
func sectionOf(heading string) section {
	h := strings.TrimFunc(heading, func(r rune) bool { return !unicode.IsLetter(r) })
	h = strings.ToLower(markdown.Collapse(h))
	switch h {
	case "guests", "guest", "our guests", "special guests", "speakers", "invités", "invites":
		return guests
	case "notes", "show notes", "timestamps", "chapters", "episode notes":
		return notes
	case "links", "resources", "references", "useful links", "liens":
		return links
	case "prepared and presented by", "prepared & presented by", "presented by", "hosts", "host", "hosted by", "your hosts":
		return hosts
	}
	return unknown
}

// heading reads an ATX heading: up to three spaces, one to six #, then a
// space and the text. A heading without the space ("##Notes") is
// reported with tight set; CommonMark would not read it as a heading.
func heading(line string) (level int, text string, tight bool) {
	i := 0
	for i < len(line) && i < 3 && line[i] == ' ' {
		i++
	}
	for i+level < len(line) && line[i+level] == '#' {
		level++
	}
	if level == 0 || level > 6 {
		return 0, "", false
	}
	rest := line[i+level:]
	switch {
	case rest == "":
	case rest[0] == ' ' || rest[0] == '\t':
	default:
		tight = true
	}
	text = strings.TrimSpace(rest)
	// A closing sequence of #s goes, when a space precedes it.
	if t := strings.TrimRight(text, "#"); t != text && (t == "" || strings.HasSuffix(t, " ") || strings.HasSuffix(t, "\t")) {
		text = strings.TrimSpace(t)
	}
	return level, text, tight
}

// fence returns the fence marker (``` or ~~~, maybe longer) that opens or
// closes a code block on line, or "".
func fence(line string) string {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) > 3 || len(t) < 3 || t[0] != '`' && t[0] != '~' {
		return ""
	}
	n := 0
	for n < len(t) && t[n] == t[0] {
		n++
	}
	if n < 3 {
		return ""
	}
	return t[:n]
}

// listMarker returns s without a leading list marker: "- ", "* ", "+ ",
// "1. ", "1) ".
func listMarker(s string) string {
	if len(s) >= 2 && (s[0] == '-' || s[0] == '*' || s[0] == '+') && (s[1] == ' ' || s[1] == '\t') {
		return strings.TrimLeft(s[2:], " \t")
	}
	if s == "-" || s == "*" || s == "+" {
		return ""
	}
	i := 0
	for i < len(s) && i < 9 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i+1 < len(s) && (s[i] == '.' || s[i] == ')') && (s[i+1] == ' ' || s[i+1] == '\t') {
		return strings.TrimLeft(s[i+2:], " \t")
	}
	return s
}

// body reads the Markdown after the front matter: sections by heading,
// people, notes and links with their lines, the summary, and the HTML.
//
// Sections are started by ## headings (and #). A ### heading starts a
// section only when it names one castfeed reads; otherwise it is a
// subheading of the current section. Lines in code blocks and HTML
// comments are not read as entries.
//
// It is one loop over the lines, with the section, fence and comment
// state in locals: splitting it would pass that state around for every
// line of every episode.
func (p *parse) body(ep *Episode, body string, firstLine int) {
	var (
		cur       = intro
		summary   strings.Builder
		openFence string // the marker of the open code block, if any
		comment   bool   // inside a multi-line <!-- comment -->
		notesAt   int    // the line of the first ## Notes heading
		summaryAt int    // the line where the summary starts
		// The HTML leaves out ## Notes: the feed lists the repaired
		// chapters instead, so that apps reading timestamps from the
		// description never see the raw, possibly out-of-order ones.
		// skip holds the byte ranges of body left out.
		skip    [][2]int
		skipEnd = -1
	)
	for off, num := 0, firstLine; off < len(body); num++ {
		start := off
		line := body[off:]
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line, off = line[:i], off+i+1
		} else {
			off = len(body)
		}

		if openFence == "" && !comment {
			if level, text, tight := heading(line); level > 0 {
				s := sectionOf(text)
				switch {
				case s != unknown:
					cur = s
				case tight:
					level = 0 // "#hashtag": a line of text
				case level == 1 && cur == intro:
					// A title above the intro: not part of the summary.
				case level <= 2:
					cur = unknown
				}
				if s == notes && notesAt == 0 {
					notesAt = num
				}
				if level > 0 {
					p.skipNotes(&skip, &skipEnd, cur, start, off)
					continue
				}
			}
		}
		p.skipNotes(&skip, &skipEnd, cur, start, off)

		text := strings.TrimSpace(line)
		if f := fence(line); f != "" {
			switch {
			case openFence == "":
				openFence = f
			case f[0] == openFence[0] && len(f) >= len(openFence) && strings.TrimSpace(strings.TrimLeft(line, " ")[len(f):]) == "":
				openFence = ""
			}
			continue
		}
		if openFence != "" {
			continue
		}
		if comment || strings.Contains(text, "<!--") {
			text, comment = stripComments(text, comment)
		}
		if text == "" {
			continue
		}
		text = p.checkLinks(text, num, cur != guests && cur != hosts)
		switch cur {
		case intro:
			if summary.Len() > 0 {
				summary.WriteByte(' ')
			} else {
				summaryAt = num
			}
			summary.WriteString(listMarker(strings.TrimLeft(text, "> ")))
		case notes:
			if item := listMarker(text); item != "" {
				ep.Notes = append(ep.Notes, Line{Num: num, Text: item})
			}
		case guests:
			ep.Guests = p.people(ep.Guests, listMarker(text), num)
		case hosts:
			ep.Hosts = p.people(ep.Hosts, listMarker(text), num)
		case links:
			ep.Links = p.linksIn(ep.Links, listMarker(text), num)
		}
	}
	ep.Summary = p.r.summary(summary.String())
	if n := len(ep.Summary); n > maxSummary {
		p.warnf(summaryAt, "keep the paragraph before the first ## heading short: it is what apps show under the title; the rest of the notes can follow under a heading of their own",
			"the summary is %d bytes; Apple Podcasts shows at most %d bytes of a description, so the feed's description is cut", n, maxSummary)
	}

	switch {
	case notesAt == 0:
		p.warnf(firstLine, "add a ## Notes section with lines like 0:04:00 - Topic", "no ## Notes section: the episode has no chapters")
	case len(ep.Notes) == 0:
		p.warnf(notesAt, "add lines like 0:04:00 - Topic under ## Notes", "the ## Notes section is empty: the episode has no chapters")
	}

	ep.body = Body{body, skip}
	if p.r.noHTML {
		return
	}
	html, err := p.r.HTML(ep.body)
	if err != nil {
		p.warnf(firstLine, "report this to castfeed's maintainers with the file", "the notes cannot be shown as HTML: %v", err)
		return
	}
	ep.HTML = html
}

// maxSummary is Apple Podcasts' limit on a description, in bytes.
const maxSummary = 4000

// Body is an episode's Markdown after the front matter, for HTML.
type Body struct {
	text string
	skip [][2]int // the byte ranges of text that ## Notes takes
}

// Body returns the episode's body, to render later with Reader.HTML.
func (e *Episode) Body() Body { return e.body }

// HTML renders an episode's body as sanitised HTML, without the ## Notes
// section, as Parse does unless the Reader is WithoutHTML. A build of a
// large show parses without HTML and renders each episode's HTML only
// when it writes that episode, keeping only the Body meanwhile, so that
// neither the HTML nor the parsed episode of every episode is in memory
// at once.
func (r *Reader) HTML(b Body) (string, error) {
	md := r.buffer()
	defer r.release(md)
	md.Grow(len(b.text) + 1)
	from := 0
	for _, s := range b.skip {
		md.WriteString(b.text[from:s[0]])
		from = s[1]
	}
	md.WriteString(b.text[from:])
	return r.render(md.Bytes())
}

// skipNotes records that the line at body[start:end] is left out of the
// HTML when it belongs to ## Notes, merging adjacent lines.
func (p *parse) skipNotes(skip *[][2]int, skipEnd *int, cur section, start, end int) {
	if cur != notes {
		return
	}
	if *skipEnd == start && len(*skip) > 0 {
		(*skip)[len(*skip)-1][1] = end
	} else {
		*skip = append(*skip, [2]int{start, end})
	}
	*skipEnd = end
}

// stripComments removes <!-- … --> from a line; open says whether the
// line starts inside a comment, and the result whether it ends inside one.
func stripComments(s string, open bool) (string, bool) {
	var b strings.Builder
	for {
		if open {
			end := strings.Index(s, "-->")
			if end < 0 {
				return strings.TrimSpace(b.String()), true
			}
			s, open = s[end+3:], false
			continue
		}
		start := strings.Index(s, "<!--")
		if start < 0 {
			b.WriteString(s)
			return strings.TrimSpace(b.String()), false
		}
		b.WriteString(s[:start])
		s, open = s[start+4:], true
	}
}

// people adds the people on one line: "[Name](url)" entries (several per
// line allowed, images skipped), else the line as a plain name.
func (p *parse) people(out []Person, item string, num int) []Person {
	found := false
	p.links = markdown.Links(p.links[:0], item)
	for _, l := range p.links {
		if l.Image {
			continue
		}
		if name := markdown.Plain(l.Text); name != "" {
			out = append(out, Person{Name: name, URL: strings.TrimSpace(l.URL), Line: num})
			found = true
		}
	}
	if !found {
		if name := markdown.Plain(item); name != "" && !strings.HasPrefix(item, "![") {
			out = append(out, Person{Name: name, Line: num})
		}
	}
	return out
}

// linksIn adds the links on one line: "[Title](url)" entries, else bare
// http(s) URLs. A line without either is text, and not a link.
func (p *parse) linksIn(out []Link, item string, num int) []Link {
	found := false
	p.links = markdown.Links(p.links[:0], item)
	for _, l := range p.links {
		if l.Image {
			continue
		}
		u := strings.TrimSpace(l.URL)
		t := markdown.Plain(l.Text)
		if t == "" {
			t = u
		}
		if u != "" {
			out = append(out, Link{Title: t, URL: u, Line: num})
			found = true
		}
	}
	if found {
		return out
	}
	for rest := item; ; {
		i := strings.Index(rest, "http")
		if i < 0 {
			return out
		}
		rest = rest[i:]
		if !strings.HasPrefix(rest, "https://") && !strings.HasPrefix(rest, "http://") {
			rest = rest[4:]
			continue
		}
		end := strings.IndexFunc(rest, func(r rune) bool {
			return unicode.IsSpace(r) || strings.ContainsRune(`<>"'()[]`, r)
		})
		if end < 0 {
			end = len(rest)
		}
		u := strings.TrimRight(rest[:end], ".,;:!?")
		if len(u) > len("https://") {
			out = append(out, Link{Title: u, URL: u, Line: num})
		}
		rest = rest[end:]
	}
}

// summary turns the intro's Markdown into plain text. HTML goes through
// the strict policy, which also drops the content of script and style.
func (r *Reader) summary(s string) string {
	s = markdown.Strip(s)
	if strings.IndexByte(s, '<') >= 0 {
		s = r.strict.Sanitize(s)
	}
	return markdown.Collapse(markdown.Unescape(s))
}
