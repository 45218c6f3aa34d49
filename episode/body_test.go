package episode

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestSections: sections are found however the heading is written, in
// any order, and entries keep their lines.
func TestSections(t *testing.T) {
	const head = "---\ntitle: T\ndate: 2024-01-01\nduration: 1:00\n---\n" // the body starts on line 6
	for _, tc := range []struct {
		name, body string
		want       string // notes | guests | hosts | links | summary
	}{
		{"plain", "## Notes\n0:00 - a\n## Guests\n- [G](https://u.example)\n## Links\n- [L](https://l.example)\n## Prepared and Presented by\n- [H](https://h.example)\n",
			"[{7 0:00 - a}] | [{G https://u.example 9}] | [{H https://h.example 13}] | [{L https://l.example 11}] | \"\""},
		{"odd spacing and case", "##notes\n0:00 - a\n###   GUESTS  ##\n[G](https://u.example)\n#  prepared & presented by:\nH\n",
			"[{7 0:00 - a}] | [{G https://u.example 9}] | [{H  11}] | [] | \"\""},
		{"other names", "## Show Notes\n0:00 - a\n## Hosts\n- [H](https://h.example)\n## Presented by\n- [P](https://p.example)\n## Resources\nhttps://go.dev.\n## 🎙 Guests\n- [G](https://g.example)\n",
			"[{7 0:00 - a}] | [{G https://g.example 15}] | [{H https://h.example 9} {P https://p.example 11}] | [{https://go.dev https://go.dev 13}] | \"\""},
		{"list markers", "## Notes\n- 0:00 - a\n* 0:01 - b\n+ 0:02 - c\n1. 0:03 - d\n2) 0:04 - e\n-\n  - 0:05 - f\n",
			"[{7 0:00 - a} {8 0:01 - b} {9 0:02 - c} {10 0:03 - d} {11 0:04 - e} {13 0:05 - f}] | [] | [] | [] | \"\""},
		{"subheading inside notes", "## Notes\n### Part one\n0:00 - a\n### Part two\n0:30 - b\n## Links\n",
			"[{8 0:00 - a} {10 0:30 - b}] | [] | [] | [] | \"\""},
		{"commented-out notes", "## Notes\n0:00 - a\n<!-- 0:10 - cut -->\n<!--\n0:20 - cut too\n-->\n0:30 - b <!-- check -->\n",
			"[{7 0:00 - a} {12 0:30 - b}] | [] | [] | [] | \"\""},
		{"code block is not notes", "## Notes\n0:00 - a\n```\n0:10 - code\n## Guests\n```\n0:30 - b\n",
			"[{7 0:00 - a} {12 0:30 - b}] | [] | [] | [] | \"\""},
		{"hashtag is not a heading", "## Notes\n0:00 - a\n#12 is on\n",
			"[{7 0:00 - a} {8 #12 is on}] | [] | [] | [] | \"\""},
		{"several people on a line", "## Guests\n[A](https://a.example) and [B](http://b.example), ![photo](https://p.example/p.png) [C](<https://c.example/c d>)\n- **Plain** Name\n- ![only a photo](https://p.example/p.png)\n",
			"[] | [{A https://a.example 7} {B http://b.example 7} {C https://c.example/c d 7} {Plain Name  8}] | [] | [] | \"\""},
		{"links with titles and parentheses", "## Links\n- [Wiki](https://en.wikipedia.org/wiki/Go_(language) \"Go\")\n- [](https://empty.example)\n- see https://a.example/x, and http://b.example.\n- no link here\n",
			"[] | [] | [] | [{Wiki https://en.wikipedia.org/wiki/Go_(language) 7} {https://empty.example https://empty.example 8} {https://a.example/x https://a.example/x 9} {http://b.example http://b.example 9}] | \"\""},
		{"summary", "# Episode 42\n\nFirst *paragraph* with a [link](https://x.example)\nand `code`.\n\n> Second, &amp; quoted.\n\n## Guests\n",
			"[] | [] | [] | [] | \"First paragraph with a link and code. Second, & quoted.\""},
		{"summary markup", "Text <script>alert(1)</script><b>bold</b> \\*not emphasis\\* ![alt](i.png) <https://go.dev> ~~old~~\n",
			"[] | [] | [] | [] | \"Text bold *not emphasis* alt https://go.dev old\""},
		{"summary ends at an unknown section", "Intro.\n## Certifications\nNot intro.\n",
			"[] | [] | [] | [] | \"Intro.\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ep, diags := NewReader().Parse("ep.md", []byte(head+tc.body))
			if ep == nil {
				t.Fatal(diags)
			}
			got := fmt.Sprintf("%v | %v | %v | %v | %q", ep.Notes, ep.Guests, ep.Hosts, ep.Links, ep.Summary)
			if got != tc.want {
				t.Errorf("body:\n%s\ngot  %s\nwant %s", tc.body, got, tc.want)
			}
		})
	}
}

func TestHeading(t *testing.T) {
	for _, tc := range []struct {
		line  string
		level int
		text  string
		tight bool
	}{
		{"## Notes", 2, "Notes", false},
		{"   ## Notes ##", 2, "Notes", false},
		{"##Notes", 2, "Notes", true},
		{"## C#", 2, "C#", false},
		{"#", 1, "", false},
		{"####### seven", 0, "", false},
		{"    ## indented code", 0, "", false},
		{"text ## not", 0, "", false},
	} {
		level, text, tight := heading(tc.line)
		if level != tc.level || text != tc.text || tight != tc.tight {
			t.Errorf("heading(%q) = %d %q %v, want %d %q %v", tc.line, level, text, tight, tc.level, tc.text, tc.tight)
		}
	}
}

// TestLinearTime: reading takes time in proportion to the file, whatever
// it holds. Each body is 200 KB of a pattern that made an earlier version
// scan the rest of the line for every bracket (seconds to minutes); in
// linear time each takes a few milliseconds. HTML is left out: goldmark's
// own time grows faster on some of these, which maxSize bounds.
func TestLinearTime(t *testing.T) {
	const n = 200 << 10
	head := "---\ntitle: T\ndate: 2024-01-01\nduration: 60\n---\n"
	for name, body := range map[string]string{
		"[ in the intro":     strings.Repeat("[", n),
		"[ in guests":        "## Guests\n" + strings.Repeat("[", n),
		"unclosed urls":      "## Guests\n" + strings.Repeat("[a](", n/4),
		"parenthesised urls": "## Links\n[a](" + strings.Repeat("()", n/2),
		"< without >":        strings.Repeat("<a", n/2),
		"comments":           "## Notes\n" + strings.Repeat("<!--", n/4),
		"bare http":          "## Links\n" + strings.Repeat("http", n/4),
		"headings":           strings.Repeat("## x\n", n/5),
		"nested link texts":  "## Links\n" + strings.Repeat("[", n/2) + "a" + strings.Repeat("](u)", n/8),
	} {
		start := time.Now()
		NewReader().WithoutHTML().Parse("ep.md", []byte(head+body))
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: %v for %d KB", name, d, len(body)>>10)
		}
	}
}
