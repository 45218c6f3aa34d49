package site

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Show is the podcast as its pages present it.
type Show struct {
	Title, Description string
	// Language is a BCP 47 tag; the pages' lang unless an episode has
	// its own.
	Language string
	// BaseURL is where the output folder is served, without a trailing
	// slash. Absolute URLs (canonical, Open Graph) start with it; links
	// between pages and to the assets are relative, so the pages also
	// work from another host or path.
	BaseURL           string
	FeedURL           string // the RSS feed, absolute
	Image             string // absolute URL of the cover; "" for none
	Author, Copyright string
	// Link is the show's own website besides these pages, if any.
	Link string
	// Hosts are listed on the show's pages; when empty, they are the
	// people who host the most episodes (up to six).
	Hosts     []Person
	Subscribe Directories
}

// Directories are the show's pages in podcast directories and apps. One
// left empty gets no button.
type Directories struct {
	ApplePodcasts, Spotify, PocketCasts, Overcast, AntennaPod, YouTube string
}

// Person is a host or a guest; URL may be empty.
type Person struct{ Name, URL string }

// Chapter is a chapter of an episode's audio.
type Chapter struct {
	Start time.Duration
	Title string
	URL   string // optional link of the chapter
}

// Cue is a piece of the transcript, timed against the audio.
type Cue struct {
	Start, End time.Duration
	Speaker    string // "" when the captions do not say
	Text       string
}

// Download is a file offered for download, such as a transcript.
type Download struct {
	Label string // e.g. "Transcript (WebVTT)"
	URL   string
	Type  string // media type
}

// Episode is one episode's page.
type Episode struct {
	Slug, Title string
	Language    string // BCP 47; "" for the show's
	PubDate     time.Time
	Duration    time.Duration
	Summary     string // plain text
	// NotesHTML is the show notes as sanitised HTML, inserted as it is:
	// whoever fills it vouches that it is safe.
	NotesHTML string
	Image     string // absolute URL; "" for the show's cover
	AudioURL  string
	AudioType string
	Chapters  []Chapter
	Cues      []Cue
	Guests    []Person
	Hosts     []Person
	YouTube   string // the video's URL, shown as a plain link
	Downloads []Download
}

// Entry is an episode as the show's pages list it; Site.Entry makes it.
type Entry struct {
	Slug    string
	PubDate time.Time
	Hosts   []Person // for the show's hosts (see Show.Hosts)
	// Item is the episode's item in the list of the pages under page/,
	// rendered once, when the episode is, rather than all at once in
	// ShowPages; First is the same for index.html, whose links start
	// elsewhere.
	Item, First template.HTML
}

// entryView is what the "entry" template shows of an episode.
type entryView struct {
	Root, Slug, Title string
	Lang, Dir         string // only when not the show's
	Date              dateView
	Duration          *timeView
	Summary           string
	Guests            template.HTML
}

// Entry renders how the show's pages list ep.
func (s *Site) Entry(ep *Episode) (Entry, error) {
	v := entryView{Slug: ep.Slug, Title: ep.Title, Summary: ep.Summary, Date: newDateView(ep.PubDate)}
	if ep.Language != "" && ep.Language != s.show.Language {
		v.Lang, v.Dir = ep.Language, dir(ep.Language)
	}
	if ep.Duration > 0 {
		d := newTimeView(ep.Duration)
		v.Duration = &d
	}
	e := Entry{Slug: ep.Slug, PubDate: ep.PubDate, Hosts: ep.Hosts}
	var err error
	if len(ep.Guests) > 0 {
		if v.Guests, err = s.fragment("people", ep.Guests); err != nil {
			return Entry{}, err
		}
	}
	if e.First, err = s.fragment("entry", v); err != nil {
		return Entry{}, err
	}
	v.Root = "../../"
	if e.Item, err = s.fragment("entry", v); err != nil {
		return Entry{}, err
	}
	return e, nil
}

// File is one file of the site; Name is slash-separated and relative to
// the output folder.
type File struct {
	Name string
	Data []byte
}

// PerPage is how many episodes one page of the show lists.
const PerPage = 50

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets/site.css
var css []byte

//go:embed assets/site.js
var js []byte

// Site writes the pages of one show. It is safe for concurrent use: the
// pipeline writes episode pages on every core.
type Site struct {
	show    Show
	tmpl    *template.Template
	css, js File
	foot    template.HTML // the same on every page
	// links and script are the head's links and script, the same on
	// every page at one depth, by the page's Root.
	links, script map[string]template.HTML
}

