// Inline Markdown: links, emphasis, tags and entities inside one line,
// turned into text or found for the people and links sections.
package episode

import "strings"

// mdLink is a Markdown link or image found in a line.
type mdLink struct {
	start, end int // byte range of the whole link in the line
	text, url  string
	image      bool
}

// findLinks appends to dst the inline links [text](url) and images ![alt](url)
// of s, left to right. Brackets nest in the text; the url may be in <>,
// have balanced parentheses, and be followed by a "title".
//
// It takes time linear in len(s), whatever s holds: brackets are matched
// in one pass, and a url ends at the next [, so no byte is read twice.
func findLinks(dst []mdLink, s string) []mdLink {
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
		l := mdLink{start: i, end: end, text: s[i+1 : close], url: url}
		if i > 0 && s[i-1] == '!' {
			l.start, l.image = i-1, true
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

// plain turns inline Markdown into text: links become their text,
// emphasis and code markers and HTML tags go, entities are decoded and
// white space collapses.
func plain(s string) string {
	if strings.ContainsAny(s, "[<*`~&\\") {
		s = stripTags(inline(s))
	}
	return collapse(unescape(s))
}

// inline removes Markdown inline syntax: links and images become their
// text, autolinks their URL, backslash escapes their character; the
// markers * ` and ~~ go. Underscores stay: they are more often part of a
// name than emphasis.
func inline(s string) string {
	return inlineDepth(s, 0)
}

func inlineDepth(s string, depth int) string {
	if !strings.ContainsAny(s, "[<*`~\\") {
		return s
	}
	var links []mdLink
	if depth < 3 { // links in link texts, but not without end
		links = findLinks(nil, s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case len(links) > 0 && links[0].start == i:
			b.WriteString(inlineDepth(links[0].text, depth+1))
			i = links[0].end
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
		case c == '*' || c == '`':
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

// stripTags removes HTML tags, keeping the text between them. Use
// Reader.summary where the content of <script> must go too.
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
		c := s[i+1]
		end := strings.IndexByte(s[i:], '>')
		if end < 0 { // no tag closes after this: the rest is text
			b.WriteString(s)
			return b.String()
		}
		if !(c == '/' || c == '!' || c|0x20 >= 'a' && c|0x20 <= 'z') {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		b.WriteString(s[:i])
		s = s[i+end+1:]
	}
}
