package episode

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/castfeed/castfeed/internal/sharedtest"
)

// TestFastFields: the fast reader answers for the front matter volunteers
// write, agrees with the YAML library there, and leaves everything else
// to it.
func TestFastFields(t *testing.T) {
	for _, tc := range []struct {
		name, front string
		fast        bool // whether fastFields answers
	}{
		{"empty", "", true},
		{"blank lines and a comment", "\n# a comment\n\ntitle: T\n\n", true},
		{"quoted, plain, numbers", "title: \"Data engineer 101\"\nduration: 1:02:40\naudio_offset: -12.5\nepisode: 42\npublished: true\n", true},
		{"single quotes", "title: 'Hello'\n", true},
		{"null forms", "a:\nb: ~\nc: null\nd: NULL\n", true},
		{"one-line lists", "tags: [\"a\", 'b', c d, 1, ~,]\nempty: []\n", true},
		{"url", "youtube: https://www.youtube.com/watch?v=_tizAkqvivM&t=1s\n", true},
		{"non-ASCII text", "title: \"Arabic on the Web: ما وراء النص\"\ncat: café\n", true},
		{"dash and quotes in text", "title: \"Ops — what's next\"\n", true},

		{"multi-line list", "tags: [\"a\",\n  \"b\",]\n", false},
		{"block list", "tags:\n  - a\n  - b\n", false},
		{"compact block list", "tags:\n- a\n", false},
		{"comment after a value", "title: T # note\n", false},
		{"hash without space stays", "title: C#\n", true},
		{"escape in double quotes", "title: \"a\\tb\"\n", false},
		{"doubled single quote", "title: 'it''s'\n", false},
		{"block scalar", "title: |\n  T\n", false},
		{"anchor and alias", "a: &x 1\nb: *x\n", false},
		{"tag", "a: !!str 5\n", false},
		{"mapping", "a: {b: 1}\n", false},
		{"colon space in plain text", "title: a: b\n", false},
		{"apostrophe in plain text", "title: Amazon's\n", false},
		{"tab", "title:\tT\n", false},
		{"no-break space", "title: a\u00a0b\n", false},
		{"repeated key", "a: 1\na: 2\n", false},
		{"quoted key", "\"a\": 1\n", false},
		{"space before colon", "a : 1\n", false},
		{"indented", " a: 1\n", false},
		{"list item", "- a\n", false},
		{"invalid", "title: [a\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fast, ok := fastFields(tc.front)
			if ok != tc.fast {
				t.Fatalf("fastFields(%q) ok = %v, want %v", tc.front, ok, tc.fast)
			}
			if !ok {
				return
			}
			slow, line, msg, ok := yamlFields(tc.front)
			if !ok {
				t.Fatalf("fastFields read %q, which YAML rejects at line %d: %s", tc.front, line, msg)
			}
			if !sameFields(fast, slow) {
				t.Errorf("front matter %q:\nfast %+v\nyaml %+v", tc.front, fast, slow)
			}
		})
	}
}

// sameFields compares fields, an empty list being as good as a nil one.
func sameFields(a, b []field) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return reflect.DeepEqual(a, b)
}

// FuzzFrontMatter checks the fast reader against the YAML library: where
// fastFields answers, the library must read the same keys, lines and
// values.
func FuzzFrontMatter(f *testing.F) {
	for _, file := range seedFiles(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		if front, _, ok := strings.Cut(strings.TrimPrefix(string(data), "---\n"), "\n---"); ok {
			f.Add(front + "\n")
		}
	}
	for _, s := range []string{"a: 1\n", "tags: [a, b,]\n", "a: -1.5\n", "t: 'x'\n", "t: \"\"\n", "a: ~\n", "a: C#\n", "a: x:y\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, front string) {
		fast, ok := fastFields(front)
		if !ok {
			return
		}
		slow, line, msg, ok := yamlFields(front)
		if !ok {
			t.Fatalf("fastFields read %q, which YAML rejects at line %d: %s", front, line, msg)
		}
		if !sameFields(fast, slow) {
			t.Fatalf("front matter %q:\nfast %+v\nyaml %+v", front, fast, slow)
		}
	})
}

// seedFiles lists the real and hand-written episodes the fuzz targets
// start from.
func seedFiles(tb testing.TB) []string {
	tb.Helper()
	var files []string
	for _, dir := range []string{sharedtest.Fixtures(tb), examples, "testdata"} {
		m, err := filepath.Glob(filepath.Join(dir, "*.md"))
		if err != nil || len(m) == 0 {
			tb.Fatalf("no episodes in %s (%v)", dir, err)
		}
		files = append(files, m...)
	}
	return files
}

func TestPlainLine(t *testing.T) {
	for line, want := range map[string]bool{
		"title: T":        true,
		"title: café":     true,
		"title: a — b":    true,
		"title: ما وراء":  true,
		"title: \tT":      false,
		"title: ¥\r":      false, // a control character after a non-ASCII one
		"title: é\tx":     false,
		"title: a\u00a0b": false,
		"title: a\u200bb": false,
		"title: \ufeffT":  false,
		"title: \xffT":    false,
		"title: \u2028":   false,
		"title: a\x7fb":   false,
		"title: a\u0085b": false,
		"title: 🎙 Live":   true,
	} {
		if got := plainLine(line); got != want {
			t.Errorf("plainLine(%q) = %v, want %v", line, got, want)
		}
	}
}
