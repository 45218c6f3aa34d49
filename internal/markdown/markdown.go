// Package markdown reads the inline Markdown of one line (links, images,
// emphasis, code, HTML tags, entities) the way a listener sees it: as
// plain text, and as the links it holds. episode reads people, links and
// the summary with it, and chapters a note's title and URL, so a line
// means the same in the feed's people, links and chapters.
//
// It is not a renderer (goldmark renders the body to HTML) and reads no
// more than one line's syntax: a link, an emphasis or a code span does not
// run across lines. Every function takes time linear in the length of its
// input, whatever the input holds.
package markdown

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Link is a Markdown link [text](url) or image ![alt](url) found in a line.
type Link struct {
	Start, End int    // byte range of the whole link in the line
	Text       string // the link text or the image's alternative text, as written
	URL        string // the destination, without <> and title
	Image      bool
}

// Links appends to dst the inline links [text](url) and images ![alt](url)
// of s, left to right. Brackets nest in the text; the url may be in <>,
// have balanced parentheses, and be followed by a "title". Reference
// links ([text][ref]) are not links here: a line does not see the
// definitions.
//
// Brackets are matched in one pass, and a url ends at the next [, so no
// byte is read twice.
func Links(dst []Link, s string) []Link {
	if strings.IndexByte(s, '[') < 0 || strings.IndexByte(s, ']') < 0 {
		return dst
	}
	// closeOf[i] is the index of the ] that closes the [ at i, or 0.
	// Lines are short: the arrays stay on the stack.
	var closeBuf [512]int32
	var openBuf [32]int32
	closeOf, open := closeBuf[:0], openBuf[:0]
	if len(s) <= len(closeBuf) {
		closeOf = closeBuf[:len(s)]
	} else {
		closeOf = make([]int32, len(s))
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '[':
			open = append(open, int32(i))
		case ']':
			if n := len(open); n > 0 {
				closeOf[open[n-1]] = int32(i)
				open = open[:n-1]
			}
		}
	}
	for i := 0; i < len(s); i++ {
		close := int(closeOf[i])
		if close == 0 || s[i] != '[' || close+1 >= len(s) || s[close+1] != '(' {
			continue
		}
		url, end, ok := destination(s, close+2)
		if !ok {
			continue
		}
		l := Link{Start: i, End: end, Text: s[i+1 : close], URL: url}
		if i > 0 && s[i-1] == '!' {
			l.Start, l.Image = i-1, true
		}
		dst = append(dst, l)
		i = end - 1
	}
	return dst
}

// destination reads a link's (url "title") from s[i:], just after the
// opening parenthesis, and returns the url and the index after the ).
func destination(s string, i int) (url string, end int, ok bool) {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	start := i
	if i < len(s) && s[i] == '<' {
		k := strings.IndexAny(s[i:], ">[")
		if k < 0 || s[i+k] == '[' {
			return "", 0, false
		}
		url, i = s[i+1:i+k], i+k+1
	} else {
		depth := 0
	scan:
		for ; i < len(s); i++ {
			switch s[i] {
			case ' ', '\t':
				break scan
			case '[':
				return "", 0, false
			case '(':
				depth++
			case ')':
				if depth == 0 {
					break scan
				}
				depth--
			}
		}
		url = s[start:i]
	}
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i < len(s) && (s[i] == '"' || s[i] == '\'') {
		k := strings.IndexAny(s[i+1:], string(s[i])+"[")
		if k < 0 || s[i+1+k] == '[' {
			return "", 0, false
		}
		i += k + 2
		for i < len(s) && s[i] == ' ' {
			i++
		}
	}
	if i >= len(s) || s[i] != ')' {
		return "", 0, false
	}
	return url, i + 1, true
}

// Plain turns inline Markdown into text: links and images become their
// text, emphasis and code markers and HTML tags go, entities are decoded
// and white space collapses (see Strip and Collapse).
//
// A line that is plain already (most are: names, topics) is returned after
// one look at each byte, as chapters and episode read thousands of them.
func Plain(s string) string {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '[', '<', '*', '`', '~', '&', '\\', '\t', '\n', '\v', '\f', '\r':
			return plain(s)
		case ' ':
			if i == 0 || i == len(s)-1 || s[i+1] == ' ' {
				return plain(s)
			}
		default:
			if c >= utf8.RuneSelf { // it may hold Unicode spaces
				return plain(s)
			}
		}
	}
	return s
}

func plain(s string) string {
	if strings.ContainsAny(s, "[<*`~&\\") {
		s = stripTags(Strip(s))
	}
	return Collapse(Unescape(s))
}

// Strip removes Markdown inline syntax and keeps HTML: links and images
// become their text, autolinks their URL, backslash escapes their
// character; the markers ` and ~~ go, and * where it pairs into emphasis (see
// emphasis). Underscores stay: in show notes
// they are more often part of a name (__init__, snake_case) than emphasis.
func Strip(s string) string {
	return strip(s, 0)
}

