package episode

import (
	"bufio"
	"bytes"
	"fmt"
	"path"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"

	"github.com/castfeed/castfeed/diag"
	"github.com/castfeed/castfeed/internal/markdown"
)

// Reader parses episode files. It holds the Markdown renderer and the HTML
// policies, which are costly to build, so make one and share it: it is
// safe for concurrent use by many goroutines. The zero Reader is not
// usable; call NewReader.
type Reader struct {
	md     goldmark.Markdown  // renders raw HTML, for the policy to clean
	safe   goldmark.Markdown  // drops raw HTML and dangerous link schemes
	policy *bluemonday.Policy // for the body
	strict *bluemonday.Policy // for text that must end up plain
	noHTML bool               // leave Episode.HTML empty
	bufs   sync.Pool          // *bytes.Buffer, reused between Parse calls
	outs   sync.Pool          // *output, likewise
}

// WithoutHTML returns a Reader that leaves Episode.HTML empty, for checks
// that do not need it (lint): rendering and sanitising the HTML is most
// of the reading time. It shares r's renderer and policies.
func (r *Reader) WithoutHTML() *Reader {
	return &Reader{md: r.md, safe: r.safe, policy: r.policy, strict: r.strict, noHTML: true}
}

// NewReader returns a Reader.
//
// The body is rendered by goldmark with GitHub Flavored Markdown. Notes
// that hold raw HTML are rendered with it and then sanitised by
// bluemonday's UGC policy: bluemonday drops <script> with its content,
// where goldmark's safe mode would leave the script's text in the notes.
// Markdown links and images whose destination is not an absolute http(s)
// URL (or mailto:) are rendered as their text (see unlinkBroken).
// Notes without a "<" cannot hold HTML: goldmark's safe mode (which also
// drops javascript: and similar links) renders them, and sanitising them
// would only cost time.
func NewReader() *Reader {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(false)
	p.AllowRelativeURLs(false) // apps resolve them against nothing useful
	unlink := goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(unlinkBroken{}, 1000)))
	return &Reader{
		md:     goldmark.New(goldmark.WithExtensions(extension.GFM), unlink, goldmark.WithRendererOptions(gmhtml.WithUnsafe())),
		safe:   goldmark.New(goldmark.WithExtensions(extension.GFM), unlink),
		policy: p,
		strict: bluemonday.StrictPolicy(),
	}
}

// Parse reads one file. name is how the file is named in diagnostics; its
// base name gives the slug and, by default, the episode number.
//
// ep is nil when the file cannot be published, and then diags holds at
// least one Error. Otherwise diags holds only warnings: problems that
// were repaired or that lose something the volunteer may want. Every
// diagnostic names the file and a 1-based line of it, sorted by line.
func (r *Reader) Parse(name string, data []byte) (ep *Episode, diags diag.List) {
	p := &parse{r: r, name: name}
	ep = p.safeRun(data)
	if p.diags.HasErrors() {
		ep = nil
	}
	p.diags.Sort()
	return ep, p.diags
}

// parse is the state of reading one file.
type parse struct {
	r     *Reader
	name  string
	diags diag.List
	links []markdown.Link // scratch space for the links of one line
}

func (p *parse) errorf(line int, hint, format string, args ...any) {
	d := diag.NewError(line, hint, format, args...)
	d.File = p.name
	p.diags = append(p.diags, d)
}

func (p *parse) warnf(line int, hint, format string, args ...any) {
	d := diag.NewWarning(line, hint, format, args...)
	d.File = p.name
	p.diags = append(p.diags, d)
}

// safeRun is run with a panic (in castfeed or in a library, on input no
// test foresaw) turned into an error on the file: one file must never
// stop a build of the others.
func (p *parse) safeRun(data []byte) (ep *Episode) {
	defer func() {
		if v := recover(); v != nil {
			ep = nil
			p.errorf(1, "report this to castfeed's maintainers with the file", "castfeed failed on this file: %v", v)
		}
	}()
	return p.run(data)
}

// maxSize bounds the files Parse reads. Real show notes are a few KB;
// the bound keeps one mistaken file (or a hostile one: goldmark's time
// grows faster than the input on long runs of emphasis) from stalling a
// build.
const maxSize = 256 << 10

