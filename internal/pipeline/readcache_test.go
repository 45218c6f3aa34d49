package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/castfeed/castfeed/episode"
)

// loadWith reads the show's files as a build does, with the read cache
// of its state folder and salt, and saves the cache.
func loadWith(t *testing.T, opt Options, salt [sha256.Size]byte) ([]*loaded, int) {
	t.Helper()
	cfg := opt.Config
	files, err := listEpisodes(cfg.Episodes.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(cfg.State.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	sp, err := openSpool(cfg.State.Dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sp.close)
	rc := openReadCache(cfg.State.Dir, salt)
	eps, err := loadAll(context.Background(), episode.NewReader().WithoutHTML(), cfg, files, displayName(cfg.Episodes.Dir, ""), nil, sp, rc)
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.save(); err != nil {
		t.Fatal(err)
	}
	rc.close()
	if left, _ := filepath.Glob(filepath.Join(cfg.State.Dir, ".read-cache-*")); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
	return eps, int(rc.hits.Load())
}

// sameLoaded reports whether two loaded episodes hold the same: the
// diagnostics, the text, and the detached episode (compared by its
// encoding and its publication date).
func sameLoaded(t *testing.T, a, b *loaded) bool {
	t.Helper()
	if a.name != b.name || a.slug != b.slug || a.text.sum != b.text.sum || !reflect.DeepEqual(a.diags, b.diags) || (a.ep == nil) != (b.ep == nil) {
		return false
	}
	if a.ep == nil {
		return true
	}
	ea, err1 := a.ep.MarshalBinary()
	eb, err2 := b.ep.MarshalBinary()
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	loc, _ := time.LoadLocation("Africa/Casablanca")
	pa, pb := a.ep.PubDate(loc, 20*time.Hour), b.ep.PubDate(loc, 20*time.Hour)
	return bytes.Equal(ea, eb) && pa.Equal(pb) && pa.Format(time.RFC1123Z) == pb.Format(time.RFC1123Z)
}

// TestReadCache: a second reading of the same files parses none of them
// and finds exactly what parsing found (episodes, diagnostics, texts), on
// the example show and on the realistic show with its broken files; an
// edited file is parsed again, and only it; another salt (castfeed or
// config) or a damaged cache parses everything again.
func TestReadCache(t *testing.T) {
	for name, opt := range map[string]func(*testing.T) Options{
		"example":   func(t *testing.T) Options { return exampleShow(t) },
		"realistic": func(t *testing.T) Options { return corpusShow(t, 400, false) },
	} {
		t.Run(name, func(t *testing.T) {
			opt := opt(t)
			salt := sha256.Sum256([]byte("castfeed under test"))
			parsed, hits := loadWith(t, opt, salt)
			if hits != 0 {
				t.Fatalf("a first reading restored %d files", hits)
			}
			broken := 0
			for _, l := range parsed {
				if l.ep == nil {
					broken++
				}
			}
			if name == "realistic" && broken == 0 {
				t.Fatal("the realistic show has no broken file: the test proves less than it says")
			}
			restored, hits := loadWith(t, opt, salt)
			if hits != len(parsed) {
				t.Fatalf("the second reading restored %d of %d files", hits, len(parsed))
			}
			for i := range parsed {
				if !sameLoaded(t, parsed[i], restored[i]) {
					t.Errorf("%s restored as %+v %v, parsed as %+v %v", parsed[i].name, restored[i].ep, restored[i].diags, parsed[i].ep, parsed[i].diags)
				}
			}

			edited := filepath.Join(opt.Config.Episodes.Dir, filepath.Base(parsed[len(parsed)/2].name))
			data, err := os.ReadFile(edited)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(edited, append(data, "\nOne more line.\n"...), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, hits := loadWith(t, opt, salt); hits != len(parsed)-1 {
				t.Errorf("after one edit %d of %d files were restored, want all but the edited one", hits, len(parsed))
			}
			other := sha256.Sum256([]byte("another castfeed"))
			if _, hits := loadWith(t, opt, other); hits != 0 {
				t.Errorf("another salt restored %d files", hits)
			}
			// The cache now holds other's records: cut its last one short.
			name := filepath.Join(opt.Config.State.Dir, "read-cache")
			whole, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, whole[:len(whole)-3], 0o644); err != nil {
				t.Fatal(err)
			}
			if again, hits := loadWith(t, opt, other); hits != 0 || len(again) != len(parsed) {
				t.Errorf("a damaged cache restored %d files", hits)
			}
		})
	}
}

// FuzzReadRecord: a damaged record is an error, never a panic, and what
// decodes encodes to a record that decodes the same.
func FuzzReadRecord(f *testing.F) {
	r := episode.NewReader().WithoutHTML()
	for _, src := range []string{"---\ntitle: T\ndate: 2024-01-02\n---\n\nSummary.\n\n## Notes\n\n0:00 - A\n9:00:00 - B\n", "no front matter"} {
		l := &loaded{name: "e.md", data: []byte(src)}
		l.parse(r, 0)
		if l.ep != nil {
			l.ep.Detach()
		}
		rec, ok := encodeRead(l)
		if !ok {
			f.Fatal("a parsed file could not be encoded")
		}
		f.Add(rec)
	}
	f.Fuzz(func(t *testing.T, rec []byte) {
		ep, diags, err := decodeRead(rec, "e.md")
		if err != nil {
			return
		}
		again, ok := encodeRead(&loaded{name: "e.md", ep: ep, diags: diags})
		if !ok {
			if ep == nil {
				t.Fatal("a decoded record does not encode")
			}
			return // an episode with a time MarshalBinary refuses
		}
		ep2, diags2, err := decodeRead(again, "e.md")
		if err != nil || !reflect.DeepEqual(diags, diags2) || (ep == nil) != (ep2 == nil) {
			t.Fatalf("decoded %v %v, encoded again and decoded %v %v (%v)", ep, diags, ep2, diags2, err)
		}
	})
}

// TestProblemsLogged: a cold build logs every problem; the next one, after
// one file is edited, logs that file's problems one by one and counts the
// others in one line.
func TestProblemsLogged(t *testing.T) {
	opt := corpusShow(t, 200, false)
	var logs bytes.Buffer
	opt.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	res := mustRun(t, opt)
	perFile := map[string]int{}
	for _, d := range res.Diagnostics {
		perFile[d.File]++
	}
	if got := strings.Count(logs.String(), `msg="episode problem"`); got != len(res.Diagnostics) || len(perFile) < 2 {
		t.Fatalf("a cold build logged %d problems of %d, in %d files", got, len(res.Diagnostics), len(perFile))
	}
	var edited string
	for f := range perFile {
		if strings.HasSuffix(f, ".md") {
			edited = f
			break
		}
	}
	name := filepath.Join(filepath.Dir(opt.Config.Episodes.Dir), filepath.FromSlash(edited))
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, append(data, "\nOne more line.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	logs.Reset()
	res = mustRun(t, opt)
	want := 0
	for _, d := range res.Diagnostics {
		if d.File == edited {
			want++
		}
	}
	if got := strings.Count(logs.String(), `msg="episode problem"`); got != want || want == 0 {
		t.Errorf("after editing %s: %d problems logged one by one, want its %d", edited, got, want)
	}
	summary := fmt.Sprintf(`problems=%d files=%d`, len(res.Diagnostics)-want, len(perFile)-1)
	if !strings.Contains(logs.String(), summary) {
		t.Errorf("no summary with %s of the unchanged files in:\n%s", summary, logs.String())
	}
}

// agedShow is the example show with its files' mtimes an hour ago, as a
// show's files are between two builds; it returns them and that time.
func agedShow(t *testing.T) (Options, []string, time.Time) {
	opt := exampleShow(t)
	files, err := listEpisodes(opt.Config.Episodes.Dir)
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	for _, f := range files {
		if err := os.Chtimes(f, old, old); err != nil {
			t.Fatal(err)
		}
	}
	return opt, files, old
}

// TestReadCacheByStat: a file whose size, mtime and inode are those the
// cache knows, well before the cache was written, is not read at all; its
// text is read when asked for, and checked. A file changed since, or
// changed too close to the cache's writing to tell, is read.
func TestReadCacheByStat(t *testing.T) {
	opt, files, old := agedShow(t)
	salt := sha256.Sum256([]byte("castfeed under test"))
	parsed, _ := loadWith(t, opt, salt)
	restored, hits := loadWith(t, opt, salt)
	if hits != len(files) {
		t.Fatalf("restored %d of %d files", hits, len(files))
	}
	for i, l := range restored {
		if l.text.kept || l.text.path != files[i] {
			t.Errorf("%s was read (text %+v): its stat is the cache's", l.name, l.text)
		}
		if !sameLoaded(t, parsed[i], l) {
			t.Errorf("%s restored otherwise than parsed", l.name)
		}
	}
	sp, err := openSpool(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sp.close()
	first := restored[0].text
	want, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if got, err := sp.get(first); err != nil || got != string(want) {
		t.Fatalf("the unread text reads back as %q, %v", got, err)
	}
	// Changed behind the cache's back, size and mtime kept: the text no
	// longer matches what was restored, and says so.
	changed := bytes.ToUpper(want)
	if err := os.WriteFile(files[0], changed, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(files[0], old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := sp.get(first); err == nil || !strings.Contains(err.Error(), "changed while castfeed was building") {
		t.Errorf("a text changed since it was restored: %v", err)
	}
	// Edited now: another mtime, read and parsed again; the others not
	// (files[0] too, as git would: its size, mtime and inode are the
	// cache's, see the README).
	if err := os.WriteFile(files[1], append(want, "\nOne more line.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	again, hits := loadWith(t, opt, salt)
	if hits != len(files)-1 || !again[1].text.kept {
		t.Errorf("after an edit %d of %d restored, the edited one read: %v", hits, len(files), again[1].text.kept)
	}
}

// TestReadCacheTouched: a file touched (its mtime moved, its bytes the
// same) is read once, restored by its digest, and its new stat kept, so
// that the next reading takes it as read again.
func TestReadCacheTouched(t *testing.T) {
	opt, files, old := agedShow(t)
	salt := sha256.Sum256([]byte("castfeed under test"))
	loadWith(t, opt, salt)
	touched := old.Add(time.Minute)
	if err := os.Chtimes(files[0], touched, touched); err != nil {
		t.Fatal(err)
	}
	eps, hits := loadWith(t, opt, salt)
	if hits != len(files) || !eps[0].text.kept {
		t.Fatalf("after a touch: %d of %d restored, the touched file read: %v", hits, len(files), eps[0].text.kept)
	}
	if eps, _ := loadWith(t, opt, salt); eps[0].text.kept {
		t.Error("the touched file is read again: its new stat was not kept")
	}
}

// TestReadCacheFollowsLinks: an episode file that is a symbolic link is
// known by its target's stat: an edit of the target is read, though the
// link itself did not change.
func TestReadCacheFollowsLinks(t *testing.T) {
	opt, files, old := agedShow(t)
	target := filepath.Join(t.TempDir(), "linked.md")
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(target, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(target, old, old); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(files[0]); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, files[0]); err != nil {
		t.Fatal(err)
	}
	salt := sha256.Sum256([]byte("castfeed under test"))
	loadWith(t, opt, salt)
	// The link itself is new: the cache, dated later, trusts its stat
	// (the link's, were it the one looked at).
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(opt.Config.State.Dir, "read-cache"), later, later); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(target, append(data, "\nOne more line.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	eps, hits := loadWith(t, opt, salt)
	if hits != len(files)-1 || !eps[0].text.kept {
		t.Errorf("after an edit of the link's target: %d of %d restored, the link read: %v", hits, len(files), eps[0].text.kept)
	}
}
