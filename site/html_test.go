package site

import (
	"bytes"
	"html/template"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// xss are inputs that try to leave their context: the element, the
// attribute, the URL.
var xss = []string{
	"", "plain", "C++ & Go", `<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, `' onmouseover='alert(1)`,
	"javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html,<b>x</b>", "vbscript:x",
	"https://example.org/a b?c=d&e=f#g", "mailto:a@example.org", "//evil.example.org", "/x:y", "a/b:c", "%2e%2e/%zz",
	"\x00nul", "\xff\xfe bad UTF-8", "ما وراء النص", "</title><script>x</script>", "&amp; &#43; &lt;", "\r\n\t\f",
	"https://example.org/\u2028\"'<>`", "http:", "HTTPS://EXAMPLE.ORG", "#frag", "?q=<x>",
}

// escapeContexts are the places the hand-written pages put a value from
// outside, each as html/template would write it and as markup does.
var escapeContexts = []struct {
	name, tmpl string
	write      func(m *markup, s string)
}{
	{"text", `<p>{{.}}</p>`, func(m *markup, s string) { m.raw("<p>"); m.text(s); m.raw("</p>") }},
	{"title", `<title>{{.}}</title>`, func(m *markup, s string) { m.raw("<title>"); m.text(s); m.raw("</title>") }},
	{"attribute", `<meta content="{{.}}">`, func(m *markup, s string) { m.raw(`<meta content="`); m.text(s); m.raw(`">`) }},
	{"url", `<a href="{{.}}">x</a>`, func(m *markup, s string) { m.raw(`<a href="`); m.url(s); m.raw(`">x</a>`) }},
	{"src", `<audio src="{{.}}"></audio>`, func(m *markup, s string) { m.raw(`<audio src="`); m.url(s); m.raw(`"></audio>`) }},
	// As Entry writes an entry's link for the pages under page/.
	{"url path", `<a href="../../episodes/{{.}}/index.html">x</a>`, func(m *markup, s string) {
		m.raw(`<a href="../../`)
		m.url("episodes/" + s + "/index.html")
		m.raw(`">x</a>`)
	}},
}

// checkEscaping fails unless markup writes s in every context as
// html/template does. The one difference allowed: html/template writes
// '+' as "&#43;", HTMLEscapeString leaves it, which HTML reads alike.
func checkEscaping(t *testing.T, s string) {
	t.Helper()
	for _, c := range escapeContexts {
		var want bytes.Buffer
		if err := template.Must(template.New("").Parse(c.tmpl)).Execute(&want, s); err != nil {
			t.Fatal(err)
		}
		var m markup
		c.write(&m, s)
		if got := string(m); got != strings.ReplaceAll(want.String(), "&#43;", "+") {
			t.Errorf("%s %q:\ngot  %s\nwant %s (html/template)", c.name, s, got, want.String())
		}
	}
}

// TestEscapingIsHTMLTemplates: the hand-written pages escape every value
// from outside as html/template would.
func TestEscapingIsHTMLTemplates(t *testing.T) {
	for _, s := range xss {
		checkEscaping(t, s)
	}
}

func FuzzEscapers(f *testing.F) {
	for _, s := range xss {
		f.Add(s)
	}
	f.Fuzz(checkEscaping)
}

// fuzzEpisode is an episode whose every value from outside is one of
// a, b, c and d: titles and names, people, URLs, the words.
func fuzzEpisode(a, b, c, d string) *Episode {
	return &Episode{
		Slug: "episode-" + a, Title: a, Language: b, Summary: d,
		PubDate: time.Date(2024, 3, 9, 0, 0, 0, 0, time.UTC), Duration: time.Hour,
		Image: c, AudioURL: c, AudioType: b, YouTube: c,
		Chapters:  []Chapter{{0, a, c}, {time.Minute, d, ""}},
		Cues:      []Cue{{0, time.Second, b, d}, {time.Second, 2 * time.Second, "", a}},
		Guests:    []Person{{a, c}, {b, ""}},
		Hosts:     []Person{{d, c}},
		Downloads: []Download{{a, c, b}, {d, "transcript.vtt", "text/vtt"}},
	}
}

// stand is what stands for s in the reference page: nothing for nothing,
// the show's language for it (an entry says only another language),
// and a harmless word or URL for anything else.
func stand(s, harmless string) string {
	if s == "" || s == sampleShow().Language {
		return s
	}
	return harmless
}

// elements lists a page's elements with their attributes' names, in
// document order, as an HTML parser reads them.
func elements(t *testing.T, page []byte) []string {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		e := "<" + n.Data
		for _, a := range n.Attr {
			e += " " + a.Key
			if (a.Key == "href" || a.Key == "src") && a.Val != "#ZgotmplZ" && !safeURL(a.Val) {
				t.Errorf("<%s %s=%q> links outside http, https and mailto", n.Data, a.Key, a.Val)
			}
		}
		out = append(out, e+">")
	}
	return out
}

// FuzzEpisodePage: whatever the values from outside, an episode's page,
// embed and entries have the elements and attributes they have with
// harmless values: no value adds markup, and every link is safe.
func FuzzEpisodePage(f *testing.F) {
	for _, s := range xss {
		f.Add(s, s, s, s)
	}
	f.Add("Title", "en", "javascript:alert(1)", `Words "quoted" & <b>bold</b>`)
	s := newSite(f, sampleShow())
	f.Fuzz(func(t *testing.T, a, b, c, d string) {
		got := fuzzEpisode(a, b, c, d)
		want := fuzzEpisode(stand(a, "a"), stand(b, "b"), stand(c, "https://example.org/c"), stand(d, "d"))
		gotFiles, wantFiles := s.EpisodePages(got), s.EpisodePages(want)
		ge, we := s.Entry(got), s.Entry(want)
		for _, p := range []struct {
			name      string
			got, want []byte
		}{
			{gotFiles[0].Name, gotFiles[0].Data, wantFiles[0].Data},
			{gotFiles[1].Name, gotFiles[1].Data, wantFiles[1].Data},
			// An entry, inside the list it belongs in.
			{"entry", []byte("<ol>" + ge.First + "</ol>"), []byte("<ol>" + we.First + "</ol>")},
			{"entry of page/", []byte("<ol>" + ge.Item() + "</ol>"), []byte("<ol>" + we.Item() + "</ol>")},
		} {
			if g, w := elements(t, p.got), elements(t, p.want); !slices.Equal(g, w) {
				t.Errorf("%s with %q, %q, %q, %q has other elements than with harmless values:\ngot  %v\nwant %v", p.name, a, b, c, d, g, w)
			}
		}
	})
}

// TestEpisodePageLinks: unsafe URLs become html/template's "#ZgotmplZ";
// safe ones are kept, percent-encoded where they must be.
func TestEpisodePageLinks(t *testing.T) {
	ep := sampleEpisode()
	ep.YouTube = "javascript:alert(1)"
	ep.Guests = []Person{{"Guest", "https://example.org/a b\"c"}}
	ep.Chapters = []Chapter{{0, "One", "data:text/html,x"}}
	page := string(newSite(t, sampleShow()).EpisodePages(ep)[0].Data)
	for _, want := range []string{
		`<li><a href="#ZgotmplZ">Watch the video on YouTube</a></li>`,
		`<a href="https://example.org/a%20b%22c" dir="auto">Guest</a>`,
		`<a class="ext" href="#ZgotmplZ" rel="nofollow">link</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("episode page lacks %s", want)
		}
	}
}