func (p *parse) run(data []byte) *Episode {
	slug := strings.TrimSuffix(path.Base(strings.ReplaceAll(p.name, `\`, "/")), ".md")
	if len(data) > maxSize {
		p.errorf(1, "show notes are a few kilobytes: check that this is the right file, and keep transcripts in their own files", "the file is %d KB, more than the %d KB castfeed reads", len(data)>>10, maxSize>>10)
		return nil
	}
	if !p.text(data) {
		return nil
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		p.errorf(1, "write the front matter (---, title:, date:, ---) and the notes, or delete the file", "the file is empty")
		return nil
	}
	src := normalise(data)
	front, body, bodyLine, ok := p.split(src)
	if !ok {
		return nil
	}
	ep := &Episode{Slug: slug, Source: src, Number: numberIn(slug), Published: true}
	fields, ok := p.fields(front)
	if !ok {
		return nil
	}
	p.convert(ep, fields, front)
	p.body(ep, body, bodyLine)
	return ep
}

// text reports (as an error) a file that is not UTF-8 text, at the line
// of the first offending byte.
func (p *parse) text(data []byte) bool {
	const hint = "save the file as UTF-8 text (in most editors: Save with Encoding → UTF-8)"
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		p.errorf(1, hint, "the file is UTF-16 text, which castfeed does not read")
		return false
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		p.errorf(lineAt(data, i), "show notes are plain text: check that this is the right file, or "+hint, "the file contains NUL bytes: it is binary, not text")
		return false
	}
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		p.errorf(lineAt(data, i), hint, "the file is not valid UTF-8 text (byte 0x%02X on this line)", data[i])
		return false
	}
	return true
}

// lineAt is the 1-based line of byte offset i, counting the line breaks
// that normalise recognises.
func lineAt(data []byte, i int) int {
	n := 1
	for j, c := range data[:i] {
		if c == '\n' || c == '\r' && (j+1 >= len(data) || data[j+1] != '\n') {
			n++
		}
	}
	return n
}

// normalise returns data as a string with \n line breaks: Windows (\r\n)
// and old Mac (\r) endings are converted, so that line numbers are those
// an editor shows.
func normalise(data []byte) string {
	if bytes.IndexByte(data, '\r') < 0 {
		return string(data)
	}
	var b strings.Builder
	b.Grow(len(data))
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == '\r' {
			if i+1 < len(data) && data[i+1] == '\n' {
				continue
			}
			c = '\n'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// split separates the front matter (between --- lines, the first being
// line 1) from the body. bodyLine is the file line of the body's first
// line.
func (p *parse) split(src string) (front, body string, bodyLine int, ok bool) {
	first, rest, _ := strings.Cut(src, "\n")
	switch strings.TrimRight(first, " \t") {
	case "---":
	case "+++":
		p.errorf(1, "castfeed reads YAML front matter: put the keys between two --- lines, written as key: value", "the front matter is TOML (+++), not YAML")
		return "", "", 0, false
	default:
		hint := "start the file with a line ---, then title:, date: … and another --- line"
		if strings.TrimSpace(first) == "" || strings.TrimSpace(first) == "---" {
			hint = "the very first line must be --- on its own: remove what comes before it"
		}
		p.errorf(1, hint, "the file has no front matter: its first line is not ---")
		return "", "", 0, false
	}
	line := 2
	for off := 0; off <= len(rest); line++ {
		end := strings.IndexByte(rest[off:], '\n')
		l := rest[off:]
		if end >= 0 {
			l = rest[off : off+end]
		}
		if t := strings.TrimRight(l, " \t"); t == "---" || t == "..." {
			if end < 0 || off+end+1 == len(rest) {
				// The file ends with the closing ---: the body is empty,
				// and messages about it point at that last line.
				return rest[:off], "", line, true
			}
			return rest[:off], rest[off+end+1:], line + 1, true
		}
		if end < 0 {
			break
		}
		off += end + 1
	}
	p.errorf(1, "add a line --- after the last front-matter key (title:, date:, …), before the notes", "the front matter that starts here is never closed with a --- line")
	return "", "", 0, false
}

// plainTitle strips HTML from a title, returning the text and whether
// markup was found.
func (r *Reader) plainTitle(t string) (string, bool) {
	if !strings.ContainsAny(t, "<>") {
		return t, false
	}
	clean := markdown.Collapse(markdown.Unescape(r.strict.Sanitize(t)))
	return clean, clean != t
}

func (r *Reader) buffer() *bytes.Buffer {
	if b, ok := r.bufs.Get().(*bytes.Buffer); ok {
		b.Reset()
		return b
	}
	return new(bytes.Buffer)
}

func (r *Reader) release(b *bytes.Buffer) {
	if b.Cap() <= 1<<20 { // a huge file's buffer is not kept
		r.bufs.Put(b)
	}
}

// output is where goldmark renders: a buffer behind a bufio.Writer
// (goldmark's util.BufWriter), which goldmark would otherwise allocate
// for every file.
type output struct {
	bytes.Buffer
	w *bufio.Writer
}

func (r *Reader) output() *output {
	o, ok := r.outs.Get().(*output)
	if !ok {
		o = &output{}
		o.w = bufio.NewWriter(&o.Buffer)
	}
	o.Reset()
	return o
}

// render turns Markdown into sanitised HTML.
func (r *Reader) render(md []byte) (string, error) {
	out := r.output()
	defer func() {
		if out.Cap() <= 1<<20 { // a huge file's buffer is not kept
			r.outs.Put(out)
		}
	}()
	convert := r.md.Convert
	if bytes.IndexByte(md, '<') < 0 {
		convert = r.safe.Convert
	}
	err := convert(md, out.w)
	if ferr := out.w.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		out.w.Reset(&out.Buffer) // drop what a failed render left
		return "", fmt.Errorf("render markdown: %w", err)
	}
	if bytes.IndexByte(md, '<') < 0 {
		return out.String(), nil
	}
	var b strings.Builder
	b.Grow(out.Len() + out.Len()/4)
	if err := r.policy.SanitizeReaderToWriter(&out.Buffer, &b); err != nil {
		return "", fmt.Errorf("sanitise html: %w", err)
	}
	return b.String(), nil
}
