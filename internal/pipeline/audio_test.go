package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/castfeed/castfeed/audio"
	"github.com/castfeed/castfeed/diag"
)

// The audio stage's own tests judge the tagging with ffprobe and mutagen
// (audio/); these check the wiring: which episodes get a tagged copy, the
// enclosure, chapters.json agreeing with the file, the cache, bad audio.

const audioTestdata = "../../audio/testdata"

func audioEpisode(title, duration string) string {
	return "---\ndate: 2024-03-01\nduration: \"" + duration + "\"\ntitle: \"" + title + "\"\n---\n\nA tone, for testing.\n\n## Notes\n\n" +
		"00:00:00 - Start\n\n00:00:02 - [Middle](https://example.com/middle)\n\n00:00:04 - End\n"
}

// audioShow is a show of four episodes: an MP3, an M4A, an MP3 cut in
// half, and one with no local audio.
func audioShow(t *testing.T) Options {
	t.Helper()
	opt := fixtureShow(t)
	cfg := opt.Config
	dir := t.TempDir()
	cfg.Podcast.Title = "Tones"
	cfg.Podcast.Author = "The Tone Makers"
	cfg.Podcast.Timezone = "UTC"
	cfg.Episodes.Dir = filepath.Join(dir, "episodes")
	cfg.Media.Dir = filepath.Join(dir, "media")
	for _, d := range []string{cfg.Episodes.Dir, cfg.Media.Dir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(name string, data []byte) {
		t.Helper()
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mp3 := readTestFile(t, filepath.Join(audioTestdata, "tone.mp3"))
	for slug, ep := range map[string]string{
		"tone-mp3": audioEpisode("An MP3", "0:00:06"), "tone-m4a": audioEpisode("An M4A", "0:00:06"),
		"cut": audioEpisode("Cut short", "0:00:06"), "remote": audioEpisode("No local file", "0:00:06"),
	} {
		write(filepath.Join(cfg.Episodes.Dir, slug+".md"), []byte(ep))
	}
	write(filepath.Join(cfg.Media.Dir, "tone-mp3.mp3"), mp3)
	write(filepath.Join(cfg.Media.Dir, "tone-m4a.m4a"), readTestFile(t, filepath.Join(audioTestdata, "tone.m4a")))
	write(filepath.Join(cfg.Media.Dir, "cut.mp3"), mp3[:len(mp3)/2])
	return opt
}

func readTestFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type ffprobeChapters struct {
	Chapters []struct {
		StartTime string            `json:"start_time"`
		EndTime   string            `json:"end_time"`
		Tags      map[string]string `json:"tags"`
	} `json:"chapters"`
	Format struct {
		Duration string `json:"duration"`
	} `json:"format"`
}

func ffprobeFile(t *testing.T, path string) ffprobeChapters {
	t.Helper()
	bin, err := exec.LookPath("ffprobe")
	if err != nil {
		t.Fatalf("ffprobe not found (%v); install it: apt-get install ffmpeg", err)
	}
	out, err := exec.Command(bin, "-v", "error", "-show_chapters", "-show_format", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var p ffprobeChapters
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func ms(t *testing.T, s string) int64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return int64(f*1000 + 0.5)
}

func TestLocalAudioPublished(t *testing.T) {
	opt := audioShow(t)
	res := mustRun(t, opt)
	if res.Audio["tagged"] != 2 || res.Audio["failed"] != 1 {
		t.Fatalf("audio outcomes %v, want 2 tagged and 1 failed", res.Audio)
	}
	out := opt.Config.Output.Dir
	f := parseFeed(t, filepath.Join(out, "feed.xml"))
	byGUID := map[string]int{}
	for i, it := range f.Items {
		byGUID[it.GUID] = i
	}
	for slug, typ := range map[string]string{"tone-mp3.mp3": "audio/mpeg", "tone-m4a.m4a": "audio/mp4"} {
		guid := strings.TrimSuffix(slug, filepath.Ext(slug))
		it := f.Items[byGUID[guid]]
		path := filepath.Join(out, "media", slug)
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatalf("%s not published: %v", slug, err)
		}
		enc := it.Enclosures[0]
		if enc.URL != opt.Config.Podcast.BaseURL+"/media/"+slug || enc.Length != strconv.FormatInt(fi.Size(), 10) || enc.Type != typ {
			t.Errorf("%s: enclosure %+v, want media/%s, %d bytes, %s", guid, *enc, slug, fi.Size(), typ)
		}
		if it.ITunesExt.Duration != "6" {
			t.Errorf("%s: itunes:duration %q, want 6 (the audio's)", guid, it.ITunesExt.Duration)
		}
		// chapters.json and the file agree, as ffprobe reads it.
		var doc struct {
			Chapters []struct {
				StartTime float64 `json:"startTime"`
				EndTime   float64 `json:"endTime"`
				Title     string  `json:"title"`
			} `json:"chapters"`
		}
		if err := json.Unmarshal(readTestFile(t, filepath.Join(out, "episodes", guid, "chapters.json")), &doc); err != nil {
			t.Fatal(err)
		}
		p := ffprobeFile(t, path)
		if len(p.Chapters) != 3 || len(doc.Chapters) != 3 {
			t.Fatalf("%s: ffprobe reads %d chapters, chapters.json has %d; want 3", slug, len(p.Chapters), len(doc.Chapters))
		}
		for i, c := range doc.Chapters {
			got := p.Chapters[i]
			if d := ms(t, got.StartTime) - int64(c.StartTime*1000); d < -1 || d > 1 || got.Tags["title"] != c.Title {
				t.Errorf("%s chapter %d: ffprobe %s %q, chapters.json %v %q", slug, i, got.StartTime, got.Tags["title"], c.StartTime, c.Title)
			}
		}
		if last := doc.Chapters[2].EndTime; ms(t, p.Chapters[2].EndTime) != int64(last*1000+0.5) {
			t.Errorf("%s: last chapter ends at %s in the file, %v in chapters.json", slug, p.Chapters[2].EndTime, last)
		}
	}
	// The cut file is reported at its episode and published as it was.
	if !slices.ContainsFunc(res.Diagnostics, func(d diag.Diagnostic) bool {
		return strings.HasSuffix(d.File, "cut.md") && strings.Contains(d.Message, "cut.mp3 cannot be published with its chapters") &&
			strings.Contains(d.Message, "published with the file as it is")
	}) {
		t.Errorf("no diagnostic for cut.mp3: %v", res.Diagnostics)
	}
	if enc := f.Items[byGUID["cut"]].Enclosures[0]; enc.URL != "https://media.example.org/cut.mp3" {
		t.Errorf("cut: enclosure %s, want the url_template's", enc.URL)
	}
	if enc := f.Items[byGUID["remote"]].Enclosures[0]; enc.URL != "https://media.example.org/remote.mp3" {
		t.Errorf("remote: enclosure %s, want the url_template's", enc.URL)
	}
	if _, err := os.Stat(filepath.Join(out, "media", "cut.mp3")); err == nil {
		t.Error("the cut file was published under media/")
	}
}

// TestLocalAudioCached: a refresh whose audio inputs did not change reads
// no audio. The MP3's bytes are replaced (same size, same mtime): had the
// refresh read them, its tagged copy would change.
func TestLocalAudioCached(t *testing.T) {
	opt := audioShow(t)
	mustRun(t, opt)
	out := filepath.Join(opt.Config.Output.Dir, "media", "tone-mp3.mp3")
	before := readTestFile(t, out)
	beforeStat, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(opt.Config.Media.Dir, "tone-mp3.mp3")
	fi, err := os.Stat(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, make([]byte, fi.Size()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(src, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	opt.Config.Digest = "force the work"
	res := mustRun(t, opt)
	if res.UpToDate || res.Audio["cached"] != 2 || res.Audio["tagged"] != 0 {
		t.Fatalf("second refresh: up to date %v, audio %v; want work done, 2 cached, none tagged", res.UpToDate, res.Audio)
	}
	after, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(beforeStat, after) || string(readTestFile(t, out)) != string(before) {
		t.Error("the unchanged episode's published audio was replaced")
	}

	// A retitled episode is tagged again, and only it.
	edit(t, filepath.Join(opt.Config.Episodes.Dir, "tone-m4a.md"), "An M4A", "An M4A, retitled")
	res = mustRun(t, opt)
	if res.Audio["tagged"] != 1 || res.Audio["cached"] != 1 {
		t.Errorf("after a retitle: audio %v, want 1 tagged, 1 cached", res.Audio)
	}
}

// TestBrokenAudioKeepsLastPublished: audio that breaks after it was
// published keeps its last tagged copy, with a warning.
func TestBrokenAudioKeepsLastPublished(t *testing.T) {
	opt := audioShow(t)
	mustRun(t, opt)
	out := filepath.Join(opt.Config.Output.Dir, "media", "tone-m4a.m4a")
	before := readTestFile(t, out)
	src := filepath.Join(opt.Config.Media.Dir, "tone-m4a.m4a")
	if err := os.WriteFile(src, []byte("not audio at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := mustRun(t, opt)
	if !slices.ContainsFunc(res.Diagnostics, func(d diag.Diagnostic) bool {
		return strings.HasSuffix(d.File, "tone-m4a.md") && strings.Contains(d.Message, "keeps its last published audio")
	}) {
		t.Errorf("no warning that the last audio is kept: %v", res.Diagnostics)
	}
	if string(readTestFile(t, out)) != string(before) {
		t.Error("the published audio changed although the new source is broken")
	}
}

func TestAudioDurationMismatch(t *testing.T) {
	opt := audioShow(t)
	p := filepath.Join(opt.Config.Episodes.Dir, "tone-mp3.md")
	edit(t, p, "0:00:06", "0:01:00")
	want := func(d diag.Diagnostic) bool {
		return strings.HasSuffix(d.File, "tone-mp3.md") && d.Line == 3 && strings.Contains(d.Message, "duration 1m0s is not the audio file's (6s)")
	}
	res := mustRun(t, opt)
	if !slices.ContainsFunc(res.Diagnostics, want) {
		t.Errorf("build: no duration warning at line 3: %v", res.Diagnostics)
	}
	diags, err := Lint(context.Background(), opt.Config, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(diags, want) {
		t.Errorf("lint: no duration warning at line 3: %v", diags)
	}
	if slices.ContainsFunc(diags, func(d diag.Diagnostic) bool {
		return strings.HasSuffix(d.File, "tone-m4a.md") && strings.Contains(d.Message, "duration")
	}) {
		t.Errorf("lint warns about the M4A, whose duration is right: %v", diags)
	}
}

// TestTaggedCopiesOfGoneEpisodesRemoved: the state folder does not keep
// the tagged copy of an episode whose audio left media.dir.
func TestTaggedCopiesOfGoneEpisodesRemoved(t *testing.T) {
	opt := audioShow(t)
	mustRun(t, opt)
	kept := filepath.Join(opt.Config.State.Dir, "audio", "tone-m4a.m4a")
	if _, err := os.Stat(kept); err != nil {
		t.Fatalf("no tagged copy in the state folder: %v", err)
	}
	if err := os.Remove(filepath.Join(opt.Config.Media.Dir, "tone-m4a.m4a")); err != nil {
		t.Fatal(err)
	}
	res := mustRun(t, opt)
	if _, err := os.Stat(kept); err == nil {
		t.Error("the tagged copy of an episode without local audio is still in the state folder")
	}
	if res.Audio["cached"] != 1 {
		t.Errorf("audio %v, want the MP3 cached", res.Audio)
	}
}

// BenchmarkAudioRefresh200: a refresh of a 200-episode show whose audio
// is local MP3s, forced to do the work (a new config digest) with no audio
// changed: every episode's tagged copy comes from the state folder, and
// no audio is read (audio-tagged is 0).
//
//	go test -run '^$' -bench AudioRefresh200 ./internal/pipeline/
func BenchmarkAudioRefresh200(b *testing.B) {
	opt := syntheticShow(b, 200)
	media := filepath.Join(filepath.Dir(opt.Config.Episodes.Dir), "media")
	if err := os.MkdirAll(media, 0o755); err != nil {
		b.Fatal(err)
	}
	mp3, err := os.ReadFile(filepath.Join(audioTestdata, "tone.mp3"))
	if err != nil {
		b.Fatal(err)
	}
	for i := 1; i <= 200; i++ {
		if err := os.WriteFile(filepath.Join(media, fmt.Sprintf("episode-%06d.mp3", i)), mp3, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	opt.Config.Media.Dir = media
	res, err := Run(context.Background(), opt)
	if err != nil || res.Audio["tagged"] != 200 {
		b.Fatalf("first build: %v, audio %v; want 200 tagged", err, res.Audio)
	}
	n := 0
	for b.Loop() {
		n++
		opt.Config.Digest = strconv.Itoa(n)
		res, err = Run(context.Background(), opt)
		if err != nil || res.UpToDate || res.Audio["cached"] != 200 {
			b.Fatalf("refresh: %v, up to date %v, audio %v; want the work done, 200 cached", err, res.UpToDate, res.Audio)
		}
	}
	b.ReportMetric(float64(res.Audio["cached"]), "audio-cached")
	b.ReportMetric(float64(res.Audio["tagged"]), "audio-tagged")
}

// TestTagAudioCancelled: a cancelled refresh stops tagging mid-file and
// leaves no partial copy behind.
func TestTagAudioCancelled(t *testing.T) {
	opt := audioShow(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, opt); err == nil {
		t.Fatal("a cancelled refresh succeeded")
	}
	ents, _ := os.ReadDir(filepath.Join(opt.Config.State.Dir, "audio"))
	for _, e := range ents {
		t.Errorf("left in the state folder: %s", e.Name())
	}
	src, err := os.Open(filepath.Join(opt.Config.Media.Dir, "tone-mp3.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "x.mp3")
	if _, err := writeTagged(ctx, out, src, fi.Size(), audio.Tags{}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("writeTagged after cancel: %v, want context.Canceled", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a cancelled copy was renamed into place")
	}
}

// TestLocalAudioSameBytesWithoutState: tagging depends only on its
// inputs; with the state folder lost, the copies are made again, byte for
// byte the same, and the published files keep their inodes (ETags).
func TestLocalAudioSameBytesWithoutState(t *testing.T) {
	opt := audioShow(t)
	mustRun(t, opt)
	pub := filepath.Join(opt.Config.Output.Dir, "media")
	before := map[string]os.FileInfo{}
	for _, name := range []string{"tone-mp3.mp3", "tone-m4a.m4a"} {
		fi, err := os.Stat(filepath.Join(pub, name))
		if err != nil {
			t.Fatal(err)
		}
		before[name] = fi
	}
	if err := os.RemoveAll(filepath.Join(opt.Config.State.Dir, "audio")); err != nil {
		t.Fatal(err)
	}
	opt.Config.Digest = "force the work"
	if res := mustRun(t, opt); res.Audio["tagged"] != 2 {
		t.Fatalf("audio %v, want both tagged again", res.Audio)
	}
	for name, b := range before {
		a, err := os.Stat(filepath.Join(pub, name))
		if err != nil {
			t.Fatal(err)
		}
		if !os.SameFile(a, b) {
			t.Errorf("%s: tagged again from the same inputs, the published file was replaced", name)
		}
	}
}
