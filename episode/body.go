package episode

import (
	"bytes"
	"html"
	"regexp"
	"strings"
)

// section is what a ## heading of the body holds.
type section int

const (
	intro section = iota
	other
	guests
	notes
	links
	hosts
)

// sectionOf recognises the sections castfeed reads, however they are
// spelt: "## Notes", "##notes:", "### Prepared and Presented by".
func sectionOf(heading string) section {
	h := strings.ToLower(strings.TrimSpace(strings.Trim(strings.TrimSpace(heading), ":#*_ ")))
	switch h {
	case "guests", "guest", "invités", "invites":
		return guests
	case "notes", "timestamps", "chapters", "show notes":
		return notes
	case "links", "resources", "liens":
		return links
	case "prepared and presented by", "presented by", "hosts", "host", "hosted by", "prepared & presented by":
		return hosts
	}
	return other
}

var (
	headingRE    = regexp.MustCompile(`^ {0,3}(#{1,6})\s*(.*?)\s*#*\s*$`)
	listMarkerRE = regexp.MustCompile(`^\s*(?:[-*+]|\d{1,3}[.)])\s+`)
	mdLinkRE     = regexp.MustCompile(`\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)`)
	bareURLRE    = regexp.MustCompile(`https?://[^\s<>()\[\]]+`)
	emphasisRE   = regexp.MustCompile("[*`]+|~~")
)

// body reads the Markdown after the front matter: sections by heading,
// people, notes and links with their lines, the summary, and the HTML.
func (p *parse) body(r *Reader, ep *Episode, body []byte, firstLine int) {
	var (
		cur      = intro
		summary  []string
		fence    bool
		sawNotes bool
	)
	// The HTML show notes leave out ## Notes: the feed lists the repaired
	// chapters instead, so that apps reading timestamps from the
	// description never see the raw, possibly out-of-order ones.
	var src bytes.Buffer
	lines := bytes.Split(body, []byte("\n"))
	for i, raw := range lines {
		num := firstLine + i
		text := string(raw)
		trimmed := strings.TrimSpace(text)
		var m []string
		if strings.HasPrefix(strings.TrimLeft(text, " "), "#") {
			m = headingRE.FindStringSubmatch(text)
		}
		if !fence && m != nil && len(m[1]) <= 3 {
			cur = sectionOf(m[2])
			if cur == notes {
				sawNotes = true
			}
			if cur == intro {
				cur = other
			}
		}
		if cur != notes {
			src.Write(raw)
			src.WriteByte('\n')
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fence = !fence
			continue
		}
		if fence || m != nil && len(m[1]) <= 3 {
			continue
		}
		if trimmed == "" {
			if cur == intro && len(summary) > 0 && summary[len(summary)-1] != "" {
				summary = append(summary, "")
			}
			continue
		}
		item := trimmed
		if c := trimmed[0]; c == '-' || c == '*' || c == '+' || c >= '0' && c <= '9' {
			item = strings.TrimSpace(listMarkerRE.ReplaceAllString(text, ""))
		}
		switch cur {
		case intro:
			summary = append(summary, trimmed)
		case notes:
			ep.Notes = append(ep.Notes, Line{Num: num, Text: item})
		case guests:
			ep.Guests = append(ep.Guests, people(item, num)...)
		case hosts:
			ep.Hosts = append(ep.Hosts, people(item, num)...)
		case links:
			ep.Links = append(ep.Links, linksIn(item, num)...)
		}
	}
	ep.Summary = r.text(strings.Join(summary, " "))
	switch {
	case !sawNotes:
		p.warnf(firstLine, "add a ## Notes section with lines like 0:04:00 - Topic", "no ## Notes section: the episode has no chapters")
	case len(ep.Notes) == 0:
		p.warnf(p.lineOfHeading(lines, firstLine, notes), "add lines like 0:04:00 - Topic under ## Notes", "the ## Notes section is empty: the episode has no chapters")
	}
	if r.noHTML {
		return
	}
	var buf bytes.Buffer
	raw := bytes.IndexByte(src.Bytes(), '<') >= 0
	md := r.safe
	if raw {
		md = r.md
	}
	if err := md.Convert(src.Bytes(), &buf); err != nil {
		p.warnf(firstLine, "", "the notes cannot be rendered as HTML: %v", err)
		return
	}
	if raw {
		ep.HTML = string(r.policy.SanitizeBytes(buf.Bytes()))
	} else {
		ep.HTML = buf.String()
	}
}

func (p *parse) lineOfHeading(lines [][]byte, firstLine int, s section) int {
	for i, l := range lines {
		if m := headingRE.FindSubmatch(l); m != nil && sectionOf(string(m[2])) == s {
			return firstLine + i
		}
	}
	return firstLine
}

// people reads "[Name](url)" entries (several per line allowed) or a plain
// "Name".
func people(item string, num int) []Person {
	var out []Person
	if strings.IndexByte(item, '[') < 0 {
		if name := plain(item); name != "" {
			out = append(out, Person{Name: name, Line: num})
		}
		return out
	}
	for _, m := range mdLinkRE.FindAllStringSubmatch(item, -1) {
		if name := plain(m[1]); name != "" {
			out = append(out, Person{Name: name, URL: m[2], Line: num})
		}
	}
	if len(out) == 0 {
		if name := plain(item); name != "" {
			out = append(out, Person{Name: name, Line: num})
		}
	}
	return out
}

// linksIn reads "[Title](url)" entries and bare URLs.
func linksIn(item string, num int) []Link {
	var out []Link
	for _, m := range mdLinkRE.FindAllStringSubmatch(item, -1) {
		out = append(out, Link{Title: plain(m[1]), URL: m[2], Line: num})
	}
	if len(out) == 0 {
		for _, u := range bareURLRE.FindAllString(item, -1) {
			out = append(out, Link{Title: u, URL: u, Line: num})
		}
	}
	return out
}

// text turns inline Markdown and HTML into plain text; unlike plain, it
// drops the content of script and style elements too.
func (r *Reader) text(s string) string {
	s = mdLinkRE.ReplaceAllString(s, "$1")
	s = html.UnescapeString(r.strict.Sanitize(s))
	s = emphasisRE.ReplaceAllString(s, "")
	return strings.Join(strings.Fields(s), " ")
}

// plain turns inline Markdown into text: links become their text,
// emphasis markers and HTML tags go, white space collapses.
func plain(s string) string {
	// The checks spare the regular expressions most lines: they are the
	// costliest part of reading a file's body.
	if strings.IndexByte(s, '[') >= 0 {
		s = mdLinkRE.ReplaceAllString(s, "$1")
	}
	if strings.IndexByte(s, '<') >= 0 {
		s = htmlTagRE.ReplaceAllString(s, "")
	}
	if strings.ContainsAny(s, "*`~") {
		s = emphasisRE.ReplaceAllString(s, "")
	}
	return strings.Join(strings.Fields(s), " ")
}

var htmlTagRE = regexp.MustCompile(`</?[a-zA-Z][^>]*>`)
