package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func sampleShow() Show {
	return Show{
		Title: "Hallway Track", Description: "Conversations between talks.", Language: "en",
		BaseURL: "https://example.org/show/", FeedURL: "https://example.org/show/feed.xml",
		Image: "https://example.org/show/cover.png", Copyright: "© 2024 us", Link: "https://hallway.example.org",
		Hosts:     []Person{{"Salma Idrissi", "https://example.org/salma"}, {"Yann", ""}},
		Subscribe: Directories{ApplePodcasts: "https://podcasts.apple.com/podcast/id1", AntennaPod: "https://antennapod.org/deeplink/subscribe?url=x"},
	}
}

func sampleEpisode() *Episode {
	return &Episode{
		Slug: "episode-0003", Title: "Arabic on the Web: ما وراء النص", Language: "ar",
		PubDate: time.Date(2024, 3, 9, 20, 30, 0, 0, time.UTC), Duration: 78*time.Minute + 22*time.Second,
		Summary:   "Right-to-left layouts — بالدارجة والعربية.",
		NotesHTML: "<p>Notes with <a href=\"https://example.org\">a link</a>.</p>",
		AudioURL:  "https://example.org/media/episode-0003.mp3", AudioType: "audio/mpeg",
		Chapters: []Chapter{{0, "Welcome / مرحبا", ""}, {7*time.Minute + 15*time.Second, "Unicode", "https://unicode.org"}, {25*time.Minute + 500*time.Millisecond, "Bidi", ""}},
		Cues:     []Cue{{0, 5 * time.Second, "", "مرحبا بكم"}, {5 * time.Second, 11500 * time.Millisecond, "Karim", "اليوم نتحدث"}},
		Guests:   []Person{{"Karim Touhami", "https://example.org/karim"}},
		Hosts:    []Person{{"Yann Moreau", "https://example.org/yann"}},
		YouTube:  "https://www.youtube.com/watch?v=HtPilot0003",
		Downloads: []Download{{"Transcript (WebVTT)", "https://example.org/show/episodes/episode-0003/transcript.vtt", "text/vtt"},
			{"Chapters (JSON)", "https://example.org/show/episodes/episode-0003/chapters.json", "application/json+chapters"}},
	}
}

func newSite(t testing.TB, show Show) *Site {
	t.Helper()
	s, err := New(show)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// render returns every file of a site with the episodes eps.
func render(t testing.TB, s *Site, eps []*Episode) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	add := func(fs []File) {
		for _, f := range fs {
			if _, dup := out[f.Name]; dup {
				t.Fatalf("%s written twice", f.Name)
			}
			out[f.Name] = f.Data
		}
	}
	add(s.Assets())
	var entries []Entry
	for _, ep := range eps {
		add(s.EpisodePages(ep))
		entries = append(entries, s.Entry(ep))
	}
	f, _, err := s.ShowPages(entries, nil)
	if err != nil {
		t.Fatal(err)
	}
	add(f)
	return out
}

// manyEpisodes returns n episodes, one a day, in no particular order.
func manyEpisodes(n int) []*Episode {
	eps := make([]*Episode, n)
	for i := range n {
		ep := sampleEpisode()
		k := (i * 7) % n // shuffled, deterministically
		ep.Slug = fmt.Sprintf("episode-%04d", k+1)
		ep.Title = fmt.Sprintf("Episode %d", k+1)
		ep.PubDate = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, k)
		eps[i] = ep
	}
	return eps
}

func writeAll(t testing.TB, dir string, files map[string][]byte) []string {
	t.Helper()
	var names []string
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(name, ".html") {
			names = append(names, p)
		}
	}
	return names
}

