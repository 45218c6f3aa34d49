package s3

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/castfeed/castfeed/internal/publish"
)

// TestScanTaggedCopyWins: an episode whose audio castfeed tagged has the
// copy in the folder's media/ and the original in media.dir; the bucket
// gets the tagged copy, as the server serves it, and media.dir's other
// files beside it.
func TestScanTaggedCopyWins(t *testing.T) {
	dir, media := t.TempDir(), t.TempDir()
	write := func(name, data string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "feed.xml"), "<rss/>")
	write(filepath.Join(dir, "media", "ep1.mp3"), "tagged")
	write(filepath.Join(media, "ep1.mp3"), "original")
	write(filepath.Join(media, "ep2.ogg"), "untagged")
	files, err := scan(publish.Source{Dir: dir, MediaDir: media}, openDigestCache(""))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range files {
		got[f.key] = f.path
	}
	want := map[string]string{
		"feed.xml":      filepath.Join(dir, "feed.xml"),
		"media/ep1.mp3": filepath.Join(dir, "media", "ep1.mp3"),
		"media/ep2.ogg": filepath.Join(media, "ep2.ogg"),
	}
	if len(got) != len(want) {
		t.Fatalf("scan: %v, want %v", got, want)
	}
	for k, p := range want {
		if got[k] != p {
			t.Errorf("%s comes from %q, want %q", k, got[k], p)
		}
	}
}

// TestDigestCache: a saved cache vouches, on the next scan, for the
// files whose size and mtime did not change, and for no other; a cache
// of another format (the JSON of older versions) or cut short vouches for
// nothing.
func TestDigestCache(t *testing.T) {
	dir := t.TempDir()
	cacheName := filepath.Join(t.TempDir(), "state", "digests")
	for _, name := range []string{"feed.xml", "a page.html", "media/b.mp3"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte("bytes of "+name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := openDigestCache(cacheName) // none yet
	first, err := scan(publish.Source{Dir: dir}, c)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.save(first); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(cacheName)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := parseDigests(data)
	if !ok || len(got) != len(first) {
		t.Fatalf("the saved cache reads back as %v (ok %v); want the %d files", got, ok, len(first))
	}
	for _, f := range first {
		if e := got[f.path]; e.SHA256 != f.sum || e.Size != f.size || e.MTime != f.mtime {
			t.Errorf("%s: cached %+v; want %s %d %d", f.path, e, f.sum, f.size, f.mtime)
		}
	}

	// A cached digest that is wrong shows whether the cache was used.
	wrong := strings.Repeat("0", 64)
	poisoned := appendDigests(nil, first, map[string]cachedDigest{
		first[0].path: {first[0].size, first[0].mtime, wrong},
		first[1].path: {first[1].size, first[1].mtime + 1, wrong}, // another mtime: not trusted
	})
	for _, tc := range []struct {
		name  string
		data  []byte
		trust bool
	}{
		{"this format", poisoned, true},
		{"older JSON", []byte(`{"` + first[0].path + `":{"size":1,"mtime":1,"sha256":"` + wrong + `"}}`), false},
		{"cut short", poisoned[:len(poisoned)-1], false},
		{"bad size", []byte(digestCacheHeader + wrong + " x 1 " + first[0].path + "\n"), false},
		{"empty", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(cacheName, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			files, err := scan(publish.Source{Dir: dir}, openDigestCache(cacheName))
			if err != nil {
				t.Fatal(err)
			}
			for i, f := range files {
				used := f.sum == wrong
				if want := tc.trust && i == 0; used != want {
					t.Errorf("%s: cached digest used: %v; want %v", f.key, used, want)
				}
				if !used && f.sum != first[i].sum {
					t.Errorf("%s: digest %s; want %s", f.key, f.sum, first[i].sum)
				}
			}
		})
	}
}
