package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/castfeed/castfeed/diag"
	"github.com/castfeed/castfeed/transcript"
)

// The download itself is tested against a fake YouTube in transcript/;
// these check the wiring: which episodes are downloaded, how many per
// refresh, the published copy, and a failure that leaves the episode as
// it was.

// fakeDownloader is an AudioDownloader that copies a file, or fails for
// the videos in fail.
type fakeDownloader struct {
	src  []byte
	fail map[string]error

	mu    sync.Mutex
	calls []string
}

func (f *fakeDownloader) DownloadAudio(ctx context.Context, videoID, dst string) (transcript.AudioFile, error) {
	f.mu.Lock()
	f.calls = append(f.calls, videoID)
	f.mu.Unlock()
	if err := f.fail[videoID]; err != nil {
		return transcript.AudioFile{}, err
	}
	if err := os.WriteFile(dst, f.src, 0o644); err != nil {
		return transcript.AudioFile{}, err
	}
	return transcript.AudioFile{Path: dst, Size: int64(len(f.src)), Itag: 140}, nil
}

func (f *fakeDownloader) called() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Sorted(slices.Values(f.calls))
}

func youtubeEpisode(title, id, extra string) string {
	ep := audioEpisode(title, "0:00:06")
	return strings.Replace(ep, "---\n\n", "youtube: https://www.youtube.com/watch?v="+id+"\n"+extra+"---\n\n", 1)
}

