package pipeline

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/castfeed/castfeed/diag"
	"github.com/castfeed/castfeed/internal/corpus"
)

// coldTwin returns opt building into a fresh output and state folder.
func coldTwin(t testing.TB, opt Options) Options {
	dir := t.TempDir()
	cfg := *opt.Config
	cfg.Output.Dir, cfg.State.Dir = filepath.Join(dir, "public"), filepath.Join(dir, "state")
	opt.Config = &cfg
	opt.Logger = nil
	return opt
}

// sameAsCold builds opt's show cold, in folders of its own, and holds
// opt's output folder to that build's.
func sameAsCold(t *testing.T, round string, opt Options) {
	t.Helper()
	cold := coldTwin(t, opt)
	mustRun(t, cold)
	sameOutput(t, round, opt.Config.Output.Dir, cold.Config.Output.Dir)
}

// sameOutput fails unless the two output folders hold the same files
// with the same bytes.
func sameOutput(t *testing.T, round string, got, want string) {
	t.Helper()
	g, w := snapshot(t, got), snapshot(t, want)
	for name, data := range w {
		if gd, ok := g[name]; !ok {
			t.Errorf("%s: %s is missing from the incremental build", round, name)
		} else if !bytes.Equal(gd, data) {
			t.Errorf("%s: %s differs from a cold build's", round, name)
		}
	}
	for name := range g {
		if _, ok := w[name]; !ok {
			t.Errorf("%s: the incremental build has %s, a cold build does not", round, name)
		}
	}
}

// TestIncrementalEqualsCold: after random edits, additions, deletions
// and config changes, a refresh that takes unchanged items from the item
// cache writes exactly the bytes of a cold build of the same input, and
// encodes only what changed.
func TestIncrementalEqualsCold(t *testing.T) {
	for _, show := range []struct {
		name string
		opt  func(t *testing.T) Options
	}{
		{"example", func(t *testing.T) Options { return exampleShow(t) }},
		{"corpus", func(t *testing.T) Options { return corpusShow(t, 150, false) }},
		{"corpus with captions", func(t *testing.T) Options { return corpusShow(t, 50, true) }},
	} {
		t.Run(show.name, func(t *testing.T) {
			opt := show.opt(t)
			opt.Force = true // deletions may trip the shrink guard; that is not what is tested
			rng := rand.New(rand.NewPCG(14, 15))
			var encoded int64
			opt.Logger = encodedBy(t, &encoded)
			mustRun(t, opt)
			next := 1000000
			for round := range 10 {
				files, err := listEpisodes(opt.Config.Episodes.Dir)
				if err != nil {
					t.Fatal(err)
				}
				what := mutate(t, rng, &opt, files, &next)
				label := fmt.Sprintf("round %d (%s)", round, what)
				encoded = -1
				res := mustRun(t, opt)
				cold := coldTwin(t, opt)
				coldRes := mustRun(t, cold)
				sameOutput(t, label, opt.Config.Output.Dir, cold.Config.Output.Dir)
				if res.Published != coldRes.Published {
					t.Errorf("%s: %d items, a cold build has %d", label, res.Published, coldRes.Published)
				}
				switch {
				case strings.HasPrefix(what, "edit") && encoded > 3,
					strings.HasPrefix(what, "add") && encoded > 1,
					strings.HasPrefix(what, "delete") && encoded > 0:
					t.Errorf("%s: %d items encoded again, want only the changed ones", label, encoded)
				case what == "config" && encoded != int64(res.Published):
					t.Errorf("%s: %d of %d items encoded again after a config change, want all", label, encoded, res.Published)
				}
			}
		})
	}
}

