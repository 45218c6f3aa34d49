package s3

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestDecodeManifest(t *testing.T) {
	digest := strings.Repeat("ab", 32)
	for _, tc := range []struct {
		name, data string
		want       string // substring of the error; "" for none
	}{
		{"valid", "castfeed manifest 2 \"b\" \"p\"\nkind \"x\" \"y\"\n3 " + digest + ` 0 "e" - "feed.xml"` + "\n", ""},
		{"unreferenced stray without digest", "castfeed manifest 2 \"b\" \"p\"\n" + `1 - - "" 2026-12-01T00:00:00Z "x.txt"` + "\n", ""},
		{"a key with a line break and quotes", "castfeed manifest 2 \"b\" \"p\"\n" + `1 - - "" 2026-12-01T00:00:00Z "a \"b\"\nc.txt"` + "\n", ""},
		{"version 1 (JSON)", `{"version":1,"bucket":"b","prefix":"p","objects":{"feed.xml":{"size":3,"sha256":"` + digest + `","content_type":"x","cache_control":"y"}}}`, ""},
		{"version 1 stray without digest", `{"version":1,"bucket":"b","prefix":"p","objects":{"x.txt":{"size":1,"unreferenced":"2026-12-01T00:00:00Z"}}}`, ""},
		{"not JSON", `{"version":1,`, "damaged"},
		{"neither", "<?xml?>", "damaged"},
		{"cut short", "castfeed manifest 2 \"b\" \"p\"\n3 " + digest, "cut short"},
		{"another version", "castfeed manifest 3 \"b\" \"p\"\n", `version "3"`},
		{"another version in JSON", `{"version":2,"bucket":"b","prefix":"p"}`, "version 2"},
		{"copied from elsewhere", "castfeed manifest 2 \"b\" \"other\"\n", "written for b/other"},
		{"copied from elsewhere, version 1", `{"version":1,"bucket":"b","prefix":"other"}`, "written for b/other"},
		{"short digest", "castfeed manifest 2 \"b\" \"p\"\n3 abab - \"\" - \"feed.xml\"\n", "not valid"},
		{"digest not hex", "castfeed manifest 2 \"b\" \"p\"\n3 " + strings.Repeat("zz", 32) + ` - "" - "feed.xml"` + "\n", "not valid"},
		{"no digest, not unreferenced", "castfeed manifest 2 \"b\" \"p\"\n3 - - \"\" - \"feed.xml\"\n", "not valid"},
		{"negative size", "castfeed manifest 2 \"b\" \"p\"\n-1 " + digest + ` - "" - "feed.xml"` + "\n", "not valid"},
		{"unknown kind", "castfeed manifest 2 \"b\" \"p\"\n3 " + digest + ` 0 "" - "feed.xml"` + "\n", "line 2: kind"},
		{"key twice", "castfeed manifest 2 \"b\" \"p\"\n3 " + digest + ` - "" - "a"` + "\n3 " + digest + ` - "" - "a"` + "\n", "twice"},
		{"key not quoted", "castfeed manifest 2 \"b\" \"p\"\n3 " + digest + ` - "" - feed.xml` + "\n", "line 2"},
		{"more after the key", "castfeed manifest 2 \"b\" \"p\"\n3 " + digest + ` - "" - "a" x` + "\n", "after the last field"},
		{"bad time", "castfeed manifest 2 \"b\" \"p\"\n3 - - \"\" yesterday \"a\"\n", "line 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeManifest([]byte(tc.data), "b", "p")
			if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("decodeManifest(%q) = %v; want %q", tc.data, err, tc.want)
			}
		})
	}
}

// TestManifestVersion1 reads an older castfeed's manifest as the same
// objects, and writes it again as version 2.
func TestManifestVersion1(t *testing.T) {
	digest := strings.Repeat("ab", 32)
	v1 := `{"version":1,"bucket":"b","prefix":"p","objects":{` +
		`"feed.xml":{"size":3,"sha256":"` + digest + `","content_type":"application/rss+xml; charset=utf-8","cache_control":"public, max-age=300","etag":"e1"},` +
		`"old page.html":{"size":5,"sha256":"` + digest + `","content_type":"text/html; charset=utf-8","cache_control":"public, max-age=3600","unreferenced":"2026-12-01T10:00:00+01:00"}}}`
	m, err := decodeManifest([]byte(v1), "b", "p")
	if err != nil {
		t.Fatal(err)
	}
	data := m.encode()
	if !strings.HasPrefix(string(data), manifestHeader) {
		t.Fatalf("written as %q; want version 2", data)
	}
	again, err := decodeManifest(data, "b", "p")
	if err != nil {
		t.Fatalf("%v in\n%s", err, data)
	}
	if !reflect.DeepEqual(m, again) {
		t.Fatalf("version 1 read %+v; its version 2 reads %+v", m, again)
	}
	if o := again.Objects["old page.html"]; o.Unreferenced == nil || !o.Unreferenced.Equal(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)) || o.ContentType != "text/html; charset=utf-8" {
		t.Errorf("old page.html read back as %+v", o)
	}
}

// FuzzDecodeManifest: the manifest comes from the bucket, where anyone
// with the keys may have written anything. What decodes encodes to what
// decodes the same.
func FuzzDecodeManifest(f *testing.F) {
	when := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	m := &manifest{Version: manifestVersion, Bucket: "b", Prefix: "p", Objects: map[string]object{
		"feed.xml":  {Size: 3, SHA256: strings.Repeat("0", 64), ContentType: "application/rss+xml", CacheControl: "public", ETag: "e"},
		"stray.txt": {Size: 1, Unreferenced: &when},
	}}
	f.Add(m.encode())
	f.Add([]byte(`{"version":1,"bucket":"b","prefix":"p","objects":null}`))
	f.Add([]byte(`{"version":1,"bucket":"b","prefix":"p","objects":{"a":{"size":1,"sha256":"","unreferenced":"2026-12-01T10:00:00+01:00"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := decodeManifest(data, "b", "p")
		if err != nil {
			return
		}
		again, err := decodeManifest(m.encode(), "b", "p")
		if err != nil {
			t.Fatalf("a decoded manifest does not decode once encoded: %v", err)
		}
		if !reflect.DeepEqual(m, again) {
			t.Fatalf("decode(encode(m)) = %+v; want %+v", again, m)
		}
	})
}

// FuzzAppendQuote: the fast path quotes as strconv.Quote does.
func FuzzAppendQuote(f *testing.F) {
	for _, s := range []string{"", "feed.xml", "a \"b\"", `c\d`, "e\nf", "é", "\x7f", "~ !"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendQuote([]byte("x"), s)), "x"+strconv.Quote(s); got != want {
			t.Fatalf("appendQuote(%q) = %s; want %s", s, got, want)
		}
	})
}