// TestPagesValidHTML runs every kind of page through html-validate: the
// show's first and a later page, an episode with everything, one with
// nothing but a title, and their embeds.
func TestPagesValidHTML(t *testing.T) {
	bare := &Episode{Slug: "bare", Title: "Bare", PubDate: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}
	eps := append(manyEpisodes(PerPage+1), bare)
	show := sampleShow()
	files := render(t, newSite(t, show), eps)
	show.Image, show.Link, show.Subscribe, show.Hosts = "", "", Directories{}, nil
	empty := render(t, newSite(t, show), nil)
	dir := t.TempDir()
	pages := writeAll(t, dir, files)
	pages = append(pages, writeAll(t, filepath.Join(dir, "empty"), empty)...)
	if len(pages) != 2*(PerPage+2)+2+1 {
		t.Fatalf("%d pages, want %d", len(pages), 2*(PerPage+2)+3)
	}
	Validate(t, pages...)
}

// TestValidatorReportsErrors makes sure the validator would fail a bad
// page: a test that passes whatever the HTML is proves nothing.
func TestValidatorReportsErrors(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bad.html")
	if err := os.WriteFile(p, []byte("<!DOCTYPE html><html lang=en><head><title>x</title></head><body><p><div></p></span></body></html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := htmlValidate(t, p); err == nil {
		t.Fatalf("html-validate accepted a broken page:\n%s", out)
	}
}

// TestOutsideTextIsEscaped: titles, names, cues and URLs come from
// volunteers' files and YouTube; none may add markup or script.
func TestOutsideTextIsEscaped(t *testing.T) {
	const script = `<script>alert(1)</script>`
	ep := sampleEpisode()
	ep.Title = "Title " + script
	ep.Summary = "Summary " + script
	ep.Guests = []Person{{Name: "Guest " + script, URL: "javascript:alert(2)"}}
	ep.Hosts = []Person{{Name: `Host "><img src=x onerror=alert(3)>`, URL: "https://example.org/h"}}
	ep.Chapters = []Chapter{{0, "Chapter " + script, "javascript:alert(4)"}}
	ep.Cues = []Cue{{0, time.Second, "Speaker " + script, "Cue " + script}}
	ep.YouTube = "javascript:alert(5)"
	show := sampleShow()
	show.Title = "Show " + script
	show.Subscribe.Spotify = "javascript:alert(6)"
	files := render(t, newSite(t, show), []*Episode{ep})
	for name, data := range files {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		page := string(data)
		for _, bad := range []string{script, "javascript:", "<img src=x", `"><img`} {
			if strings.Contains(page, bad) {
				t.Errorf("%s contains %q:\n%s", name, bad, page)
			}
		}
		if strings.Count(page, "<script") != 1 {
			t.Errorf("%s has %d <script> elements, want only the site's own", name, strings.Count(page, "<script"))
		}
	}
	page := string(files["episodes/episode-0003/index.html"])
	for _, want := range []string{"Title &lt;script&gt;alert(1)&lt;/script&gt;", "Guest &lt;script&gt;", "Cue &lt;script&gt;", "Speaker &lt;script&gt;", "Chapter &lt;script&gt;"} {
		if !strings.Contains(page, want) {
			t.Errorf("episode page lacks the escaped text %q", want)
		}
	}
}

// TestSameInputSamePages: a rebuild must not republish unchanged pages.
func TestSameInputSamePages(t *testing.T) {
	a := render(t, newSite(t, sampleShow()), manyEpisodes(120))
	b := render(t, newSite(t, sampleShow()), manyEpisodes(120))
	if len(a) != len(b) {
		t.Fatalf("%d files, then %d", len(a), len(b))
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between two renders of the same show", name)
		}
	}
}

