package episode

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestBrokenLinks: a link that goes nowhere, lacks its https:// or uses a
// scheme apps do not open is reported at its line; the person keeps no
// href, the chapter no URL and the HTML shows the text without the link
// (issue 10, item 3).
func TestBrokenLinks(t *testing.T) {
	const head = "---\ntitle: T\ndate: 2024-01-01\nduration: 1:00:00\n---\n" // the body starts on line 6
	for _, tc := range []struct {
		name, body string
		line       int    // of the warning; 0: none
		words      string // in the warning's message
		hint       string // in its hint
		got        func(ep *Episode) string
		want       string
	}{
		{"guest link #", "## Guests\n- [Sara](#)\n", 7, `the link "#" goes nowhere`, "https://",
			func(ep *Episode) string { return fmt.Sprint(ep.Guests) }, "[{Sara  7}]"},
		{"host without scheme", "## Prepared and Presented by\n- [Omar](linkedin.com/in/omar)\n", 7, `"linkedin.com/in/omar" has no https://`, "write https://linkedin.com/in/omar",
			func(ep *Episode) string { return fmt.Sprint(ep.Hosts) }, "[{Omar  7}]"},
		{"capitalised www", "## Links\n- [Figma](Www.figma.com)\n", 7, "has no https://", "write https://www.figma.com",
			func(ep *Episode) string { return fmt.Sprint(ep.Links) }, "[]"},
		{"empty link in notes", "## Notes\n0:00:00 - Start\n0:10:00 - [Topic]()\n", 8, `the link "" goes nowhere`, "https://",
			func(ep *Episode) string { return fmt.Sprint(ep.Notes) }, "[{7 0:00:00 - Start} {8 0:10:00 - Topic}]"},
		{"javascript: in links", "## Links\n- [Site](javascript:alert(1))\n", 7, "is a javascript: link", "https://",
			func(ep *Episode) string { return fmt.Sprint(ep.Links) }, "[]"},
		{"relative link in the intro", "See [the docs](/docs/start).\n", 6, "not an absolute address", "https://",
			func(ep *Episode) string { return ep.HTML }, "<p>See the docs.</p>\n"},
		{"HTML keeps the text", "## Links\n- [Figma](Www.figma.com) and [Go](https://go.dev)\n", 7, "has no https://", "https://www.figma.com",
			func(ep *Episode) string { return ep.HTML }, "<h2>Links</h2>\n<ul>\n<li>Figma and <a href=\"https://go.dev\">Go</a></li>\n</ul>\n"},
		{"broken image", "Cover ![cover](cover.png)\n", 6, "not an absolute address", "https://",
			func(ep *Episode) string { return ep.HTML }, "<p>Cover cover</p>\n"},
		// Raw HTML is not checked line by line, but the sanitiser drops a
		// relative href all the same.
		{"raw HTML anchor", "See <a href=\"#\">here</a> and <a href=\"linkedin.com/in/x\">there</a>.\n", 0, "", "",
			func(ep *Episode) string { return ep.HTML }, "<p>See here and there.</p>\n"},
		{"good links stay", "## Guests\n- [Sara](https://sara.example/)\n## Links\n- [mail us](mailto:hello@example.org)\n", 0, "", "",
			func(ep *Episode) string { return fmt.Sprint(ep.Guests, ep.Links) }, "[{Sara https://sara.example/ 7}] [{mail us mailto:hello@example.org 9}]"},
		{"a person's mail address is not a page", "## Guests\n- [Sara](mailto:sara@example.org)\n", 7, "is a mailto: link", "https://",
			func(ep *Episode) string { return fmt.Sprint(ep.Guests) }, "[{Sara  7}]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ep, diags := NewReader().Parse("ep.md", []byte(head+tc.body))
			if ep == nil {
				t.Fatal(diags)
			}
			var found []string
			for _, d := range diags {
				if strings.Contains(d.Message, "link") {
					found = append(found, d.String())
					if d.Line != tc.line || !strings.Contains(d.Message, tc.words) || !strings.Contains(d.Hint, tc.hint) {
						t.Errorf("body %q: got %v; want line %d, %q, hint with %q", tc.body, d, tc.line, tc.words, tc.hint)
					}
				}
			}
			if (tc.line == 0) != (len(found) == 0) || len(found) > 1 {
				t.Errorf("body %q: link warnings %q; want %d", tc.body, found, min(tc.line, 1))
			}
			if got := tc.got(ep); got != tc.want {
				t.Errorf("body %q:\ngot  %q\nwant %q", tc.body, got, tc.want)
			}
		})
	}
}

// FuzzPlainHTTP: what plainHTTP accepts, url.Parse accepts as an http(s)
// URL with a host, so the fast path never passes a link the long way
// would report.
func FuzzPlainHTTP(f *testing.F) {
	for _, s := range []string{"https://example.org", "http://a.b:8080/x?y=1#z", "https://x.com/%E2%9C%93", "https://x.com/%zz",
		"https://x.com/a b", "https://[::1]/", "https://x.com:/", "https://x.com/#a#b", "HTTPS://x.com", "https://exa_mple.org/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, d string) {
		if !plainHTTP(d) {
			return
		}
		u, err := url.Parse(d)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			t.Fatalf("plainHTTP(%q) but url.Parse gives %+v, %v", d, u, err)
		}
	})
}

// TestPlainHTTP: the fast path takes the common links, and leaves the
// others to url.Parse.
func TestPlainHTTP(t *testing.T) {
	for d, want := range map[string]bool{
		"https://www.linkedin.com/in/meriem-zaid-652852187/":                 true,
		"https://www.youtube.com/watch?v=OTEpZ1bfdzY&ab_channel=GeeksBlaBla": true,
		"http://bellaj.freehostia.com/":                                      true,
		"https://example.org:8443/a/b?c=d#e":                                 true,
		"https://ar.wikipedia.org/wiki/%D8%A7":                               true,
		"https://ar.wikipedia.org/wiki/ا":                                    false, // non-ASCII: the long way
		"https://x.com/%zz":                                                  false,
		"https://":                                                           false,
		"https://x.com:80a/":                                                 false,
		"mailto:a@b.c":                                                       false,
		"linkedin.com/in/x":                                                  false,
		"https://exa mple.org":                                               false,
	} {
		if got := plainHTTP(d); got != want {
			t.Errorf("plainHTTP(%q) = %v, want %v", d, got, want)
		}
	}
}
