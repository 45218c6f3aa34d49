package publish

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// feedOf is a feed for these tests: the names of the files it links, one
// per line.
func feedOf(names ...string) string { return strings.Join(names, "\n") }

// TestFeedsLast watches a Commit file by file: at every step each feed
// names only files that are in the folder, the feeds are moved in after
// every other file, the files the new version drops go after the feeds,
// and the folder is marked partial until the Commit ends.
func TestFeedsLast(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "public")
	v1 := map[string]string{
		"feed.xml":                 feedOf("episodes/a/chapters.json", "episodes/b/chapters.json", "index.html"),
		"feed.json":                feedOf("episodes/a/chapters.json", "episodes/b/chapters.json", "index.html"),
		"index.html":               "i1",
		"episodes/a/chapters.json": "a1",
		"episodes/b/chapters.json": "b1",
		"page/1/index.html":        "p1",
	}
	publish(t, dir, v1)
	before := stat(t, dir)
	unchanged := stat(t, filepath.Join(dir, "page/1/index.html"))

	v2 := map[string]string{
		"feed.xml":                 feedOf("episodes/a/chapters.json", "episodes/c/chapters.json", "index.html"),
		"feed.json":                feedOf("episodes/a/chapters.json", "episodes/c/chapters.json", "index.html"),
		"index.html":               "i2", // sorts after the feeds, and goes in before them
		"episodes/a/chapters.json": "a2",
		"episodes/c/chapters.json": "c2",
		"page/1/index.html":        "p1",
	}
	tx, err := Begin(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Abort()
	for _, n := range slices.Sorted(maps.Keys(v2)) {
		if err := tx.WriteFile(n, []byte(v2[n])); err != nil {
			t.Fatal(err)
		}
	}
	var steps []string
	tx.placed = func(name string) {
		steps = append(steps, name)
		if !Partial(dir) {
			t.Errorf("after %s: the folder is not marked partial", name)
		}
		for _, f := range []string{"feed.xml", "feed.json"} {
			data, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatalf("after %s: %v", name, err)
			}
			for _, linked := range strings.Split(string(data), "\n") {
				if _, err := os.Stat(filepath.Join(dir, linked)); err != nil {
					t.Errorf("after %s: %s names %s, which is not there", name, f, linked)
				}
			}
		}
	}
	changed, err := tx.Commit()
	if err != nil || !changed {
		t.Fatalf("Commit: changed %v, %v", changed, err)
	}
	want := []string{"episodes/a/chapters.json", "episodes/c/chapters.json", "index.html", "feed.json", "feed.xml", "episodes/b/chapters.json"}
	if !slices.Equal(steps, want) {
		t.Errorf("Commit went %v, want %v", steps, want)
	}
	if got := readAll(t, dir); !equal(got, v2) {
		t.Fatalf("published %v, want %v", got, v2)
	}
	if Partial(dir) {
		t.Error("the folder is still marked partial after Commit")
	}
	if _, err := os.Stat(filepath.Join(dir, "episodes/b")); !os.IsNotExist(err) {
		t.Errorf("the emptied folder episodes/b is still there (%v)", err)
	}
	after := stat(t, dir)
	if !os.SameFile(before, after) {
		t.Error("the folder was replaced; a publication changes files in it")
	}
	if after.ModTime().Equal(before.ModTime()) {
		t.Error("the folder's mtime did not change: a server cannot tell the new version")
	}
	if p := stat(t, filepath.Join(dir, "page/1/index.html")); !os.SameFile(p, unchanged) || !p.ModTime().Equal(unchanged.ModTime()) {
		t.Error("an unchanged file was replaced")
	}
	if got := siblings(t, dir); !slices.Equal(got, settled) {
		t.Errorf("left behind: %v", got)
	}
}