// youtubeShow: three episodes with only a video, one whose video YouTube
// refuses, one with a local file and one hosted elsewhere (both with a
// video too, neither to be downloaded).
func youtubeShow(t *testing.T) (Options, *fakeDownloader) {
	t.Helper()
	opt := audioShow(t)
	cfg := opt.Config
	for _, name := range []string{"cut.md", "remote.md", "tone-mp3.md"} {
		if err := os.Remove(filepath.Join(cfg.Episodes.Dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	for slug, ep := range map[string]string{
		"yt-a": youtubeEpisode("Video A", "videoAAAAA1", ""), "yt-b": youtubeEpisode("Video B", "videoBBBBB2", ""),
		"yt-c": youtubeEpisode("Video C", "videoCCCCC3", ""), "yt-blocked": youtubeEpisode("Blocked", "videoDDDDD4", ""),
		"tone-m4a": youtubeEpisode("Local", "videoEEEEE5", ""),
		"hosted":   youtubeEpisode("Hosted", "videoFFFFF6", "audio: https://cdn.example.org/hosted.mp3\naudio_length: 1000\n"),
	} {
		if err := os.WriteFile(filepath.Join(cfg.Episodes.Dir, slug+".md"), []byte(ep), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg.Media.YouTube = true
	cfg.Media.YouTubeMaxPerRefresh = 2
	dl := &fakeDownloader{src: readTestFile(t, filepath.Join(audioTestdata, "tone.m4a")),
		fail: map[string]error{"videoDDDDD4": fmt.Errorf("video videoDDDDD4: HTTP 429: %w", transcript.ErrBlocked)}}
	opt.Offline = false
	opt.YouTubeAudio = dl
	return opt, dl
}

func TestYouTubeAudio(t *testing.T) {
	opt, dl := youtubeShow(t)
	res := mustRun(t, opt)
	if got := dl.called(); len(got) != 2 {
		t.Fatalf("first refresh downloaded %v, want 2 (media.youtube_max_per_refresh)", got)
	}
	if res.YouTubeAudio[ytDeferred] != 2 {
		t.Errorf("first refresh: outcomes %v, want 2 deferred", res.YouTubeAudio)
	}

	// Not up to date: two downloads are due.
	res = mustRun(t, opt)
	if res.UpToDate {
		t.Fatal("the second refresh skipped the downloads left over")
	}
	want := []string{"videoAAAAA1", "videoBBBBB2", "videoCCCCC3", "videoDDDDD4"}
	if got := dl.called(); !slices.Equal(got, want) {
		t.Fatalf("downloads %v, want %v: only episodes without an audio URL or local file", got, want)
	}
	if res.YouTubeAudio[ytCached] != 2 || res.YouTubeAudio[ytDownloaded]+res.YouTubeAudio[ytBlocked] != 2 {
		t.Errorf("second refresh: outcomes %v", res.YouTubeAudio)
	}

	out := opt.Config.Output.Dir
	f := parseFeed(t, filepath.Join(out, "feed.xml"))
	encs := map[string]string{}
	for _, it := range f.Items {
		encs[it.GUID] = it.Enclosures[0].URL + " " + it.Enclosures[0].Type
	}
	for _, slug := range []string{"yt-a", "yt-b", "yt-c"} {
		if want := opt.Config.Podcast.BaseURL + "/media/" + slug + ".m4a audio/mp4"; encs[slug] != want {
			t.Errorf("%s: enclosure %q, want %q", slug, encs[slug], want)
		}
		if p := ffprobeFile(t, filepath.Join(out, "media", slug+".m4a")); len(p.Chapters) != 3 {
			t.Errorf("%s: ffprobe reads %d chapters in the published copy, want 3", slug, len(p.Chapters))
		}
	}
	if want := "https://media.example.org/yt-blocked.mp3"; !strings.HasPrefix(encs["yt-blocked"], want+" ") {
		t.Errorf("blocked: enclosure %q, want the url_template's %s", encs["yt-blocked"], want)
	}
	if !strings.HasPrefix(encs["hosted"], "https://cdn.example.org/hosted.mp3 ") {
		t.Errorf("hosted: enclosure %q, want its audio URL", encs["hosted"])
	}
	if !slices.ContainsFunc(res.Diagnostics, func(d diag.Diagnostic) bool {
		return strings.HasSuffix(d.File, "yt-blocked.md") && d.Line > 0 && strings.Contains(d.Message, "videoDDDDD4 is not downloaded") &&
			strings.Contains(d.Message, "published as before")
	}) {
		t.Errorf("no warning at yt-blocked.md's youtube line: %v", res.Diagnostics)
	}

	// castfeed status: every episode met, what is left, the disk used.
	sts, disk, err := ReadYouTubeAudio(opt.Config.State.Dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, st := range sts {
		// Which of the two refreshes downloaded an episode depends on
		// the episodes' order: both outcomes mean the file is there.
		outcome := st.Outcome
		if outcome == ytCached || outcome == ytDownloaded {
			outcome = "ready"
		}
		got = append(got, fmt.Sprintf("%s %s %s next=%v size=%v", st.Slug, st.VideoID, outcome, !st.Next.IsZero(), st.Size > 0))
	}
	wantSts := []string{
		"yt-a videoAAAAA1 ready next=false size=true",
		"yt-b videoBBBBB2 ready next=false size=true",
		"yt-blocked videoDDDDD4 blocked next=true size=false",
		"yt-c videoCCCCC3 ready next=false size=true",
	}
	if !slices.Equal(got, wantSts) {
		t.Errorf("status:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantSts, "\n"))
	}
	if want := 3 * int64(len(dl.src)); disk != want {
		t.Errorf("disk used %d, want %d (three downloads)", disk, want)
	}

	// The refused video waits for its backoff: nothing is due.
	res = mustRun(t, opt)
	if !res.UpToDate || len(dl.called()) != 4 {
		t.Errorf("third refresh: up to date %v, downloads %v; want up to date, no new download", res.UpToDate, dl.called())
	}
}

func TestYouTubeAudioOffline(t *testing.T) {
	opt, dl := youtubeShow(t)
	opt.Offline = true
	res := mustRun(t, opt)
	if got := dl.called(); len(got) != 0 {
		t.Fatalf("an offline refresh downloaded %v", got)
	}
	f := parseFeed(t, filepath.Join(opt.Config.Output.Dir, "feed.xml"))
	for _, it := range f.Items {
		if it.GUID == "yt-a" && it.Enclosures[0].URL != "https://media.example.org/yt-a.mp3" {
			t.Errorf("yt-a offline: enclosure %s, want the url_template's", it.Enclosures[0].URL)
		}
	}
	if res.YouTubeAudio[ytDownloaded] != 0 {
		t.Errorf("outcomes %v", res.YouTubeAudio)
	}
}

func TestYouTubeAudioOff(t *testing.T) {
	opt, dl := youtubeShow(t)
	opt.Config.Media.YouTube = false
	mustRun(t, opt)
	if got := dl.called(); len(got) != 0 {
		t.Fatalf("media.youtube off, yet downloaded %v", got)
	}
}

func TestYouTubeBackoff(t *testing.T) {
	y := &youtubeAudio{retryMin: time.Hour, retryMax: 24 * time.Hour}
	for _, tc := range []struct {
		failures int
		want     time.Duration
	}{{1, time.Hour}, {2, 2 * time.Hour}, {4, 8 * time.Hour}, {5, 16 * time.Hour}, {6, 24 * time.Hour}, {40, 24 * time.Hour}} {
		if got := y.backoff(tc.failures); got != tc.want {
			t.Errorf("backoff after %d failures: %v, want %v", tc.failures, got, tc.want)
		}
	}
}

func TestYouTubeOutcome(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("x: %w", transcript.ErrBlocked), ytBlocked},
		{fmt.Errorf("x: %w", transcript.ErrNoAudio), ytUnavailable},
		{fmt.Errorf("x: %w", transcript.ErrVideoUnavailable), ytUnavailable},
		{fmt.Errorf("audio download cut at byte 5 of 9"), ytFailed},
	} {
		if got := ytOutcome(tc.err); got != tc.want {
			t.Errorf("ytOutcome(%v) = %s, want %s", tc.err, got, tc.want)
		}
	}
}
