// Package episode reads one show-notes file: YAML front matter, then a
// Markdown body with sections (## Guests, ## Notes, ## Links, ## Prepared
// and Presented by) in any order. It returns an Episode whose fields keep
// the lines they came from, and every problem as a diagnostic at its line
// in the file, worded for the volunteers who write show notes.
//
// Only this package and internal/config import the YAML library.
package episode

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/castfeed/castfeed/internal/diag"
	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
)

// Episode is one show-notes file, read.
type Episode struct {
	Slug      string        // the file name without .md
	Number    int           // `episode`, else the number in the file name
	Season    int           // `season`
	Title     string        // plain text
	Date      time.Time     // the calendar date (UTC midnight), or the exact instant when the date had a time
	Clock     time.Duration // time of day from `time`, see HasClock
	HasClock  bool
	Duration  time.Duration
	Tags      []string
	Category  string
	YouTube   string // canonical https://www.youtube.com/watch?v=ID
	YouTubeID string
	Published bool // `published`; true when absent
	IsNext    bool // an upcoming episode
	Featured  bool

	GUID        string // override of the guid (else the slug)
	Audio       string // override of the enclosure URL
	AudioLength int64
	AudioType   string
	Image       string
	Explicit    *bool
	// AudioOffset is added to the video's times (notes, captions) to get
	// the audio file's: negative when the audio cuts the video's intro.
	AudioOffset    time.Duration
	HasAudioOffset bool

	Summary string // the intro paragraph(s), plain text
	HTML    string // the whole body as sanitised HTML
	Guests  []Person
	Hosts   []Person
	Notes   []Line // the lines of ## Notes, list markers removed
	Links   []Link

	exactDate bool
	lines     map[string]int // front-matter key → file line
}

// Person is a guest or a host.
type Person struct {
	Name string
	URL  string
	Line int
}

// Line is one line of the body.
type Line struct {
	Num  int
	Text string
}

// Link is an entry of ## Links.
type Link struct {
	Title string
	URL   string
	Line  int
}

// PubDate is when the episode goes out: its date at its own time of day,
// or at defaultClock, in loc. The day never shifts: 2020-03-14 with 20:00
// in Africa/Casablanca is 20:00 on the 14th there, whatever the server's
// zone. A date written with a time and zone is taken as it is.
func (e *Episode) PubDate(loc *time.Location, defaultClock time.Duration) time.Time {
	if e.exactDate {
		return e.Date
	}
	if loc == nil {
		loc = time.UTC
	}
	clock := defaultClock
	if e.HasClock {
		clock = e.Clock
	}
	y, m, d := e.Date.Date()
	return time.Date(y, m, d, int(clock/time.Hour), int(clock%time.Hour/time.Minute), 0, 0, loc)
}

// Line returns the file line of a front-matter key, or 1 (the opening
// ---) when the key is absent.
func (e *Episode) Line(key string) int {
	if n, ok := e.lines[key]; ok {
		return n
	}
	return 1
}

// Reader parses episode files. It holds the Markdown renderer and the HTML
// policy, which are costly to build; it is safe for concurrent use.
type Reader struct {
	md     goldmark.Markdown // renders raw HTML, for the policy to clean
	safe   goldmark.Markdown // drops raw HTML and dangerous link schemes
	policy *bluemonday.Policy
	strict *bluemonday.Policy
	noHTML bool
}

// WithoutHTML returns a Reader that leaves Episode.HTML empty, for checks
// that do not need it (lint): rendering is a third of the reading time.
func (r *Reader) WithoutHTML() *Reader {
	c := *r
	c.noHTML = true
	return &c
}

// NewReader returns a Reader.
func NewReader() *Reader {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(false)
	return &Reader{
		// Notes with raw HTML are rendered with it, then sanitised by the
		// policy: bluemonday drops <script> with its content, where
		// goldmark's safe mode would leave the script's text in the
		// notes. Notes without a "<" cannot hold HTML; goldmark's safe
		// mode renders them, and sanitising them would only cost time.
		md:     goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(gmhtml.WithUnsafe())),
		safe:   goldmark.New(goldmark.WithExtensions(extension.GFM)),
		policy: p,
		strict: bluemonday.StrictPolicy(),
	}
}

