package pipeline

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/castfeed/castfeed/diag"
	"github.com/castfeed/castfeed/episode"
	"github.com/castfeed/castfeed/internal/config"
	"github.com/castfeed/castfeed/internal/publish"
	"github.com/castfeed/castfeed/internal/sharedtest"
	"github.com/castfeed/castfeed/internal/xsdtest"
	"github.com/castfeed/castfeed/transcript"
	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// now is after every example episode and fixed, so goldens do not move.
var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// exampleShow copies the bundled example show into a temporary folder and
// returns options that build it there, offline, with local transcripts.
func exampleShow(t testing.TB) Options {
	t.Helper()
	cfg, err := config.Load("../../config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg.Episodes.Dir = copyDir(t, cfg.Episodes.Dir, filepath.Join(dir, "episodes"))
	cfg.Output.Dir = filepath.Join(dir, "public")
	cfg.State.Dir = filepath.Join(dir, "state")
	return Options{
		Config:      cfg,
		Offline:     true,
		Now:         func() time.Time { return now },
		Version:     "test",
		Transcripts: &transcript.Syncer{StateDir: filepath.Join(cfg.State.Dir, "transcripts"), Offline: true, Fetcher: &transcript.Fetcher{Languages: cfg.Transcripts.Languages}},
	}
}

// fixtureShow builds the real GeeksBlaBla files with a minimal config.
func fixtureShow(t testing.TB) Options {
	t.Helper()
	cfg := config.Default()
	dir := t.TempDir()
	cfg.Podcast.Title = "GeeksBlaBla"
	cfg.Podcast.Description = "A community podcast"
	cfg.Podcast.Link = "https://geeksblabla.community"
	cfg.Podcast.BaseURL = "https://feeds.example.org/geeksblabla"
	cfg.Podcast.Language = "ar-MA"
	cfg.Podcast.Owner = config.Owner{Name: "GeeksBlaBla", Email: "hello@example.org"}
	cfg.Podcast.Image = "https://feeds.example.org/cover.png"
	cfg.Podcast.Categories = []config.Category{{Name: "Technology"}}
	cfg.Podcast.Timezone = "Africa/Casablanca"
	cfg.Podcast.PublishTime = "20:00"
	cfg.Media.URLTemplate = "https://media.example.org/{{.Slug}}.mp3"
	cfg.Episodes.Dir = copyDir(t, sharedtest.Fixtures(t), filepath.Join(dir, "episodes"))
	cfg.Output.Dir = filepath.Join(dir, "public")
	cfg.State.Dir = filepath.Join(dir, "state")
	return Options{Config: cfg, Offline: true, Now: func() time.Time { return now }, Version: "test"}
}

func copyDir(t testing.TB, from, to string) string {
	t.Helper()
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
	return to
}

func mustRun(t testing.TB, opt Options) *Result {
	t.Helper()
	res, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return res
}

// snapshot reads every file of the output folder.
func snapshot(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestExampleShowGolden pins the whole output folder of the example show:
// every file is compared with testdata/example/, rewritten by -update.
func TestExampleShowGolden(t *testing.T) {
	opt := exampleShow(t)
	res := mustRun(t, opt)
	if res.Published != 6 || !res.Changed {
		t.Fatalf("published %d episodes (changed %v), want 6 (0007 is unpublished, 0008 is next)", res.Published, res.Changed)
	}
	// Episode 4's audio starts 12.5 s into the video: its first caption
	// is left out, and said so at its audio_offset line.
	if !slices.ContainsFunc(res.Diagnostics, func(d diag.Diagnostic) bool {
		return d.File == "episodes/episode-0004.md" && d.Line == 10 && d.Severity == diag.Warning &&
			strings.HasPrefix(d.Message, "1 transcript cues fall before the start of the audio after audio_offset -12.5s")
	}) {
		t.Errorf("no warning about episode 4's dropped caption: %v", res.Diagnostics)
	}
	got := snapshot(t, opt.Config.Output.Dir)
	golden := filepath.Join("testdata", "example")
	if *update {
		if err := os.RemoveAll(golden); err != nil {
			t.Fatal(err)
		}
		for name, data := range got {
			if strings.HasSuffix(name, ".png") || strings.HasPrefix(name, "media/") {
				continue
			}
			p := filepath.Join(golden, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := snapshot(t, golden)
	for name, data := range got {
		// Binary files are judged elsewhere (the tagged audio by
		// TestExampleAudioJudged).
		if strings.HasSuffix(name, ".png") || strings.HasPrefix(name, "media/") {
			continue
		}
		w, ok := want[name]
		switch {
		case !ok:
			t.Errorf("%s: written but not in testdata/example (run go test -update and review)", name)
		case !bytes.Equal(data, w):
			t.Errorf("%s differs from its golden file (run go test ./internal/pipeline -update and review the diff)", name)
		}
	}
	for name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("%s: in testdata/example but not written", name)
		}
	}
	for _, name := range []string{"feed.xml", "feed.atom", "feed.json", "cover.png",
		"episodes/episode-0001/chapters.json", "episodes/episode-0001/chapters.vtt",
		"episodes/episode-0001/transcript.vtt", "episodes/episode-0003/transcript.json", "episodes/episode-0004/transcript.srt"} {
		if _, ok := got[name]; !ok {
			t.Errorf("output lacks %s", name)
		}
	}
}

// TestExampleFeedIndependentParser reads the example feed with gofeed.
func TestExampleFeedIndependentParser(t *testing.T) {
	opt := exampleShow(t)
	mustRun(t, opt)
	validatePodcastElements(t, filepath.Join(opt.Config.Output.Dir, "feed.xml"))
	f := parseFeed(t, filepath.Join(opt.Config.Output.Dir, "feed.xml"))
	if f.Title != "Hallway Track" || len(f.Items) != 6 {
		t.Fatalf("title %q, %d items; want Hallway Track, 6", f.Title, len(f.Items))
	}
	wantGUIDs := []string{"episode-0006", "episode-0005", "episode-0004", "episode-0003", "episode-0002", "episode-0001"}
	for i, it := range f.Items {
		if it.GUID != wantGUIDs[i] {
			t.Errorf("item %d guid %q, want %q (newest first, guid = file slug)", i, it.GUID, wantGUIDs[i])
		}
		// The enclosure is the tagged copy castfeed published, MP3 or M4A
		// as the example's media folder has it.
		if len(it.Enclosures) != 1 {
			t.Fatalf("item %s: %d enclosures", it.GUID, len(it.Enclosures))
		}
		enc := it.Enclosures[0]
		ext, typ := ".mp3", "audio/mpeg"
		if strings.HasSuffix(enc.URL, ".m4a") {
			ext, typ = ".m4a", "audio/mp4"
		}
		if _, err := os.Stat(filepath.Join(opt.Config.Media.Dir, it.GUID+ext)); err != nil {
			t.Errorf("item %s: its enclosure %s is not the episode's own audio: %v", it.GUID, enc.URL, err)
		}
		fi, err := os.Stat(filepath.Join(opt.Config.Output.Dir, "media", it.GUID+ext))
		if err != nil {
			t.Fatal(err)
		}
		if enc.Length != strconv.FormatInt(fi.Size(), 10) || enc.Type != typ || enc.URL != "http://localhost:8080/media/"+it.GUID+ext {
			t.Errorf("item %s enclosure %+v; want the published media/%s%s, %d bytes, %s", it.GUID, *enc, it.GUID, ext, fi.Size(), typ)
		}
		if it.ITunesExt == nil || it.ITunesExt.Duration == "" {
			t.Errorf("item %s has no itunes:duration", it.GUID)
		}
		if it.PublishedParsed == nil || it.PublishedParsed.IsZero() {
			t.Errorf("item %s has no pubDate", it.GUID)
		}
	}
	// A date without a time goes out at publish_time in the show's zone,
	// on that very day; 0003 has its own time (20h:30min).
	casa, _ := time.LoadLocation("Africa/Casablanca")
	if got, want := f.Items[5].PublishedParsed.In(casa).Format("2006-01-02 15:04"), "2024-01-13 20:00"; got != want {
		t.Errorf("episode-0001 pubDate %s, want %s Casablanca time", got, want)
	}
	if got, want := f.Items[3].PublishedParsed.In(casa).Format("2006-01-02 15:04"), "2024-03-09 20:30"; got != want {
		t.Errorf("episode-0003 pubDate %s, want %s", got, want)
	}
	// Transcripts from local files, with podcast:transcript tags.
	tr := podcastExt(f.Items[3], "transcript")
	if len(tr) != 4 || tr[0].Attrs["language"] != "ar" || tr[0].Attrs["rel"] != "captions" {
		t.Errorf("episode-0003 transcripts %+v; want 4 formats in Arabic, the first with rel=captions", tr)
	}
	if ch := podcastExt(f.Items[5], "chapters"); len(ch) != 1 || ch[0].Attrs["type"] != "application/json+chapters" {
		t.Errorf("episode-0001 podcast:chapters %+v", ch)
	}
	// HTML and script in a title are text, never markup.
	for _, it := range f.Items {
		if strings.Contains(it.Title, "<script") {
			t.Errorf("title %q carries a script tag", it.Title)
		}
		if strings.Contains(strings.ToLower(it.Content), "<script") {
			t.Errorf("content:encoded of %s carries a script tag", it.GUID)
		}
	}
}

func parseFeed(t testing.TB, name string) *gofeed.Feed {
	t.Helper()
	r, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f, err := gofeed.NewParser().Parse(r)
	if err != nil {
		t.Fatalf("gofeed cannot parse %s: %v", name, err)
	}
	return f
}

func podcastExt(it *gofeed.Item, name string) []ext.Extension {
	return it.Extensions["podcast"][name]
}

// TestFixturesFeed builds the real, messy GeeksBlaBla files: every one
// that can be published is, with valid chapters, and the feed parses.
func TestFixturesFeed(t *testing.T) {
	opt := fixtureShow(t)
	res := mustRun(t, opt)
	if res.Published == 0 || res.Published > res.Files {
		t.Fatalf("published %d of %d files", res.Published, res.Files)
	}
	f := parseFeed(t, filepath.Join(opt.Config.Output.Dir, "feed.xml"))
	if len(f.Items) != res.Published {
		t.Fatalf("gofeed sees %d items, the build says %d", len(f.Items), res.Published)
	}
	seen := map[string]bool{}
	for i, it := range f.Items {
		if seen[it.GUID] || it.GUID == "" {
			t.Errorf("guid %q empty or repeated", it.GUID)
		}
		seen[it.GUID] = true
		if i > 0 && it.PublishedParsed.After(*f.Items[i-1].PublishedParsed) {
			t.Errorf("item %s is newer than the one before it: not newest first", it.GUID)
		}
		if len(it.Enclosures) != 1 || it.Enclosures[0].URL != "https://media.example.org/"+it.GUID+".mp3" {
			t.Errorf("item %s enclosure %+v", it.GUID, it.Enclosures)
		}
		if len(it.Description) > 4000 {
			t.Errorf("item %s description is %d bytes; Apple allows 4000", it.GUID, len(it.Description))
		}
	}
	validatePodcastElements(t, filepath.Join(opt.Config.Output.Dir, "feed.xml"))
}

// TestUnchangedRebuildTouchesNothing: the second build does no work and
// the folder, its files and their times stay exactly as they were.
func TestUnchangedRebuildTouchesNothing(t *testing.T) {
	opt := exampleShow(t)
	mustRun(t, opt)
	before := stats(t, opt.Config.Output.Dir)
	res := mustRun(t, opt)
	if !res.UpToDate || res.Changed {
		t.Fatalf("second build: up to date %v, changed %v; want a no-op", res.UpToDate, res.Changed)
	}
	if after := stats(t, opt.Config.Output.Dir); !equalStats(before, after) {
		t.Fatal("an unchanged rebuild touched the output folder")
	}
	// Forcing the work (a new config digest) still writes nothing new.
	opt.Config.Digest = "other"
	res = mustRun(t, opt)
	if res.UpToDate || res.Changed {
		t.Fatalf("rebuild with same output: up to date %v, changed %v; want work done, nothing changed", res.UpToDate, res.Changed)
	}
	if after := stats(t, opt.Config.Output.Dir); !equalStats(before, after) {
		t.Fatal("a rebuild producing identical output replaced files")
	}
}

// TestEditedEpisodeKeepsOthersFiles: editing one episode replaces the
// folder, but every other episode's files are the same inodes, untouched.
func TestEditedEpisodeKeepsOthersFiles(t *testing.T) {
	opt := exampleShow(t)
	mustRun(t, opt)
	before := stats(t, opt.Config.Output.Dir)
	edit(t, filepath.Join(opt.Config.Episodes.Dir, "episode-0002.md"), "Production, Carefully", "Production, Very Carefully")
	res := mustRun(t, opt)
	if !res.Changed {
		t.Fatal("an edited title did not change the output")
	}
	after := stats(t, opt.Config.Output.Dir)
	for name, b := range before {
		if strings.HasSuffix(name, "/") {
			continue // folders are new; the files in them are what apps fetch
		}
		a := after[name]
		changed := a != b
		// The feeds, the retitled episode's audio (tagged again) and
		// pages, and the show's page, which lists its title.
		wantChanged := strings.HasPrefix(name, "feed.") || name == "media/episode-0002.m4a" || name == "index.html" ||
			strings.HasPrefix(name, "episodes/episode-0002/") && strings.HasSuffix(name, ".html")
		if changed != wantChanged {
			t.Errorf("%s: changed=%v, want %v", name, changed, wantChanged)
		}
	}
}

type fileStat struct {
	ino   uint64
	mtime time.Time
	size  int64
}

func stats(t testing.TB, dir string) map[string]fileStat {
	t.Helper()
	out := map[string]fileStat{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			rel += "/"
		}
		s := fileStat{mtime: fi.ModTime(), size: fi.Size()}
		s.ino, _ = publish.Inode(fi)
		if d.IsDir() && rel == "./" {
			s.mtime, s.size = time.Time{}, 0 // the folder itself is checked by inode
		}
		out[rel] = s
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func equalStats(a, b map[string]fileStat) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func edit(t testing.TB, name, old, new string) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("%s does not contain %q", name, old)
	}
	if err := os.WriteFile(name, bytes.Replace(data, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBrokenEpisode: a new broken file is reported with its line and left
// out; every other episode is published.
func TestBrokenEpisode(t *testing.T) {
	opt := exampleShow(t)
	bad := filepath.Join(opt.Config.Episodes.Dir, "episode-0009.md")
	if err := os.WriteFile(bad, []byte("---\ntitle: Broken\ndate: [2024\n---\nBody\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(opt.Config.Episodes.Dir, "episode-0010.md"), []byte("\x00\x01binary"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := mustRun(t, opt)
	if res.Published != 6 {
		t.Fatalf("published %d, want the 6 good episodes", res.Published)
	}
	for _, slug := range []string{"episode-0009.md", "episode-0010.md"} {
		var found *diag.Diagnostic
		for i, d := range res.Diagnostics {
			if strings.HasSuffix(d.File, slug) && d.Severity == diag.Error {
				found = &res.Diagnostics[i]
			}
		}
		if found == nil {
			t.Errorf("no error reported for %s; got %v", slug, res.Diagnostics)
		} else if slug == "episode-0009.md" && found.Line != 3 {
			t.Errorf("%s: error at line %d, want 3: %v", slug, found.Line, found)
		}
	}
}

// TestBrokenPublishedEpisodeKeepsLastGood: once published, an episode whose
// file breaks stays in the feed as it last was.
func TestBrokenPublishedEpisodeKeepsLastGood(t *testing.T) {
	opt := exampleShow(t)
	mustRun(t, opt)
	// Another episode's edit rewrites the last good versions, copying
	// episode-0002's entry: the version kept below is that copy.
	edit(t, filepath.Join(opt.Config.Episodes.Dir, "episode-0001.md"), "Hello, Hallway Track", "Hello again")
	mustRun(t, opt)
	feedBefore, err := os.ReadFile(filepath.Join(opt.Config.Output.Dir, "feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(opt.Config.Episodes.Dir, "episode-0002.md"), []byte("---\ntitle: [oops\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := mustRun(t, opt)
	if res.Published != 6 {
		t.Fatalf("published %d, want 6 (the broken one kept)", res.Published)
	}
	feedAfter, err := os.ReadFile(filepath.Join(opt.Config.Output.Dir, "feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(feedBefore, feedAfter) {
		t.Error("the feed changed although the broken episode's last good version should be kept")
	}
	if !slices.ContainsFunc(res.Diagnostics, func(d diag.Diagnostic) bool {
		return strings.HasSuffix(d.File, "episode-0002.md") && strings.Contains(d.Message, "last published version")
	}) {
		t.Errorf("no warning that the last good version is kept: %v", res.Diagnostics)
	}
}

// TestRefusals: refreshes that would hurt subscribers leave the published
// folder byte for byte, and --force overrides them.
func TestRefusals(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, dir string)
		want   string
	}{
		{"guid change", func(t *testing.T, dir string) {
			edit(t, filepath.Join(dir, "episode-0003.md"), "published: true", "published: true\nguid: new-guid")
		}, `episode episode-0003 would change its guid from "episode-0003" to "new-guid"`},
		{"moved into the future while published", func(t *testing.T, dir string) {
			edit(t, filepath.Join(dir, "episode-0005.md"), "date: 2024-05-11", "date: 2027-05-11")
		}, `episode episode-0005 ("Accessibility Is a Feature & Not a Chore") was published and its file still exists`},
		{"episodes folder emptied", func(t *testing.T, dir string) {
			ents, _ := os.ReadDir(dir)
			for _, e := range ents {
				if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
					t.Fatal(err)
				}
			}
		}, "6 of 6 published episodes would vanish"},
		{"three of six deleted", func(t *testing.T, dir string) {
			for _, f := range []string{"episode-0001.md", "episode-0004.md", "episode-0006.md"} {
				if err := os.Remove(filepath.Join(dir, f)); err != nil {
					t.Fatal(err)
				}
			}
		}, `3 of 6 published episodes would vanish (their files are gone), more than serve.max_shrink (10%) and more than 2: episode-0001 ("Hello, Hallway Track"), episode-0004 ("Monoliths Are Fine, Actually"), episode-0006 ("Postgres as a Queue, a Cache and a Search Engine")`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := exampleShow(t)
			mustRun(t, opt)
			before := snapshot(t, opt.Config.Output.Dir)
			tc.change(t, opt.Config.Episodes.Dir)
			_, err := Run(context.Background(), opt)
			if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v; want a refusal mentioning %q", err, tc.want)
			}
			if after := snapshot(t, opt.Config.Output.Dir); !equalFiles(before, after) {
				t.Fatal("a refused refresh changed the published folder")
			}
			opt.Force = true
			if _, err := Run(context.Background(), opt); err != nil {
				t.Fatalf("--force: %v", err)
			}
			if after := snapshot(t, opt.Config.Output.Dir); equalFiles(before, after) {
				t.Fatal("--force did not publish")
			}
		})
	}
}

func equalFiles(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !bytes.Equal(b[k], v) {
			return false
		}
	}
	return true
}

// TestUnreadableEpisodesFolder: when the folder cannot be read at all, the
// refresh fails clearly and the published feed stays.
func TestUnreadableEpisodesFolder(t *testing.T) {
	opt := exampleShow(t)
	mustRun(t, opt)
	before := snapshot(t, opt.Config.Output.Dir)
	if err := os.RemoveAll(opt.Config.Episodes.Dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(opt.Config.Episodes.Dir, []byte("not a folder"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Run(context.Background(), opt)
	if err == nil || !strings.Contains(err.Error(), "episodes.dir") {
		t.Fatalf("err = %v; want an error naming episodes.dir", err)
	}
	if after := snapshot(t, opt.Config.Output.Dir); !equalFiles(before, after) {
		t.Fatal("a failed refresh changed the published folder")
	}
}

// TestCancelledBuild: a build cancelled midway, while reading or while
// writing the new folder, leaves the output as it was and the next one
// succeeds.
func TestCancelledBuild(t *testing.T) {
	for _, stage := range []string{"read", "items"} {
		t.Run("after "+stage, func(t *testing.T) {
			opt := exampleShow(t)
			mustRun(t, opt)
			before := snapshot(t, opt.Config.Output.Dir)
			edit(t, filepath.Join(opt.Config.Episodes.Dir, "episode-0001.md"), "Hello, Hallway Track", "Hello again")
			ctx, cancel := context.WithCancel(context.Background())
			if stage == "read" {
				opt.Progress = func(done, total int) {
					if done == 3 {
						cancel()
					}
				}
			} else {
				// The build logs the end of each stage: cancel when the
				// items are made, so publishing starts cancelled.
				opt.Logger = slog.New(cancelAt{stage, cancel})
			}
			if _, err := Run(ctx, opt); !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v; want context.Canceled", err)
			}
			if after := snapshot(t, opt.Config.Output.Dir); !equalFiles(before, after) {
				t.Fatal("a cancelled build changed the published folder")
			}
			opt.Progress, opt.Logger = nil, nil
			if res := mustRun(t, opt); !res.Changed {
				t.Fatal("the build after a cancelled one did not publish the edit")
			}
			// A cancelled build leaves its partial folder to the next.
			if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(opt.Config.Output.Dir), ".*tmp-*")); len(leftovers) > 0 {
				t.Errorf("the build after a cancelled one left %v", leftovers)
			}
		})
	}
}

// cancelAt is a log handler that cancels when a build stage ends.
type cancelAt struct {
	stage  string
	cancel context.CancelFunc
}

func (c cancelAt) Enabled(context.Context, slog.Level) bool { return true }
func (c cancelAt) WithAttrs([]slog.Attr) slog.Handler       { return c }
func (c cancelAt) WithGroup(string) slog.Handler            { return c }
func (c cancelAt) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "stage" && a.Value.String() == c.stage {
			c.cancel()
		}
		return true
	})
	return nil
}

// TestEditDuringBuild: a file edited while a build reads the show is
// built again by the next refresh, not taken as already built.
func TestEditDuringBuild(t *testing.T) {
	opt := exampleShow(t)
	name := filepath.Join(opt.Config.Episodes.Dir, "episode-0001.md")
	opt.Progress = func(done, total int) {
		if done == total {
			edit(t, name, "Hello, Hallway Track", "Hello again")
		}
	}
	mustRun(t, opt)
	opt.Progress = nil
	res := mustRun(t, opt)
	if res.UpToDate || !res.Changed {
		t.Fatalf("the refresh after an edit during the build: up to date %v, changed %v", res.UpToDate, res.Changed)
	}
	if feed := snapshot(t, opt.Config.Output.Dir)["feed.xml"]; !bytes.Contains(feed, []byte("Hello again")) {
		t.Error("the edit is not in the feed")
	}
}

// TestScheduledEpisode: an episode dated in the future appears at its time
// without any file changing.
func TestScheduledEpisode(t *testing.T) {
	opt := exampleShow(t)
	edit(t, filepath.Join(opt.Config.Episodes.Dir, "episode-0008.md"), "isNext: true", "isNext: false")
	edit(t, filepath.Join(opt.Config.Episodes.Dir, "episode-0008.md"), "date: 2024-08-10", "date: 2026-11-24")
	res := mustRun(t, opt)
	if res.Published != 6 {
		t.Fatalf("published %d before the date, want 6", res.Published)
	}
	clock := now
	opt.Now = func() time.Time { return clock }
	if res := mustRun(t, opt); !res.UpToDate {
		t.Fatal("the build before the due time did work")
	}
	clock = time.Date(2026, 11, 24, 19, 0, 1, 0, time.UTC) // 20:00:01 in Casablanca (UTC+1)
	if res := mustRun(t, opt); res.UpToDate || res.Published != 7 {
		t.Fatalf("after its time: up to date %v, published %d; want 7", res.UpToDate, res.Published)
	}
}

// validatePodcastElements checks the feed's podcast:* elements against
// the Podcasting 2.0 schema with xmllint.
func validatePodcastElements(t *testing.T, feedFile string) {
	t.Helper()
	data, err := os.ReadFile(feedFile)
	if err != nil {
		t.Fatal(err)
	}
	xsdtest.CheckFeed(t, data)
}

// TestLintFixtures pins what lint says about every real GeeksBlaBla file:
// each problem with its file and line, in testdata/fixtures.lint (rewritten
// by -update, reviewed in the diff).
func TestLintFixtures(t *testing.T) {
	opt := fixtureShow(t)
	diags, err := Lint(context.Background(), opt.Config, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	golden := filepath.Join("testdata", "fixtures.lint")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/pipeline -update)", err)
	}
	if b.String() != string(want) {
		t.Errorf("lint of the fixtures differs from %s (run go test ./internal/pipeline -update and review):\n%s", golden, b.String())
	}
	if diags.HasErrors() {
		t.Errorf("the fixtures are all publishable, but lint reports errors:\n%s", b.String())
	}
}

// TestDuplicateGUID: a guid used twice is an error at the second file's
// guid line; build leaves that episode out, lint reports the same.
func TestDuplicateGUID(t *testing.T) {
	opt := exampleShow(t)
	edit(t, filepath.Join(opt.Config.Episodes.Dir, "episode-0006.md"), "published: true", "published: true\nguid: episode-0005")
	line := 0
	data, err := os.ReadFile(filepath.Join(opt.Config.Episodes.Dir, "episode-0006.md"))
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "guid:") {
			line = i + 1
		}
	}
	res := mustRun(t, opt)
	want := diag.Diagnostic{File: "episodes/episode-0006.md", Line: line, Severity: diag.Error}
	found := slices.ContainsFunc(res.Diagnostics, func(d diag.Diagnostic) bool {
		return d.File == want.File && d.Line == want.Line && d.Severity == diag.Error &&
			strings.Contains(d.Message, `guid "episode-0005" is already used by episodes/episode-0005.md; this episode is left out`)
	})
	if !found || res.Published != 5 {
		t.Fatalf("published %d, diagnostics %v; want 5 and an error at %s:%d", res.Published, res.Diagnostics, want.File, line)
	}
	lint, err := Lint(context.Background(), opt.Config, nil, "")
	if err != nil || !lint.HasErrors() || !slices.ContainsFunc(lint, func(d diag.Diagnostic) bool { return d.Line == line && d.File == want.File }) {
		t.Fatalf("lint: %v, %v", err, lint)
	}
}