// mutate changes the show at random and says how.
func mutate(t *testing.T, rng *rand.Rand, opt *Options, files []string, next *int) string {
	t.Helper()
	pick := func() string { return files[rng.IntN(len(files))] }
	switch k := rng.IntN(5); k {
	case 0, 1:
		var names []string
		for range 1 + rng.IntN(3) {
			name := pick()
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			// Edit the summary, which goes into the item, and keep the
			// file as valid (or as broken) as it was.
			data = bytes.Replace(data, []byte("\n---\n\n"), fmt.Appendf(nil, "\n---\n\nEdited (%d). ", rng.IntN(1000)), 1)
			if err := os.WriteFile(name, data, 0o644); err != nil {
				t.Fatal(err)
			}
			names = append(names, filepath.Base(name))
		}
		slices.Sort(names)
		return "edit " + strings.Join(slices.Compact(names), " ")
	case 2:
		src, err := os.ReadFile(pick())
		if err != nil {
			t.Fatal(err)
		}
		*next++
		name := filepath.Join(opt.Config.Episodes.Dir, corpus.Name(*next))
		if err := os.WriteFile(name, src, 0o644); err != nil {
			t.Fatal(err)
		}
		return "add " + filepath.Base(name)
	case 3:
		if len(files) < 5 {
			return "nothing"
		}
		name := pick()
		if err := os.Remove(name); err != nil {
			t.Fatal(err)
		}
		return "delete " + filepath.Base(name)
	default:
		cfg := *opt.Config
		switch rng.IntN(3) {
		case 0:
			// Of the same length: a page that changes keeps its size, so only
			// its bytes tell.
			cfg.Podcast.Title = strings.ToUpper(cfg.Podcast.Title)
			cfg.Digest = "renamed" // as a changed config.yaml would
		case 1:
			cfg.Podcast.BaseURL += "/v2"
		default:
			cfg.Media.URLTemplate = strings.Replace(cfg.Media.URLTemplate, "media.", "cdn.", 1)
		}
		opt.Config = &cfg
		opt.Config.Digest = fmt.Sprint(rng.Uint64()) // as a changed config.yaml would
		return "config"
	}
}

// TestDamagedItemCache: a damaged pack or index costs encoding again,
// never a wrong feed.
func TestDamagedItemCache(t *testing.T) {
	for _, c := range []struct {
		name   string
		damage func(dir string) error
	}{
		{"pack bytes flipped", func(dir string) error {
			packs, _ := filepath.Glob(filepath.Join(dir, "pack-*"))
			for _, p := range packs {
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				for i := 10; i < len(data); i += 97 {
					data[i] ^= 0x55
				}
				if err := os.WriteFile(p, data, 0o644); err != nil {
					return err
				}
			}
			return nil
		}},
		{"pack truncated", func(dir string) error {
			packs, _ := filepath.Glob(filepath.Join(dir, "pack-*"))
			for _, p := range packs {
				if err := os.Truncate(p, 100); err != nil {
					return err
				}
			}
			return nil
		}},
		{"index truncated", func(dir string) error { return os.Truncate(filepath.Join(dir, "index"), 50) }},
		{"index garbage", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "index"), []byte(itemIndexHeader+strings.Repeat("x", indexEntrySize*3)), 0o644)
		}},
		{"packs gone", func(dir string) error {
			packs, _ := filepath.Glob(filepath.Join(dir, "pack-*"))
			for _, p := range packs {
				if err := os.Remove(p); err != nil {
					return err
				}
			}
			return nil
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			opt := exampleShow(t)
			mustRun(t, opt)
			if err := c.damage(filepath.Join(opt.Config.State.Dir, itemCacheDir)); err != nil {
				t.Fatal(err)
			}
			edit(t, filepath.Join(opt.Config.Episodes.Dir, "episode-0001.md"), "Hello, Hallway Track", "Hello again")
			mustRun(t, opt)
			sameAsCold(t, c.name, opt)
		})
	}
}

// FuzzDecodePieces: a damaged record is an error, never a panic, and
// what decodes encodes to a record that decodes the same.
func FuzzDecodePieces(f *testing.F) {
	rec, head := encodePieces(&pieces{feeds: [3][]byte{[]byte("<item/>"), []byte("<entry/>"), []byte("{}")},
		files: []outFile{{name: "chapters.json", data: []byte("{}")}, {name: entryFile, data: []byte("entry")}, {name: "index.html", data: []byte("<p>")}}})
	f.Add(rec, head)
	f.Add([]byte{3, 0, 0, 0}, 4)
	f.Fuzz(func(t *testing.T, rec []byte, head int) {
		p, err := decodePieces(rec, head)
		if err != nil {
			return
		}
		q, err := decodePieces(encodePieces(p))
		if err != nil {
			t.Fatalf("pieces decoded from %q do not decode after encoding: %v", rec, err)
		}
		if !slices.EqualFunc(p.feeds[:], q.feeds[:], bytes.Equal) || !slices.EqualFunc(p.files, q.files, func(a, b outFile) bool {
			return a.name == b.name && bytes.Equal(a.data, b.data)
		}) {
			t.Fatalf("round trip of %q changed the pieces: %+v, then %+v", rec, p, q)
		}
	})
}