func strip(s string, depth int) string {
	if !strings.ContainsAny(s, "[<*`~\\") {
		return s
	}
	var links []Link
	if depth < 3 { // links in link texts, but not without end
		links = Links(nil, s)
	}
	var del []span
	if strings.IndexByte(s, '*') >= 0 {
		del = emphasis(s, links)
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case len(links) > 0 && links[0].Start == i:
			b.WriteString(strip(links[0].Text, depth+1))
			i = links[0].End
			links = links[1:]
		case c == '\\' && i+1 < len(s) && asciiPunct(s[i+1]):
			b.WriteByte(s[i+1])
			i += 2
		case c == '<':
			// An autolink has no space or <, so the scan stops there.
			if end := strings.IndexAny(s[i+1:], "<> \t") + 1; end > 0 && s[i+end] == '>' && autolink(s[i+1:i+end]) {
				b.WriteString(s[i+1 : i+end])
				i += end + 1
				continue
			}
			b.WriteByte(c)
			i++
		case c == '*':
			for len(del) > 0 && del[0].start < i { // inside an autolink, written whole
				del = del[1:]
			}
			if len(del) > 0 && del[0].start == i {
				i = del[0].end
				del = del[1:]
				continue
			}
			b.WriteByte(c)
			i++
		case c == '`':
			i++
		case c == '~' && i+1 < len(s) && s[i+1] == '~':
			i += 2
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// span is the byte range [start, end) of a line.
type span struct{ start, end int }

// emphasis returns the runs of * in s that open or close an emphasis, left
// to right, leaving out escaped ones and those inside links (a link's text
// is read on its own). As in CommonMark, a run opens when a non-space
// follows it and closes when one precedes it (punctuation beside it
// counts as space where the other side is a word, so "**a**." closes), and
// a closer pairs with the nearest open run before it. A run that pairs
// with none is text: "A* search", "5 * 3", "f*ck". Unlike CommonMark, the
// lengths of the two runs need not match: "**a*" is one emphasis.
//
// Every run is pushed once and popped at most once: linear time.
func emphasis(s string, links []Link) []span {
	var runs []span
	var pairs []bool // whether runs[k] pairs
	var open []int   // the runs that may still open, as indices in runs
	for i := 0; i < len(s); i++ {
		switch {
		case len(links) > 0 && links[0].Start == i:
			i = links[0].End - 1
			links = links[1:]
			continue
		case s[i] == '\\' && i+1 < len(s) && asciiPunct(s[i+1]):
			i++
			continue
		case s[i] != '*':
			continue
		}
		r := span{i, i + 1}
		for r.end < len(s) && s[r.end] == '*' {
			r.end++
		}
		i = r.end - 1
		before, after := ' ', ' ' // the edges of the line count as space
		if r.start > 0 {
			before, _ = utf8.DecodeLastRuneInString(s[:r.start])
		}
		if r.end < len(s) {
			after, _ = utf8.DecodeRuneInString(s[r.end:])
		}
		opens := !unicode.IsSpace(after) && (!punct(after) || unicode.IsSpace(before) || punct(before))
		closes := !unicode.IsSpace(before) && (!punct(before) || unicode.IsSpace(after) || punct(after))
		runs, pairs = append(runs, r), append(pairs, false)
		switch {
		case closes && len(open) > 0:
			pairs[open[len(open)-1]], pairs[len(runs)-1] = true, true
			open = open[:len(open)-1]
		case opens:
			open = append(open, len(runs)-1)
		}
	}
	n := 0
	for k, r := range runs {
		if pairs[k] {
			runs[n] = r
			n++
		}
	}
	return runs[:n]
}

// punct reports whether r is punctuation or a symbol, which CommonMark
// weighs on either side of an emphasis marker.
func punct(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiPunct(byte(r))
	}
	return unicode.IsPunct(r) || unicode.IsSymbol(r)
}

// asciiPunct reports whether c is ASCII punctuation, which a backslash
// escapes in Markdown.
func asciiPunct(c byte) bool {
	return c > ' ' && c < 0x7f && !(c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z')
}

// autolink reports whether the text between < and > is a URL or an email
// address, as in <https://go.dev>.
func autolink(s string) bool {
	if strings.ContainsAny(s, " <>") {
		return false
	}
	scheme, rest, ok := strings.Cut(s, ":")
	if ok && len(scheme) >= 2 && rest != "" {
		for i := 0; i < len(scheme); i++ {
			if c := scheme[i] | 0x20; (c < 'a' || c > 'z') && (i == 0 || !strings.ContainsRune("0123456789+.-", rune(scheme[i]))) {
				return false
			}
		}
		return true
	}
	return strings.Contains(s, "@") && strings.Contains(s, ".")
}

// stripTags removes HTML tags, keeping the text between them. The text
// of <script> and <style> stays too: where that matters (a summary), an
// HTML sanitiser does the job.
func stripTags(s string) string {
	if strings.IndexByte(s, '<') < 0 {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 || i+1 >= len(s) {
			b.WriteString(s)
			return b.String()
		}
		// A < that starts no tag is text. It is told apart before the
		// search for > (which then skips the whole tag), so that a line
		// of "<1<1<1…>" is not read once per <.
		if c := s[i+1]; !(c == '/' || c == '!' || c|0x20 >= 'a' && c|0x20 <= 'z') {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		end := strings.IndexByte(s[i:], '>')
		if end < 0 { // no tag closes after this: the rest is text
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		s = s[i+end+1:]
	}
}

// Collapse trims s and turns every run of white space into one space.
func Collapse(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' ') || c >= utf8.RuneSelf {
			clean = false // non-ASCII may hold Unicode spaces: the slow way
			break
		}
	}
	if clean {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// Unescape decodes HTML entities such as &amp;.
func Unescape(s string) string {
	if strings.IndexByte(s, '&') < 0 {
		return s
	}
	return html.UnescapeString(s)
}