// TestWriteFailsMidway: an item that fails while the feeds are written
// (here: its text no longer parses) fails the publication promptly, with
// the pipeline's goroutines stopped, and leaves the published folder as
// it was.
func TestWriteFailsMidway(t *testing.T) {
	opt := exampleShow(t)
	mustRun(t, opt)
	before := snapshot(t, opt.Config.Output.Dir)
	good, err := os.ReadFile(filepath.Join(opt.Config.Episodes.Dir, "episode-0001.md"))
	if err != nil {
		t.Fatal(err)
	}
	sp, err := openSpool(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sp.close()
	// Enough items to fill every chunk in flight, one bad in the middle.
	var items []item
	for i := range 40 * chunkSize {
		src := string(good)
		if i == 20*chunkSize {
			src = "not an episode"
		}
		text, err := sp.put([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, item{slug: fmt.Sprintf("e%05d", i), name: "e.md", text: text, guid: fmt.Sprint(i),
			pubDate: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Duration(i) * time.Hour)})
	}
	s := &show{opt: opt, cfg: opt.Config, log: slog.New(slog.DiscardHandler), state: openState(opt.Config.State.Dir), reader: episode.NewReader().WithoutHTML(), spool: sp}
	done := make(chan error, 1)
	go func() {
		_, err := s.publish(context.Background(), items)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "no longer parses") {
			t.Fatalf("err = %v; want the bad item's error", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("publishing did not return: the pipeline is stuck")
	}
	if after := snapshot(t, opt.Config.Output.Dir); !equalFiles(before, after) {
		t.Fatal("a failed publication changed the published folder")
	}
}