// TestRestoredOutputIsCompared: a cached item's files are kept unread
// only while the output folder is the one the cache was committed with.
// Here an older copy of the folder is put back after an edit of the same
// length (so every changed file keeps its size): the next refresh must
// find the stale files and write exactly what a cold build writes.
func TestRestoredOutputIsCompared(t *testing.T) {
	opt := exampleShow(t)
	mustRun(t, opt)
	backup := copyDir(t, opt.Config.Output.Dir, filepath.Join(t.TempDir(), "backup"))

	files, err := listEpisodes(opt.Config.Episodes.Dir)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	// Upper-case the first lower-case letter of the notes: the feed
	// items and the pages change, and no file's size does.
	body := bytes.Index(data[4:], []byte("\n---\n")) + 4 + 5
	i := bytes.IndexFunc(data[body:], func(r rune) bool { return r >= 'a' && r <= 'z' })
	if body < 9 || i < 0 {
		t.Fatalf("%s: no front matter or no lower-case letter after it", files[0])
	}
	data[body+i] -= 'a' - 'A'
	if err := os.WriteFile(files[0], data, 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, opt)

	if err := os.RemoveAll(opt.Config.Output.Dir); err != nil {
		t.Fatal(err)
	}
	copyDir(t, backup, opt.Config.Output.Dir)
	if res := mustRun(t, opt); res.UpToDate || !res.Changed {
		t.Fatalf("after the old folder was put back: up to date %v, changed %v; want a build that changes it", res.UpToDate, res.Changed)
	}
	sameAsCold(t, "restored folder", opt)
}

// TestUnreadCaptionsKeepTheirWarning: on a refresh the syncer does not
// read a local caption file again, yet an episode with an audio offset
// still reports its cues that fall before the audio, and the output is a
// cold build's.
func TestUnreadCaptionsKeepTheirWarning(t *testing.T) {
	opt := exampleShow(t)
	// Old enough for the syncer to trust the files' times.
	hourAgo := time.Now().Add(-time.Hour)
	ents, err := os.ReadDir(opt.Config.Episodes.Dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if err := os.Chtimes(filepath.Join(opt.Config.Episodes.Dir, e.Name()), hourAgo, hourAgo); err != nil {
			t.Fatal(err)
		}
	}
	dropped := func(res *Result) bool {
		return slices.ContainsFunc(res.Diagnostics, func(d diag.Diagnostic) bool {
			return d.File == "episodes/episode-0004.md" && strings.Contains(d.Message, "transcript cues fall before the start")
		})
	}
	if res := mustRun(t, opt); !dropped(res) {
		t.Fatalf("first build: no warning about episode 4's dropped caption: %v", res.Diagnostics)
	}
	// The syncer's index of local files, by which it skips them next time.
	index, err := os.ReadFile(filepath.Join(opt.Config.State.Dir, "transcripts", ".local-files"))
	if err != nil || !bytes.Contains(index, []byte("episode-0004")) {
		t.Fatalf("no index of the local caption files after the first build: %v %q", err, index)
	}
	edit(t, filepath.Join(opt.Config.Episodes.Dir, "episode-0001.md"), "## Notes", "An edit.\n\n## Notes")
	if res := mustRun(t, opt); !dropped(res) {
		t.Fatalf("refresh: no warning about episode 4's dropped caption: %v", res.Diagnostics)
	}
	sameAsCold(t, "refresh with unread captions", opt)
}