// Parse reads one file. name is how the file is named in diagnostics; its
// base name gives the slug and, by default, the episode number. ep is nil
// when the file cannot be published; then diags holds an error.
func (r *Reader) Parse(name string, data []byte) (*Episode, diag.List) {
	p := &parse{name: name}
	ep := p.run(r, data)
	if p.diags.HasErrors() {
		ep = nil
	}
	return ep, p.diags.InFile(name)
}

// parse is the state of reading one file.
type parse struct {
	name  string
	diags diag.List
}

func (p *parse) errorf(line int, hint, format string, args ...any) {
	p.diags = append(p.diags, diag.Errorf(line, hint, format, args...))
}

// reported tells whether an error was already given at line (a wrong
// type), so that a missing value is not reported twice.
func (p *parse) reported(line int) bool {
	return line > 1 && slices.ContainsFunc(p.diags, func(d diag.Diagnostic) bool { return d.Line == line && d.Severity == diag.Error })
}

func (p *parse) warnf(line int, hint, format string, args ...any) {
	p.diags = append(p.diags, diag.Warnf(line, hint, format, args...))
}

var bom = []byte("\xef\xbb\xbf")

func (p *parse) run(r *Reader, data []byte) *Episode {
	slug := strings.TrimSuffix(path.Base(strings.ReplaceAll(p.name, `\`, "/")), ".md")
	ep := &Episode{Slug: slug, Published: true, Number: numberIn(slug)}
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		p.errorf(1, "write the front matter (---, title:, date:, ---) and the notes, or delete the file", "the file is empty")
		return nil
	case bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data):
		p.errorf(1, "save it as UTF-8 text", "the file is not text (binary or not UTF-8)")
		return nil
	}
	data = bytes.TrimPrefix(data, bom)
	if bytes.IndexByte(data, '\r') >= 0 {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	}
	front, body, bodyLine, ok := p.split(data)
	if !ok {
		return nil
	}
	p.frontMatter(ep, front)
	if t, changed := r.plainTitle(ep.Title); changed {
		p.warnf(ep.Line("title"), "podcast apps show titles as plain text: remove the markup", "the title contains HTML markup, which is removed")
		ep.Title = t
		if t == "" {
			p.errorf(ep.Line("title"), `write a title in words`, "the title is empty once its markup is removed")
		}
	}
	p.body(r, ep, body, bodyLine)
	return ep
}

// split separates the front matter (between --- lines, the first being
// line 1) from the body. bodyLine is the file line of the body's first line.
func (p *parse) split(data []byte) (front, body []byte, bodyLine int, ok bool) {
	first, rest, _ := bytes.Cut(data, []byte("\n"))
	if string(bytes.TrimRight(first, " \t")) != "---" {
		p.errorf(1, "start the file with a line ---, then title:, date: … and another --- line", "no front matter: the first line is not ---")
		return nil, nil, 0, false
	}
	line := 2
	for off := 0; off <= len(rest); {
		end := bytes.IndexByte(rest[off:], '\n')
		var l []byte
		if end < 0 {
			l = rest[off:]
		} else {
			l = rest[off : off+end]
		}
		if t := string(bytes.TrimRight(l, " \t")); t == "---" || t == "..." {
			front = rest[:off]
			if end < 0 {
				// The file ends with the closing ---: the body is empty,
				// and messages about it point at that last line.
				return front, nil, line, true
			}
			return front, rest[off+end+1:], line + 1, true
		}
		if end < 0 {
			break
		}
		off += end + 1
		line++
	}
	p.errorf(1, "add a line --- after the last front-matter key", "the front matter is not closed")
	return nil, nil, 0, false
}

// Front-matter keys castfeed reads; others are reported.
var knownKeys = []string{
	"date", "time", "duration", "title", "tags", "category", "youtube", "published", "isNext", "featured",
	"guid", "audio", "audio_length", "audio_type", "image", "season", "episode", "explicit", "audio_offset",
	"description", "slug", "draft",
}

// frontMatter decodes the YAML header. It walks the syntax tree rather
// than unmarshalling, to know the line of every key and value.
func (p *parse) frontMatter(ep *Episode, front []byte) {
	const offset = 1 // the front matter's line 1 is the file's line 2
	ep.lines = map[string]int{}
	f, err := parser.ParseBytes(front, 0)
	if err != nil {
		line, msg := 1, err.Error()
		var ye yaml.Error
		if errors.As(err, &ye) && ye.GetToken() != nil {
			line, msg = ye.GetToken().Position.Line+offset, ye.GetMessage()
		}
		p.errorf(line, "fix the YAML: quote values that contain ': ' or start with [ { * & ! # |, and close every bracket and quote", "invalid front matter: %s", msg)
		return
	}
	var values []*ast.MappingValueNode
	for _, doc := range f.Docs {
		switch b := doc.Body.(type) {
		case nil:
		case *ast.MappingNode:
			values = append(values, b.Values...)
		case *ast.MappingValueNode:
			values = append(values, b)
		default:
			p.errorf(b.GetToken().Position.Line+offset, "write one key: value per line", "the front matter is not a list of keys")
			return
		}
	}
	fields := map[string]ast.Node{}
	for _, mv := range values {
		key := mv.Key.GetToken().Value
		line := mv.Key.GetToken().Position.Line + offset
		ep.lines[key] = line
		fields[key] = mv.Value
		if !contains(knownKeys, key) {
			hint := "remove it, or check its spelling"
			if s := suggest(key); s != "" {
				hint = fmt.Sprintf("did you mean %s?", s)
			}
			p.warnf(line, hint, "unknown front-matter key %q is ignored", key)
		}
	}
	v := values2{p: p, fields: fields, lines: ep.lines}

	if t, _ := v.str("title"); strings.TrimSpace(t) != "" {
		ep.Title = strings.Join(strings.Fields(t), " ")
	} else if !p.reported(v.line("title")) {
		p.errorf(v.line("title"), `add title: "…" to the front matter`, "the episode has no title")
	}
	p.date(ep, v)
	if s, ok := v.scalar("time"); ok && s != "" {
		if c, ok := parseClock(s); ok {
			ep.Clock, ep.HasClock = c, true
		} else {
			p.warnf(v.line("time"), "write it as 20:30 or 20h30; podcast.publish_time is used meanwhile", "time %q is not a time of day", s)
		}
	}
	if s, ok := v.scalar("duration"); ok && s != "" {
		d, err := parseDuration(s)
		switch {
		case err != nil:
			p.errorf(v.line("duration"), `write it as "1:02:40" (H:MM:SS), "58:10" or seconds`, "duration %q: %v", s, err)
		case d > 24*time.Hour:
			p.errorf(v.line("duration"), `write it as "1:02:40" (H:MM:SS)`, "duration %s is longer than a day", s)
		default:
			ep.Duration = d
		}
	} else if !p.reported(v.line("duration")) {
		p.warnf(v.line("duration"), `add duration: "1:02:40": apps show it, and chapters past the end are dropped by it`, "the episode has no duration")
	}
	ep.Tags = v.list("tags")
	ep.Category, _ = v.str("category")
	if s, ok := v.str("youtube"); ok && strings.TrimSpace(s) != "" {
		if id, ok := VideoID(s); ok {
			ep.YouTubeID, ep.YouTube = id, "https://www.youtube.com/watch?v="+id
		} else {
			p.warnf(v.line("youtube"), "give the video's link as YouTube's Share button does (https://youtu.be/…)", "youtube %q is not a link to a YouTube video", s)
		}
	}
	ep.Published = v.boolean("published", true)
	ep.IsNext = v.boolean("isNext", false)
	ep.Featured = v.boolean("featured", false)
	if v.has("explicit") {
		b := v.boolean("explicit", false)
		ep.Explicit = &b
	}
	ep.GUID, _ = v.str("guid")
	ep.GUID = strings.TrimSpace(ep.GUID)
	ep.Audio, _ = v.str("audio")
	ep.AudioType, _ = v.str("audio_type")
	ep.Image, _ = v.str("image")
	if n, ok := v.integer("audio_length"); ok {
		if n < 0 {
			p.errorf(v.line("audio_length"), "give the audio file's size in bytes", "audio_length %d is negative", n)
		} else {
			ep.AudioLength = n
		}
	}
	if n, ok := v.integer("season"); ok {
		if n < 0 || n > 10000 {
			p.errorf(v.line("season"), "give the season's number", "season %d is out of range", n)
		} else {
			ep.Season = int(n)
		}
	}
	if n, ok := v.integer("episode"); ok {
		if n < 0 || n > 1_000_000 {
			p.errorf(v.line("episode"), "give the episode's number", "episode %d is out of range", n)
		} else {
			ep.Number = int(n)
		}
	}
	if f, ok := v.number("audio_offset"); ok {
		if f < -3600 || f > 3600 {
			p.errorf(v.line("audio_offset"), "give the shift in seconds, e.g. -12.5 when the audio cuts 12.5 s of the video's intro", "audio_offset %g s is more than an hour", f)
		} else {
			ep.AudioOffset, ep.HasAudioOffset = time.Duration(f*float64(time.Second)), true
		}
	}
}

func (p *parse) date(ep *Episode, v values2) {
	s, ok := v.scalar("date")
	if !ok || strings.TrimSpace(s) == "" {
		if !p.reported(v.line("date")) {
			p.errorf(v.line("date"), "add date: YYYY-MM-DD to the front matter", "the episode has no date")
		}
		return
	}
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			ep.Date = t
			// A time without a zone is a time of day in the show's zone.
			if layout == time.RFC3339 {
				ep.exactDate = true
			} else {
				ep.Date = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
				ep.Clock = time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
				ep.HasClock = true
			}
			p.checkYear(ep, v)
			return
		}
	}
	for _, layout := range []string{"2006-01-02", "2006/01/02", "2006-1-2"} {
		if t, err := time.Parse(layout, s); err == nil {
			ep.Date = t
			p.checkYear(ep, v)
			return
		}
	}
	p.errorf(v.line("date"), "write it as YYYY-MM-DD, e.g. 2024-03-09", "date %q is not a date", s)
}

func (p *parse) checkYear(ep *Episode, v values2) {
	if y := ep.Date.Year(); y < 2000 || y > 2100 {
		p.errorf(v.line("date"), "check the year", "date %s is implausible for an episode", ep.Date.Format("2006-01-02"))
		ep.Date = time.Time{}
	}
}

// values2 reads typed values from the front matter, reporting wrong types
// at the value's line.
type values2 struct {
	p      *parse
	fields map[string]ast.Node
	lines  map[string]int
}

func (v values2) has(key string) bool { _, ok := v.fields[key]; return ok }

func (v values2) line(key string) int {
	if n, ok := v.lines[key]; ok {
		return n
	}
	return 1
}

// scalar returns a scalar value as text; false when absent, null or not a
// scalar (reported).
func (v values2) scalar(key string) (string, bool) {
	n, ok := v.fields[key]
	if !ok {
		return "", false
	}
	switch n := unwrap(n).(type) {
	case nil, *ast.NullNode:
		return "", false
	case *ast.StringNode:
		return n.Value, true
	case *ast.LiteralNode:
		return n.Value.Value, true
	case *ast.IntegerNode:
		return fmt.Sprint(n.Value), true
	case *ast.FloatNode:
		return strconv.FormatFloat(n.Value, 'f', -1, 64), true
	case *ast.BoolNode:
		return strconv.FormatBool(n.Value), true
	}
	v.p.errorf(v.line(key), "give a single value", "%s must be a single value, not a list or a mapping", key)
	return "", false
}

func (v values2) str(key string) (string, bool) { return v.scalar(key) }

func (v values2) boolean(key string, def bool) bool {
	s, ok := v.scalar(key)
	if !ok {
		return def
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "on", "explicit":
		return true
	case "false", "no", "off", "clean":
		return false
	}
	v.p.errorf(v.line(key), "write true or false", "%s: %q is not true or false", key, s)
	return def
}

func (v values2) integer(key string) (int64, bool) {
	s, ok := v.scalar(key)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		v.p.errorf(v.line(key), "write a whole number", "%s: %q is not a whole number", key, s)
		return 0, false
	}
	return n, true
}

func (v values2) number(key string) (float64, bool) {
	s, ok := v.scalar(key)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		v.p.errorf(v.line(key), "write a number of seconds, e.g. -12.5", "%s: %q is not a number", key, s)
		return 0, false
	}
	return f, true
}

// list reads a sequence, or a comma-separated string, of short texts.
func (v values2) list(key string) []string {
	n, ok := v.fields[key]
	if !ok {
		return nil
	}
	var items []string
	switch n := unwrap(n).(type) {
	case *ast.SequenceNode:
		for _, e := range n.Values {
			switch e := unwrap(e).(type) {
			case *ast.StringNode:
				items = append(items, e.Value)
			case *ast.IntegerNode:
				items = append(items, fmt.Sprint(e.Value))
			case *ast.FloatNode, *ast.BoolNode:
				items = append(items, e.String())
			case *ast.NullNode:
			default:
				v.p.warnf(v.line(key), "write tags as [a, b, c]", "%s: a nested value is ignored", key)
			}
		}
	case *ast.StringNode:
		items = strings.Split(n.Value, ",")
	case *ast.NullNode:
	default:
		v.p.warnf(v.line(key), "write tags as [a, b, c]", "%s is not a list and is ignored", key)
	}
	out := items[:0]
	for _, it := range items {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	return out
}

// unwrap looks through tags and anchors to the value.
func unwrap(n ast.Node) ast.Node {
	for {
		switch t := n.(type) {
		case *ast.TagNode:
			n = t.Value
		case *ast.AnchorNode:
			n = t.Value
		default:
			return n
		}
	}
}

var clockRE = regexp.MustCompile(`^(\d{1,2})(?:h:?|:|\.)?(\d{2})?(?:min|mn|m)?(am|pm)?$`)

// parseClock reads a time of day: 20:30, 20h30, 20h:10min, 20h, 8pm, 8:30 pm.
func parseClock(s string) (time.Duration, bool) {
	s = strings.ToLower(strings.Join(strings.Fields(s), ""))
	m := clockRE.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	h, _ := strconv.Atoi(m[1])
	min := 0
	if m[2] != "" {
		min, _ = strconv.Atoi(m[2])
	}
	switch m[3] {
	case "am", "pm":
		if h < 1 || h > 12 {
			return 0, false
		}
		h %= 12
		if m[3] == "pm" {
			h += 12
		}
	}
	if h > 23 || min > 59 {
		return 0, false
	}
	return time.Duration(h)*time.Hour + time.Duration(min)*time.Minute, true
}

// parseDuration reads H:MM:SS, HH:MM:SS, MM:SS, seconds, or a Go duration
// such as 1h30m.
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		if n < 0 {
			return 0, errors.New("it is negative")
		}
		if n > 1e7 {
			return 0, errors.New("it is far too long")
		}
		return time.Duration(n * float64(time.Second)), nil
	}
	parts := strings.Split(s, ":")
	if len(parts) == 2 || len(parts) == 3 {
		var total int64
		for i, p := range parts {
			n, err := strconv.ParseInt(p, 10, 64)
			if err != nil || n < 0 || p == "" || len(p) > 4 {
				return 0, errors.New("it is not H:MM:SS")
			}
			if i > 0 && n >= 60 {
				return 0, errors.New("minutes and seconds must be below 60")
			}
			total = total*60 + n
		}
		return time.Duration(total) * time.Second, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return d, nil
	}
	return 0, errors.New("it is not H:MM:SS")
}

var numberRE = regexp.MustCompile(`(\d+)\D*$`)

// numberIn returns the last number in a file name: episode-0042 → 42.
func numberIn(slug string) int {
	m := numberRE.FindStringSubmatch(slug)
	if m == nil {
		return 0
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n > 1_000_000 {
		return 0
	}
	return n
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

// suggest returns the known key closest to a misspelt one, if close.
func suggest(key string) string {
	best, bestD := "", 3
	for _, k := range knownKeys {
		if d := distance(strings.ToLower(key), strings.ToLower(k)); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// plainTitle strips HTML from a title, returning the text and whether
// markup was found.
func (r *Reader) plainTitle(t string) (string, bool) {
	if !strings.ContainsAny(t, "<>") {
		return t, false
	}
	clean := html.UnescapeString(r.strict.Sanitize(t))
	clean = strings.Join(strings.Fields(clean), " ")
	return clean, clean != t
}