// TestKilledCommit kills a publisher between two renames of its Commit:
// the feed is still the old one, the folder is marked partial, and the
// next publication completes the new version and clears the mark. A
// publication that finds every file already right clears it too.
func TestKilledCommit(t *testing.T) {
	if dir := os.Getenv("CASTFEED_COMMIT_CHILD"); dir != "" {
		tx, err := Begin(dir)
		if err != nil {
			os.Exit(3)
		}
		for n, data := range killedV2 {
			tx.WriteFile(n, []byte(data))
		}
		tx.placed = func(string) {
			os.Stdout.WriteString("placed")
			time.Sleep(time.Minute) // killed here, mid-Commit
		}
		tx.Commit()
		os.Exit(4)
	}
	dir := filepath.Join(t.TempDir(), "public")
	publish(t, dir, killedV1)
	killChild(t, "TestKilledCommit", "CASTFEED_COMMIT_CHILD="+dir, "placed")

	got := readAll(t, dir)
	if got["feed.xml"] != killedV1["feed.xml"] {
		t.Fatalf("after a kill mid-Commit feed.xml is %q, want the old one", got["feed.xml"])
	}
	if got["episodes/a/chapters.json"] != killedV2["episodes/a/chapters.json"] {
		t.Fatalf("the kill did not land between renames: %v", got)
	}
	if !Partial(dir) {
		t.Fatal("a Commit killed between renames left no partial mark")
	}
	if !publish(t, dir, killedV2) {
		t.Fatal("the next publication reported no change")
	}
	if got := readAll(t, dir); !equal(got, killedV2) || Partial(dir) {
		t.Fatalf("after the next publication: %v, partial %v", got, Partial(dir))
	}
	if got := siblings(t, dir); !slices.Equal(got, settled) {
		t.Errorf("leftovers: %v", got)
	}

	// A mark left over while every file is right (the kill came after
	// the last rename) goes with the next publication, which changes
	// nothing.
	if err := os.WriteFile(partialName(dir), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if publish(t, dir, killedV2) {
		t.Error("republishing the same files reported a change")
	}
	if Partial(dir) {
		t.Error("a publication that found every file right kept the partial mark")
	}
}

var (
	killedV1 = map[string]string{"feed.xml": "<rss>1</rss>", "episodes/a/chapters.json": "a1", "episodes/b/chapters.json": "b1"}
	killedV2 = map[string]string{"feed.xml": "<rss>2</rss>", "episodes/a/chapters.json": "a2", "episodes/b/chapters.json": "b2"}
)

// TestManifest: a publication lists the folder's files beside it, and
// the next one trusts the list only for the version of the folder it was
// written for; otherwise it looks at the folder itself, and what it
// publishes is right either way.
func TestManifest(t *testing.T) {
	v1 := map[string]string{"feed.xml": "<rss>1</rss>", "episodes/a/chapters.json": "{a}", "episodes/b/chapters.json": "{bb}"}
	sizes := map[string]int64{}
	for n, data := range v1 {
		sizes[n] = int64(len(data))
	}
	for _, c := range []struct {
		name    string
		change  func(t *testing.T, dir string) // after v1 is published
		trusted bool
	}{
		{"as published", func(*testing.T, string) {}, true},
		{"a file added by hand at the top", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "notes.txt"), "by hand")
		}, false},
		{"a partial Commit", func(t *testing.T, dir string) {
			write(t, partialName(dir), "")
		}, false},
		{"the folder put back from a copy", func(t *testing.T, dir string) {
			copyTo := dir + "-copy"
			if err := os.CopyFS(copyTo, os.DirFS(dir)); err != nil {
				t.Fatal(err)
			}
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(copyTo, dir); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"a damaged list", func(t *testing.T, dir string) {
			data, err := os.ReadFile(manifestName(dir))
			if err != nil {
				t.Fatal(err)
			}
			write(t, manifestName(dir), string(data[:len(data)-2]))
		}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "public")
			publish(t, dir, v1)
			c.change(t, dir)
			tx, err := Begin(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Abort()
			if c.trusted != (tx.known != nil) {
				t.Fatalf("the list was trusted: %v, want %v", tx.known != nil, c.trusted)
			}
			if c.trusted && !maps.Equal(tx.known, sizes) {
				t.Fatalf("the list says %v, want %v", tx.known, sizes)
			}
			// The next version changes the feed, keeps a (vouched for) and
			// drops b.
			if err := tx.WriteFile("feed.xml", []byte("<rss>2</rss>")); err != nil {
				t.Fatal(err)
			}
			if err := tx.WriteKnown("episodes/a/chapters.json", 3, func() ([]byte, error) { return []byte("{a}"), nil }); err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			got := readAll(t, dir) // notes.txt too is gone: the folder is castfeed's
			if want := map[string]string{"feed.xml": "<rss>2</rss>", "episodes/a/chapters.json": "{a}"}; !equal(got, want) {
				t.Errorf("published %v, want %v", got, want)
			}
			if known := readManifest(dir); !maps.Equal(known, map[string]int64{"feed.xml": 12, "episodes/a/chapters.json": 3}) {
				t.Errorf("the list after the publication: %v", known)
			}
		})
	}
}

func write(t *testing.T, name, data string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