// TestReencodedItemsKeepUnchangedFiles: a config change encodes every
// item again. The files that come out as the last build published them
// (chapters) keep their inode, so their Last-Modified and ETag stay put,
// without being read from the folder; those that changed (the pages,
// which name the show) are written, though their size did not change;
// and the folder is a cold build's.
func TestReencodedItemsKeepUnchangedFiles(t *testing.T) {
	opt := exampleShow(t)
	mustRun(t, opt)
	before := stats(t, opt.Config.Output.Dir)
	cfg := *opt.Config
	// Of the same length: a page that changes keeps its size, so only
	// its bytes tell.
	cfg.Podcast.Title = strings.ToUpper(cfg.Podcast.Title)
	cfg.Digest = "renamed" // as a changed config.yaml would
	opt.Config = &cfg
	var encoded int64
	opt.Logger = encodedBy(t, &encoded)
	if res := mustRun(t, opt); !res.Changed {
		t.Fatal("a new show title changed nothing")
	}
	if encoded != 6 {
		t.Fatalf("%d items encoded after a config change, want all 6", encoded)
	}
	after := stats(t, opt.Config.Output.Dir)
	kept, rewritten := 0, 0
	for name, st := range after {
		if !strings.HasPrefix(name, "episodes/") || strings.HasSuffix(name, "/") {
			continue
		}
		switch {
		case strings.HasSuffix(name, "/chapters.json") && st.ino == before[name].ino:
			kept++
		case strings.HasSuffix(name, "/chapters.json"):
			t.Errorf("%s was written again, though its bytes did not change", name)
		case strings.HasSuffix(name, "/index.html") && st.ino != before[name].ino:
			rewritten++
		}
	}
	if kept == 0 || rewritten == 0 {
		t.Fatalf("%d chapters files kept, %d pages rewritten; want some of each", kept, rewritten)
	}
	sameAsCold(t, "config change", opt)
}

// TestDamagedRecordFiles: a record whose files' bytes are damaged (its
// head, with the feed pieces, intact) is a miss when its files must be
// read: here the output folder was put back from a copy, so the cache
// cannot vouch for it. The output equals a cold build's.
func TestDamagedRecordFiles(t *testing.T) {
	opt := exampleShow(t)
	mustRun(t, opt)
	dir := filepath.Join(opt.Config.State.Dir, itemCacheDir)
	c := openItemCache(opt.Config.State.Dir)
	damaged := 0
	for _, loc := range c.index {
		if loc.n == loc.head {
			continue
		}
		f, err := os.OpenFile(c.packName(loc.pack), os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		at := loc.off + int64(loc.head) + int64(loc.n-loc.head)/2
		b := []byte{0}
		if _, err := f.ReadAt(b, at); err != nil {
			t.Fatal(err)
		}
		b[0] ^= 0x55
		if _, err := f.WriteAt(b, at); err != nil {
			t.Fatal(err)
		}
		f.Close()
		damaged++
	}
	c.close()
	if damaged == 0 {
		t.Fatalf("no record in %s has files: the test proves nothing", dir)
	}
	out := opt.Config.Output.Dir
	if err := os.CopyFS(out+"-copy", os.DirFS(out)); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(out); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(out+"-copy", out); err != nil {
		t.Fatal(err)
	}
	edit(t, filepath.Join(opt.Config.Episodes.Dir, "episode-0001.md"), "Hello, Hallway Track", "Hello again")
	mustRun(t, opt)
	sameAsCold(t, "damaged files", opt)
}

// TestFileDeletedByHand: the list of published files beside the output
// folder vouches for files deep in it, so a file deleted there by hand
// is not noticed; deleting the list, as the README says, makes the next
// build look, and put it back.
func TestFileDeletedByHand(t *testing.T) {
	opt := exampleShow(t)
	mustRun(t, opt)
	out := opt.Config.Output.Dir
	gone := filepath.Join(out, "episodes", "episode-0002", "chapters.json")
	want, err := os.ReadFile(gone)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".files")); err != nil {
		t.Fatal(err)
	}
	edit(t, filepath.Join(opt.Config.Episodes.Dir, "episode-0001.md"), "Hello, Hallway Track", "Hello again")
	mustRun(t, opt)
	if got, err := os.ReadFile(gone); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("the file deleted by hand: %v; want it back", err)
	}
}