// TestPagination: index.html lists the newest 50; page K the episodes
// (K-1)×50+1 … K×50 counted from the oldest, newest first, and only
// full pages are written; index.html links the page of the next older
// episode, a page links the one before it and index.html.
func TestPagination(t *testing.T) {
	files := render(t, newSite(t, sampleShow()), manyEpisodes(2*PerPage+3))
	for _, tc := range []struct {
		name          string
		first, last   string // titles
		count         int
		newest, older string
		stylesheetAt  string
	}{
		{"index.html", "Episode 103", "Episode 54", PerPage, "", `href="page/2/index.html"`, `href="assets/`},
		{"page/2/index.html", "Episode 100", "Episode 51", PerPage, `href="../../index.html"`, `href="../../page/1/index.html"`, `href="../../assets/`},
		{"page/1/index.html", "Episode 50", "Episode 1", PerPage, `href="../../index.html"`, "", `href="../../assets/`},
	} {
		page := string(files[tc.name])
		if page == "" {
			t.Errorf("%s not written", tc.name)
			continue
		}
		if n := strings.Count(page, "<h3>"); n != tc.count {
			t.Errorf("%s lists %d episodes, want %d", tc.name, n, tc.count)
		}
		first, last := strings.Index(page, ">"+tc.first+"<"), strings.Index(page, ">"+tc.last+"<")
		if first < 0 || last < 0 || first > last {
			t.Errorf("%s: %q (at %d) should come first and %q (at %d) last", tc.name, tc.first, first, tc.last, last)
		}
		for _, l := range []struct{ link, want string }{{">Newest episodes<", tc.newest}, {` rel="next">Older episodes<`, tc.older}} {
			has := strings.Contains(page, l.link)
			if l.want == "" && has || l.want != "" && !strings.Contains(page, `<a `+l.want+l.link) {
				t.Errorf("%s: link %q wrong, want %q", tc.name, l.link, l.want)
			}
		}
		if !strings.Contains(page, tc.stylesheetAt) {
			t.Errorf("%s does not link the stylesheet as %s…", tc.name, tc.stylesheetAt)
		}
	}
	if _, ok := files["page/3/index.html"]; ok {
		t.Error("page/3 written for 103 episodes: its 3 episodes are on index.html")
	}
}

// TestPagesStayPut: a new episode changes index.html and at most adds
// the page it completes; no page already written changes (issue 12),
// whatever the hosts of the new episodes.
func TestPagesStayPut(t *testing.T) {
	show := sampleShow()
	show.Hosts = nil // the hosts counted from the episodes
	for _, n := range []int{1, 49, 50, 51, 99, 100, 120, 149} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			eps := manyEpisodes(n + 1)
			slices.SortFunc(eps, func(a, b *Episode) int { return a.PubDate.Compare(b.PubDate) })
			// The newest episodes have a new host each, the newest first
			// by name: counted over every episode, they would change the
			// hosts of every page.
			for i, ep := range eps[n-min(n, 5):] {
				ep.Hosts = append(ep.Hosts, Person{Name: fmt.Sprintf("Host %d", 9-i)})
			}
			before := showPages(render(t, newSite(t, show), eps[:n]))
			after := showPages(render(t, newSite(t, show), eps))
			var changed, added []string
			for name, data := range after {
				if old, ok := before[name]; !ok {
					added = append(added, name)
				} else if !bytes.Equal(old, data) {
					changed = append(changed, name)
				}
			}
			slices.Sort(changed)
			wantAdded := []string(nil)
			if (n+1)%PerPage == 0 {
				wantAdded = []string{fmt.Sprintf("page/%d/index.html", (n+1)/PerPage)}
			}
			if !slices.Equal(changed, []string{"index.html"}) || !slices.Equal(added, wantAdded) {
				t.Errorf("episode %d added: changed %q, added %q; want [index.html] changed, %q added", n+1, changed, added, wantAdded)
			}
			if len(before) > len(after) {
				t.Errorf("episode %d added: %d show pages, then %d", n+1, len(before), len(after))
			}
		})
	}
}

// showPages are the show's pages among a site's files.
func showPages(files map[string][]byte) map[string][]byte {
	out := map[string][]byte{}
	for name, data := range files {
		if name == "index.html" || strings.HasPrefix(name, "page/") {
			out[name] = data
		}
	}
	return out
}

