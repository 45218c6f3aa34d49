package markdown

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestPlain: what a listener reads. A * goes only where it pairs into
// emphasis; underscores stay.
func TestPlain(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"text", "Sara  El  Idrissi ", "Sara El Idrissi"},
		{"link", "[Go generics](https://go.dev/doc) deep dive", "Go generics deep dive"},
		{"image", "![the logo](logo.png)", "the logo"},
		{"nested link", "[a [b](u) c](v)", "a b c"},
		{"emphasis", "**bold**, *it*, ***both***", "bold, it, both"},
		{"emphasis around a link", "**[Go](https://go.dev)**", "Go"},
		{"emphasis runs of other lengths", "**a* b", "a b"},
		{"lone star", "A* search", "A* search"},
		{"star between spaces", "5 * 3", "5 * 3"},
		{"star inside a word", "f*ck", "f*ck"},
		{"star before punctuation", `x*"y*`, `x*"y*`},
		{"unclosed bold", "**Sara", "**Sara"},
		{"escaped star", `\*not\* emphasis`, "*not* emphasis"},
		{"star in a link text", "*[a*](u)", "*a*"},
		{"underscores stay", "the __init__ method of snake_case", "the __init__ method of snake_case"},
		{"code", "run `go test`", "run go test"},
		{"strikethrough", "~~old~~ new", "old new"},
		{"tags", "x < y <b>really</b>", "x < y really"},
		{"comment", "a <!-- note --> b", "a b"},
		{"autolink", "see <https://go.dev>", "see https://go.dev"},
		{"email autolink", "<hello@example.org>", "hello@example.org"},
		{"entities", "Tom &amp; Jerry &lt;3", "Tom & Jerry <3"},
		{"entity after the tags go", "&lt;b&gt;", "<b>"},
		{"less than, never closed", "a <b", "a <b"},
		{"many less thans", "<1<1<1<x>", "<1<1<1"},
		{"Unicode spaces", "مرحبا\u00a0 بكم", "مرحبا بكم"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Plain(tc.in); got != tc.want {
				t.Errorf("Plain(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestLinks: the links and images of a line, as CommonMark reads inline
// links, and nothing that only looks like one.
func TestLinks(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []Link
	}{
		{"none", "no links here", nil},
		{"one", "see [Go](https://go.dev) now", []Link{{4, 24, "Go", "https://go.dev", false}}},
		{"image", "![logo](https://x.org/a.png)", []Link{{0, 28, "logo", "https://x.org/a.png", true}}},
		{"angle brackets and title", `[a](<https://x.org/a b> "T")`, []Link{{0, 28, "a", "https://x.org/a b", false}}},
		{"parentheses in the url", "[Go](https://en.wikipedia.org/wiki/Go_(language))", []Link{{0, 49, "Go", "https://en.wikipedia.org/wiki/Go_(language)", false}}},
		{"brackets nest in the text", "[a [b] c](u)", []Link{{0, 12, "a [b] c", "u", false}}},
		{"link in a link text", "[a [b](u) c](v)", []Link{{0, 15, "a [b](u) c", "v", false}}},
		{"two", "[a](u) and [b](v)", []Link{{0, 6, "a", "u", false}, {11, 17, "b", "v", false}}},
		{"empty destination", "[a]()", []Link{{0, 5, "a", "", false}}},
		{"escaped bracket", `\[a](u)`, nil},
		{"reference link", "[a][ref]", nil},
		{"unclosed", "[a](https://x.org", nil},
		{"bracket in the url", "[a](u[v)", nil},
		{"unclosed title", `[a](u "t)`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Links(nil, tc.in)
			if len(got) != len(tc.want) {
				t.Fatalf("Links(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("Links(%q)[%d] = %+v, want %+v", tc.in, i, got[i], tc.want[i])
				}
			}
		})
	}
}

// TestStripKeepsHTML: Strip leaves HTML and entities to the sanitiser
// that follows it in the episode's summary.
func TestStripKeepsHTML(t *testing.T) {
	const in, want = `**a** <script>x</script> &amp; [b](u)`, `a <script>x</script> &amp; b`
	if got := Strip(in); got != want {
		t.Errorf("Strip(%q) = %q, want %q", in, got, want)
	}
}

// FuzzLinks: the links found are in order, do not overlap, and are what
// their fields say: s[Start:End] is [Text](…URL…) or ![Text](…URL…).
func FuzzLinks(f *testing.F) {
	for _, s := range []string{"[a](u)", "![i](<u v> 't') [b](w(x)) c", "[a [b](u)](v)", `\[a](u) [b]`, "[[[]]]((()))"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		end := 0
		for _, l := range Links(nil, s) {
			if l.Start < end || l.End <= l.Start || l.End > len(s) {
				t.Fatalf("Links(%q): link %+v after byte %d", s, l, end)
			}
			end = l.End
			whole := s[l.Start:l.End]
			open := "["
			if l.Image {
				open = "!["
			}
			rest, ok := strings.CutPrefix(whole, open+l.Text+"](")
			if !ok || !strings.HasSuffix(rest, ")") || !strings.Contains(rest, l.URL) {
				t.Fatalf("Links(%q): %+v is not the link %q", s, l, whole)
			}
		}
	})
}

// FuzzPlain: a link whose text and URL hold no Markdown is found whole
// and reads as its text; whatever the line, plain text is collapsed,
// stays valid UTF-8, keeps no code marker it did not escape (or write in
// an autolink or an entity), and is what it is without the fast path.
func FuzzPlain(f *testing.F) {
	f.Add("Go generics", "https://go.dev/doc", "**a** `b` <i>c</i> &amp; ~~d~~ <https://e.org> [f](g)")
	f.Add("", "u", "A* search, 5 * 3, run `go test`")
	f.Add("x", "y", "<http://a`b> \\`c &#96;")
	f.Fuzz(func(t *testing.T, text, url, line string) {
		got := Plain(line)
		if got != Collapse(got) || utf8.ValidString(line) && !utf8.ValidString(got) {
			t.Fatalf("Plain(%q) = %q", line, got)
		}
		if slow := plain(line); got != slow {
			t.Fatalf("Plain(%q) = %q, but the slow path gives %q", line, got, slow)
		}
		if !strings.ContainsAny(line, `\&<`) && strings.Contains(got, "`") { // <http://a`b> is a URL
			t.Fatalf("Plain(%q) = %q keeps a code marker", line, got)
		}
		if strings.ContainsAny(text, "[]()<>*`~&\\!\"'") || url == "" || strings.ContainsAny(url, "[]()<> \t\n\r\f\v\\\"'") {
			return
		}
		s := "see [" + text + "](" + url + ") now"
		links := Links(nil, s)
		if len(links) != 1 || links[0].Text != text || links[0].URL != url || links[0].Start != 4 || links[0].End != len(s)-4 {
			t.Fatalf("Links(%q) = %+v", s, links)
		}
		if got, want := Plain(s), Collapse("see "+text+" now"); got != want {
			t.Fatalf("Plain(%q) = %q, want %q", s, got, want)
		}
	})
}

// BenchmarkPlain reads lines as the people, links and notes of an
// episode hold them: most are words only, a few carry links and
// emphasis.
func BenchmarkPlain(b *testing.B) {
	lines := []string{
		"Topic number 12 of the show",
		"Sara El Idrissi",
		"[Go generics](https://go.dev/doc) deep dive",
		"**Q&A** with *the* audience &amp; `guests`",
	}
	for b.Loop() {
		for _, l := range lines {
			Plain(l)
		}
	}
}