// New parses the templates and fingerprints the assets of show's site.
func New(show Show) (*Site, error) {
	show.BaseURL = strings.TrimSuffix(show.BaseURL, "/")
	t, err := template.New("").Funcs(template.FuncMap{
		"clock":   clock,
		"seconds": seconds,
		"iso":     isoDuration,
		"date":    func(t time.Time) string { return t.Format("2 January 2006") },
		"isodate": func(t time.Time) string { return t.Format("2006-01-02") },
		"dir":     dir,
		// sanitised marks the show notes, made safe by the episode
		// package, as HTML to insert as it is.
		"sanitised": func(s string) template.HTML { return template.HTML(s) },
	}).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("site templates: %w", err)
	}
	s := &Site{show: show, tmpl: t, css: fingerprint("assets/site", ".css", css), js: fingerprint("assets/site", ".js", js)}
	if s.foot, err = s.fragment("foot", &s.show); err != nil {
		return nil, err
	}
	s.links, s.script = map[string]template.HTML{}, map[string]template.HTML{}
	for _, root := range []string{"", "../../"} {
		p := &page{Show: &s.show, CSS: root + s.css.Name, JS: root + s.js.Name}
		if s.links[root], err = s.fragment("links", p); err != nil {
			return nil, err
		}
		if s.script[root], err = s.fragment("script", p); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// fingerprint names an asset after its content: a new version is a new
// URL, so hosts and browsers may keep the old one cached forever.
func fingerprint(base, ext string, data []byte) File {
	sum := sha256.Sum256(data)
	return File{Name: base + "." + hex.EncodeToString(sum[:5]) + ext, Data: data}
}

// Assets returns the stylesheet and the script that every page links.
func (s *Site) Assets() []File { return []File{s.css, s.js} }

// page is what a template is executed with.
type page struct {
	Root        string // the output folder relative to the page: "" or "../../"
	Lang, Dir   string
	Title       string // of the document
	Description string
	URL         string // canonical, absolute
	Image       string
	OGType      string
	CSS, JS     string
	Show        *Show
	Subscribe   []button
	Episode     *Episode
	Listing     []template.HTML // the episodes of a page of the show
	Number      int             // of this page of the show, from 1
	Prev, Next  string

	// An episode's parts, each rendered once for its page and its embed:
	// html/template costs a reflective call per action, and a large
	// show has tens of thousands of pages.
	Links, Script      template.HTML
	Head, Foot, Player template.HTML
	Chapters, Cues     template.HTML
	Guests, Hosts      template.HTML
	Date               dateView
	Duration           *timeView
}

// timeView is a time in the audio as the pages write it.
type timeView struct{ Seconds, ISO, Clock string }

func newTimeView(d time.Duration) timeView {
	return timeView{Seconds: seconds(d), ISO: isoDuration(d), Clock: clock(d)}
}

type dateView struct{ ISO, Text string }

func newDateView(t time.Time) dateView {
	return dateView{ISO: t.Format("2006-01-02"), Text: t.Format("2 January 2006")}
}

// chapterView is a chapter ready for the template. Lead is the opening
// of the item up to the title: markup and times of our own making
// (digits, ':' and '.'), written here rather than through five template
// actions each. The title and URL, from outside, go through html/template.
type chapterView struct {
	Lead       template.HTML
	Title, URL string
}

// cueList writes a transcript's cues as paragraphs. A transcript has
// thousands of cues, each a few template actions, each a reflective
// call: so the list is written here, its text (the speaker and the
// words, from outside, always in element content) escaped by
// html/template's own HTMLEscapeString, and inserted by the "cues"
// template.
func cueList(cues []Cue) template.HTML {
	var b strings.Builder
	b.Grow(len(cues) * 160)
	for _, c := range cues {
		b.WriteString("\n")
		writeLead(&b, "p", c.Start, seconds(c.End))
		b.WriteString(" ")
		if c.Speaker != "" {
			b.WriteString(`<b class="speaker" dir="auto">`)
			template.HTMLEscape(&b, []byte(c.Speaker))
			b.WriteString(":</b> ")
		}
		b.WriteString(`<span dir="auto">`)
		template.HTMLEscape(&b, []byte(c.Text))
		b.WriteString("</span></p>")
	}
	return template.HTML(b.String())
}

// lead opens a chapter's <li> or a cue's <p> with the link that seeks to
// start: <li data-start="390"><a href="#t=390"><time …>6:30</time>.
// A cue's link closes there; a chapter's goes on around its title.
func lead(b *strings.Builder, element string, start time.Duration, end string) template.HTML {
	b.Reset()
	writeLead(b, element, start, end)
	return template.HTML(b.String())
}

func writeLead(b *strings.Builder, element string, start time.Duration, end string) {
	secs := seconds(start)
	for _, s := range []string{"<", element, ` data-start="`, secs, `"`} {
		b.WriteString(s)
	}
	if end != "" {
		for _, s := range []string{` data-end="`, end, `"`} {
			b.WriteString(s)
		}
	}
	for _, s := range []string{`><a href="#t=`, secs, `"><time datetime="PT`, secs, `S" dir="ltr">`, clock(start), "</time>"} {
		b.WriteString(s)
	}
	if element == "p" {
		b.WriteString("</a>")
	}
}

type button struct{ Name, URL string }

// buttons lists the directories that have a URL, in a fixed order.
func (s *Show) buttons() []button {
	d := s.Subscribe
	var out []button
	for _, b := range []button{
		{"Apple Podcasts", d.ApplePodcasts}, {"Spotify", d.Spotify}, {"Pocket Casts", d.PocketCasts},
		{"Overcast", d.Overcast}, {"AntennaPod", d.AntennaPod}, {"YouTube", d.YouTube},
	} {
		if b.URL != "" {
			out = append(out, b)
		}
	}
	return out
}

func (s *Site) newPage(root, rel string) *page {
	return &page{Root: root, Lang: s.show.Language, Dir: dir(s.show.Language), URL: s.show.BaseURL + "/" + rel,
		Image: s.show.Image, OGType: "website", Description: excerpt(s.show.Description),
		CSS: root + s.css.Name, JS: root + s.js.Name, Show: &s.show, Links: s.links[root], Script: s.script[root]}
}

// EpisodePages returns ep's page and its compact player for iframes.
func (s *Site) EpisodePages(ep *Episode) ([]File, error) {
	dirName := "episodes/" + ep.Slug + "/"
	p := s.newPage("../../", dirName+"index.html")
	if ep.Language != "" {
		p.Lang, p.Dir = ep.Language, dir(ep.Language)
	}
	p.Title = ep.Title + " · " + s.show.Title
	if ep.Summary != "" {
		p.Description = excerpt(ep.Summary)
	}
	if ep.Image != "" {
		p.Image = ep.Image
	}
	p.OGType = "music.song"
	p.Episode = ep
	p.Foot = s.foot
	p.Date = newDateView(ep.PubDate)
	if ep.Duration > 0 {
		d := newTimeView(ep.Duration)
		p.Duration = &d
	}
	var b strings.Builder
	chapters := make([]chapterView, len(ep.Chapters))
	for i, c := range ep.Chapters {
		chapters[i] = chapterView{Lead: lead(&b, "li", c.Start, ""), Title: c.Title, URL: c.URL}
	}
	var err error
	for _, f := range []struct {
		html *template.HTML
		name string
		data any
		skip bool
	}{
		{&p.Head, "head", p, false},
		{&p.Player, "player", ep, false},
		{&p.Chapters, "chapters", chapters, len(chapters) == 0},
		{&p.Cues, "cues", cueList(ep.Cues), len(ep.Cues) == 0},
		{&p.Guests, "people", ep.Guests, len(ep.Guests) == 0},
		{&p.Hosts, "people", ep.Hosts, len(ep.Hosts) == 0},
	} {
		if f.skip {
			continue
		}
		if *f.html, err = s.fragment(f.name, f.data); err != nil {
			return nil, fmt.Errorf("episode %s: %w", ep.Slug, err)
		}
	}
	var out []File
	for _, f := range []struct{ name, tmpl string }{{"index.html", "episode.html"}, {"embed.html", "embed.html"}} {
		data, err := s.execute(f.tmpl, p)
		if err != nil {
			return nil, fmt.Errorf("episode %s: %w", ep.Slug, err)
		}
		out = append(out, File{Name: dirName + f.name, Data: data})
	}
	return out, nil
}

// ShowPages returns the show's pages: index.html with the newest PerPage
// episodes, then page/2/index.html and on. Entries may come in any order;
// they are listed newest first, equal dates by slug.
func (s *Site) ShowPages(entries []Entry) ([]File, error) {
	entries = slices.Clone(entries)
	slices.SortStableFunc(entries, func(a, b Entry) int {
		return cmp.Or(b.PubDate.Compare(a.PubDate), strings.Compare(a.Slug, b.Slug))
	})
	pages := max(1, (len(entries)+PerPage-1)/PerPage)
	name := func(n int) string {
		if n == 1 {
			return "index.html"
		}
		return "page/" + strconv.Itoa(n) + "/index.html"
	}
	show := s.show
	if len(show.Hosts) == 0 {
		show.Hosts = mostHosts(entries, 6)
	}
	out := make([]File, 0, pages)
	for n := 1; n <= pages; n++ {
		root := ""
		if n > 1 {
			root = "../../"
		}
		p := s.newPage(root, name(n))
		p.Show = &show
		p.Title = s.show.Title
		if n > 1 {
			p.Title = fmt.Sprintf("%s · page %d of %d", s.show.Title, n, pages)
		}
		p.Subscribe = s.show.buttons()
		for _, e := range entries[(n-1)*PerPage : min(n*PerPage, len(entries))] {
			item := e.Item
			if n == 1 {
				item = e.First
			}
			p.Listing = append(p.Listing, item)
		}
		p.Number = n
		p.Foot = s.foot
		// Links name index.html: object storage serves no folder.
		if n > 1 {
			p.Prev = root + name(n-1)
		}
		if n < pages {
			p.Next = root + name(n+1)
		}
		data, err := s.execute("index.html", p)
		if err != nil {
			return nil, err
		}
		out = append(out, File{Name: name(n), Data: data})
	}
	return out, nil
}

// mostHosts returns the n people who host the most entries, most first,
// equal counts by name.
func mostHosts(entries []Entry, n int) []Person {
	counts := map[string]int{}
	var people []Person
	for _, e := range entries {
		for _, h := range e.Hosts {
			if counts[h.Name] == 0 {
				people = append(people, h)
			}
			counts[h.Name]++
		}
	}
	slices.SortStableFunc(people, func(a, b Person) int {
		return cmp.Or(counts[b.Name]-counts[a.Name], strings.Compare(a.Name, b.Name))
	})
	return people[:min(n, len(people))]
}

// fragment renders a part of a page, to be inserted as it is.
func (s *Site) fragment(name string, data any) (template.HTML, error) {
	var b strings.Builder
	if err := s.tmpl.ExecuteTemplate(&b, name, data); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

func (s *Site) execute(name string, p *page) ([]byte, error) {
	var b bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&b, name, p); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// clock is a time in the audio as people read it: 4:05, 1:02:40.
func clock(d time.Duration) string {
	s := int64(max(d, 0) / time.Second)
	two := func(b []byte, n int64) []byte { return append(b, byte('0'+n/10), byte('0'+n%10)) }
	var b []byte
	if s >= 3600 {
		b = two(append(strconv.AppendInt(make([]byte, 0, 10), s/3600, 10), ':'), s/60%60)
	} else {
		b = strconv.AppendInt(make([]byte, 0, 10), s/60, 10)
	}
	return string(two(append(b, ':'), s%60))
}

// seconds is a time in the audio as #t= and the script read it: whole
// seconds, or milliseconds when there are any ("12.5").
func seconds(d time.Duration) string {
	ms := max(d, 0).Milliseconds()
	b := strconv.AppendInt(make([]byte, 0, 16), ms/1000, 10)
	if f := ms % 1000; f != 0 {
		b = append(b, '.', byte('0'+f/100), byte('0'+f/10%10), byte('0'+f%10))
		for b[len(b)-1] == '0' {
			b = b[:len(b)-1]
		}
	}
	return string(b)
}

// isoDuration is a duration as <time datetime> wants it.
func isoDuration(d time.Duration) string { return "PT" + seconds(d) + "S" }

// rtlLanguages are the languages written right to left, by primary subtag.
var rtlLanguages = []string{"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "syr", "ug", "ur", "yi"}

// dir is the writing direction of a BCP 47 language tag: its script
// subtag when it has one (ku-Arab), else its language.
func dir(lang string) string {
	parts := strings.Split(strings.ToLower(lang), "-")
	for _, p := range parts[1:] {
		if len(p) == 4 {
			if p == "arab" || p == "hebr" || p == "syrc" || p == "thaa" || p == "nkoo" {
				return "rtl"
			}
			return "ltr"
		}
	}
	if slices.Contains(rtlLanguages, parts[0]) {
		return "rtl"
	}
	return "ltr"
}

// excerpt shortens a description for meta tags, at a space.
func excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const n = 200
	if len(s) <= n {
		return s
	}
	cut := s[:n]
	if i := strings.LastIndexByte(cut, ' '); i > 0 {
		cut = cut[:i]
	} else {
		cut = strings.ToValidUTF8(cut, "") // cut inside a character
	}
	return cut + "…"
}