// TestAssets: small, shared, named after their content.
func TestAssets(t *testing.T) {
	s := newSite(t, sampleShow())
	total := 0
	for _, f := range s.Assets() {
		total += len(f.Data)
		sum := sha256.Sum256(f.Data)
		if !strings.Contains(f.Name, "."+hex.EncodeToString(sum[:5])+".") {
			t.Errorf("%s is not named after its content's hash", f.Name)
		}
	}
	if total > 30<<10 {
		t.Errorf("the stylesheet and script weigh %d bytes, more than 30 KB", total)
	}
	files := render(t, s, []*Episode{sampleEpisode()})
	for name, data := range files {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		for _, f := range s.Assets() {
			if !bytes.Contains(data, []byte(f.Name+`"`)) {
				t.Errorf("%s does not link %s", name, f.Name)
			}
		}
		for _, external := range []string{"fonts.googleapis", "cdn", "<iframe", "youtube.com/embed"} {
			if bytes.Contains(data, []byte(external)) {
				t.Errorf("%s loads something from outside: %q", name, external)
			}
		}
	}
}

// TestEpisodePage checks what the player and the lists rely on.
func TestEpisodePage(t *testing.T) {
	files := render(t, newSite(t, sampleShow()), []*Episode{sampleEpisode()})
	page := string(files["episodes/episode-0003/index.html"])
	for _, want := range []string{
		`<html lang="ar" dir="rtl">`,
		`<link rel="alternate" type="application/rss+xml" title="Hallway Track" href="https://example.org/show/feed.xml">`,
		`<meta property="og:audio" content="https://example.org/media/episode-0003.mp3">`,
		`<meta name="twitter:card" content="summary">`,
		`<link rel="canonical" href="https://example.org/show/episodes/episode-0003/index.html">`,
		`<audio controls preload="metadata" src="https://example.org/media/episode-0003.mp3" data-player>`,
		`<li data-start="1500.5"><a href="#t=1500.5"><time datetime="PT1500.5S" dir="ltr">25:00</time>`,
		`<b class="speaker" dir="auto">Karim:</b>`,
		`<p>Notes with <a href="https://example.org">a link</a>.</p>`,
		`<a href="https://www.youtube.com/watch?v=HtPilot0003">`,
		`transcript.vtt" type="text/vtt" download>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("episode page lacks %s", want)
		}
	}
	embed := string(files["episodes/episode-0003/embed.html"])
	for _, want := range []string{`aria-controls="chapter-list"`, `aria-controls="transcript-text"`, `data-player`} {
		if !strings.Contains(embed, want) {
			t.Errorf("embed lacks %s", want)
		}
	}
	index := string(files["index.html"])
	for _, want := range []string{`href="https://podcasts.apple.com/podcast/id1">Apple Podcasts</a>`, `>AntennaPod</a>`, `value="https://example.org/show/feed.xml"`, `<li lang="ar" dir="rtl">`} {
		if !strings.Contains(index, want) {
			t.Errorf("show page lacks %s", want)
		}
	}
	for _, unset := range []string{"Spotify", "Pocket Casts", "Overcast", ">YouTube<"} {
		if strings.Contains(index, unset) {
			t.Errorf("show page has a %s button although its URL is unset", unset)
		}
	}
}

func TestDir(t *testing.T) {
	for _, tc := range []struct{ lang, want string }{
		{"ar", "rtl"}, {"ar-MA", "rtl"}, {"AR", "rtl"}, {"he", "rtl"}, {"fa-IR", "rtl"}, {"ur", "rtl"},
		{"en", "ltr"}, {"fr-FR", "ltr"}, {"", "ltr"}, {"ku-Arab", "rtl"}, {"ku", "ltr"}, {"az-Arab-IR", "rtl"}, {"ar-Latn", "ltr"},
	} {
		if got := dir(tc.lang); got != tc.want {
			t.Errorf("dir(%q) = %q, want %q", tc.lang, got, tc.want)
		}
	}
}

func TestTimes(t *testing.T) {
	for _, tc := range []struct {
		d                time.Duration
		clock, secs, iso string
	}{
		{0, "0:00", "0", "PT0S"},
		{65 * time.Second, "1:05", "65", "PT65S"},
		{12500 * time.Millisecond, "0:12", "12.5", "PT12.5S"},
		{3*time.Hour + 2*time.Minute + 1*time.Second + 7*time.Millisecond, "3:02:01", "10921.007", "PT10921.007S"},
		{-time.Second, "0:00", "0", "PT0S"},
	} {
		if got := string(appendClock(nil, tc.d)); got != tc.clock {
			t.Errorf("clock(%v) = %q, want %q", tc.d, got, tc.clock)
		}
		if got := string(appendSeconds(nil, tc.d)); got != tc.secs {
			t.Errorf("seconds(%v) = %q, want %q", tc.d, got, tc.secs)
		}
		if got := "PT" + string(appendSeconds(nil, tc.d)) + "S"; got != tc.iso {
			t.Errorf("isoDuration(%v) = %q, want %q", tc.d, got, tc.iso)
		}
	}
}

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("word ", 60)
	if got := excerpt(long); len(got) > 204 || !strings.HasSuffix(got, "word…") {
		t.Errorf("excerpt(%q) = %q", long, got)
	}
	arabic := strings.Repeat("ب", 150) // no space, 300 bytes
	if got := excerpt(arabic); !strings.HasSuffix(got, "…") || !utf8Valid(got) {
		t.Errorf("excerpt cut a character: %q", got)
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// TestShowPagesKept: a page's digest changes with its entries' keys and
// those of the pages before it, and nothing else; a page kept by the
// caller is not rendered, and the pages rendered are those a full render
// writes.
func TestShowPagesKept(t *testing.T) {
	s := newSite(t, sampleShow())
	entries := func(edited string) []Entry {
		var out []Entry
		for _, ep := range manyEpisodes(3*PerPage + 10) {
			if ep.Slug == edited {
				ep.Title += " (edited)"
			}
			e := s.Entry(ep)
			e.Key = sha256.Sum256([]byte(ep.Slug + "\x00" + ep.Title))
			out = append(out, e)
		}
		return out
	}
	full, before, err := s.ShowPages(entries(""), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(before) != 3 || len(full) != 4 {
		t.Fatalf("%d digests and %d pages, want 3 and 4", len(before), len(full))
	}
	// Episode 60 from the oldest is on page 2.
	edited := entries("episode-0060")
	all, _, err := s.ShowPages(edited, nil)
	if err != nil {
		t.Fatal(err)
	}
	var asked []string
	kept := func(name string, d [sha256.Size]byte) bool {
		asked = append(asked, name)
		k, _ := strconv.Atoi(strings.Split(name, "/")[1])
		return before[k-1] == d
	}
	some, after, err := s.ShowPages(edited, kept)
	if err != nil {
		t.Fatal(err)
	}
	if after[0] != before[0] || after[1] == before[1] || after[2] == before[2] {
		t.Errorf("digests before %x, after editing an episode of page 2 %x: want page 1's alone the same", before, after)
	}
	if want := []string{"page/1/index.html", "page/2/index.html", "page/3/index.html"}; !slices.Equal(asked, want) {
		t.Errorf("asked about %v, want %v", asked, want)
	}
	var names []string
	for _, f := range some {
		names = append(names, f.Name)
		i := slices.IndexFunc(all, func(g File) bool { return g.Name == f.Name })
		if i < 0 || !bytes.Equal(all[i].Data, f.Data) {
			t.Errorf("%s differs from what a full render writes", f.Name)
		}
	}
	if want := []string{"index.html", "page/2/index.html", "page/3/index.html"}; !slices.Equal(names, want) {
		t.Errorf("rendered %v, want %v", names, want)
	}
}
