// Links: the destinations of the notes' Markdown links, checked, because a
// podcast app that has downloaded a broken link keeps it.
package episode

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"github.com/castfeed/castfeed/internal/markdown"
)

// linkProblem says what is wrong with a link's destination, and how to fix
// it, or returns "" for an absolute http(s) URL (and, where mail is
// allowed, a mailto: address). Podcasting 2.0 requires a URL in
// podcast:person's href, and apps resolve a relative link in the notes
// against nothing useful.
func linkProblem(dest string, mail bool) (problem, hint string) {
	d := strings.TrimSpace(dest)
	if plainHTTP(d) {
		return "", ""
	}
	if u, err := url.Parse(d); err == nil {
		switch strings.ToLower(u.Scheme) {
		case "http", "https":
			if u.Host != "" {
				return "", ""
			}
		case "mailto":
			if mail && u.Opaque != "" {
				return "", ""
			}
		}
	}
	const full = "give the full address, starting with https://, or write the text without a link"
	switch {
	case d == "" || d == "#" || strings.HasPrefix(d, "#"):
		return fmt.Sprintf("the link %q goes nowhere", dest), full
	case domainRE.MatchString(d) && !fileRE.MatchString(d):
		host, rest, _ := strings.Cut(d, "/")
		fixed := "https://" + strings.ToLower(host)
		if rest != "" || strings.HasSuffix(d, "/") {
			fixed += "/" + rest
		}
		return fmt.Sprintf("the link %q has no https://, so apps read it as a file of the feed's site", dest), "write " + fixed
	case schemeRE.MatchString(d):
		scheme, _, _ := strings.Cut(d, ":")
		return fmt.Sprintf("the link %q is a %s: link, which podcast apps do not open", dest, strings.ToLower(scheme)), full
	}
	return fmt.Sprintf("the link %q is not an absolute address", dest), full
}

// plainHTTP reports, without url.Parse (a tenth of reading a file, for
// the few links each one has), whether d is an http(s) URL that
// url.Parse accepts with a host: a lower-case scheme, a host of letters,
// digits, dots and hyphens with maybe a port, then only characters a URL
// may hold as they are, and whole %XX escapes. Anything else takes the
// long way; FuzzPlainHTTP holds the two to agree.
func plainHTTP(d string) bool {
	rest, ok := strings.CutPrefix(d, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(d, "http://"); !ok {
			return false
		}
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	host, port, hasPort := strings.Cut(rest[:end], ":")
	if host == "" || hasPort && port == "" {
		return false
	}
	for i := 0; i < len(host); i++ {
		if c := host[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return false
		}
	}
	tail := rest[end:]
	for i := 0; i < len(tail); i++ {
		c := tail[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("-._~/?#@!$&'()*+,;=:", c) >= 0:
		case c == '%' && i+2 < len(tail) && isHex(tail[i+1]) && isHex(tail[i+2]):
			i += 2
		default:
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

var (
	// domainRE matches what volunteers paste without a scheme:
	// linkedin.com/in/x, Www.figma.com, github.com:443/x.
	domainRE = regexp.MustCompile(`^(?i:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?::[0-9]+)?(?:[/?#].*)?$`)
	// fileRE matches file names that domainRE would take for domains.
	fileRE   = regexp.MustCompile(`(?i)^[^/?#]*\.(png|jpe?g|gif|svg|webp|html?|md|pdf|mp3|m4a|txt)$`)
	schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)
)

// checkLinks reports the broken links of one body line and returns the
// line with them replaced by their text, so that the chapters made from
// a note never carry them. Images are checked too, but stay (the HTML
// drops their broken source, see unlinkBroken). mail says whether a
// mailto: link is fine: in the notes, not as a person's page.
func (p *parse) checkLinks(line string, num int, mail bool) string {
	if strings.IndexByte(line, '[') < 0 {
		return line
	}
	p.links = markdown.Links(p.links[:0], line)
	var b strings.Builder
	from := 0
	for _, l := range p.links {
		problem, hint := linkProblem(l.URL, mail && !l.Image)
		if problem == "" {
			continue
		}
		what := "it is shown as text"
		if l.Image {
			what = "the image is left out"
		}
		p.warnf(num, hint, "%s; %s", problem, what)
		if l.Image {
			continue
		}
		b.WriteString(line[from:l.Start])
		b.WriteString(l.Text)
		from = l.End
	}
	if from == 0 {
		return line
	}
	b.WriteString(line[from:])
	return b.String()
}

// unlinkBroken is a goldmark transformer that replaces every link whose
// destination linkProblem rejects by its text, and every such image by
// its alternative text, so the notes keep the words without the broken
// link.
type unlinkBroken struct{}

func (unlinkBroken) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	var bad []ast.Node
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch l := n.(type) {
		case *ast.Link:
			if problem, _ := linkProblem(string(l.Destination), true); problem != "" {
				bad = append(bad, n)
			}
		case *ast.Image:
			if problem, _ := linkProblem(string(l.Destination), false); problem != "" {
				bad = append(bad, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range bad {
		parent := n.Parent()
		for c := n.FirstChild(); c != nil; {
			next := c.NextSibling()
			parent.InsertBefore(parent, n, c)
			c = next
		}
		parent.RemoveChild(parent, n)
	}
}
