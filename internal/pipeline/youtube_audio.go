package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/castfeed/castfeed/diag"
	"github.com/castfeed/castfeed/internal/atomicfile"
	"github.com/castfeed/castfeed/transcript"
)

// With media.youtube on, an episode with a youtube video and neither an
// audio URL nor a file in media.dir gets the video's audio, downloaded
// once into the state folder (youtube-audio/<slug>.m4a) and then tagged
// and published like a local file (audio.go). A refresh downloads at most
// media.youtube_max_per_refresh of them, one after the other, through the
// transcripts' YouTube client (its rate limiter and cookies); an offline
// refresh downloads none. A failed download is a warning naming the
// episode, which is published as before (media.url_template), and is tried
// again after a backoff (transcripts.retry_min, doubling up to retry_max).

// AudioDownloader downloads the audio of a YouTube video into dst; a
// *transcript.Fetcher is one.
type AudioDownloader interface {
	DownloadAudio(ctx context.Context, videoID, dst string) (transcript.AudioFile, error)
}

var _ AudioDownloader = (*transcript.Fetcher)(nil)

// youtubeAudioDir is the state folder's directory of downloaded audio.
const youtubeAudioDir = "youtube-audio"

// Download outcomes, as counted in Result.YouTubeAudio and kept in the
// index for `castfeed status`.
const (
	ytDownloaded  = "downloaded"
	ytCached      = "cached"
	ytDeferred    = "deferred" // over media.youtube_max_per_refresh, or waiting on a retry
	ytBlocked     = "blocked"
	ytUnavailable = "unavailable"
	ytFailed      = "failed"
)

// ytRecord is what the index remembers of an episode's download, for the
// backoff and for `castfeed status`.
type ytRecord struct {
	VideoID  string    `json:"video_id"`
	Outcome  string    `json:"outcome"`
	Error    string    `json:"error,omitempty"`
	Tried    time.Time `json:"tried,omitzero"` // the last failed attempt
	Failures int       `json:"failures,omitempty"`
	Next     time.Time `json:"next,omitzero"`  // when a deferred download may be tried
	Size     int64     `json:"size,omitempty"` // of the downloaded file
}

// youtubeAudio is one refresh's downloads.
type youtubeAudio struct {
	dir      string
	dl       AudioDownloader     // nil: offline
	left     int                 // downloads this refresh may still make
	last     map[string]ytRecord // the previous refresh's index
	now      map[string]ytRecord // this refresh's: the episodes met
	counts   map[string]int
	due      time.Time // when a deferred download is next to be tried
	retryMin time.Duration
	retryMax time.Duration
}

func (s *show) openYouTubeAudio() *youtubeAudio {
	y := &youtubeAudio{dir: filepath.Join(s.cfg.State.Dir, youtubeAudioDir), left: s.cfg.Media.YouTubeMaxPerRefresh,
		last: map[string]ytRecord{}, now: map[string]ytRecord{}, counts: map[string]int{},
		retryMin: s.cfg.Transcripts.RetryMin, retryMax: s.cfg.Transcripts.RetryMax}
	if data, err := os.ReadFile(filepath.Join(y.dir, "index.json")); err == nil {
		if err := json.Unmarshal(data, &y.last); err != nil {
			// A damaged index only forgets when to retry.
			s.log.Warn("youtube audio index unreadable", "error", err)
			y.last = map[string]ytRecord{}
		}
	}
	if !s.opt.Offline {
		y.dl = s.opt.YouTubeAudio
		if y.dl == nil {
			y.dl = s.fetcher()
		}
	}
	return y
}

// fetcher is the YouTube client of the refresh: the transcripts' own when
// they are on, so that captions and audio share one rate limiter.
func (s *show) fetcher() *transcript.Fetcher {
	if sy, ok := s.opt.Transcripts.(*transcript.Syncer); ok && sy.Fetcher != nil {
		return sy.Fetcher
	}
	return NewFetcher(s.cfg, s.log)
}

// backoff is how long after its n-th failure a download is tried again.
func (y *youtubeAudio) backoff(n int) time.Duration {
	d := y.retryMin
	for i := 1; i < n && d < y.retryMax; i++ {
		d *= 2
	}
	return min(d, y.retryMax)
}

// later records a download left for a refresh at or after at.
func (y *youtubeAudio) later(slug string, rec ytRecord, at time.Time) {
	if rec.Outcome == "" {
		rec.Outcome = ytDeferred
		y.counts[ytDeferred]++
	}
	rec.Next = at
	y.now[slug] = rec
	if y.due.IsZero() || at.Before(y.due) {
		y.due = at
	}
}

// youtubeSource returns the downloaded audio of an episode as the source
// of the tagging path, downloading it first when this refresh may.
func (s *show) youtubeSource(ctx context.Context, l *loaded) (string, mediaFile, bool, diag.List) {
	ep := l.ep
	if !s.cfg.Media.YouTube || ep.YouTubeID == "" || ep.Audio != "" {
		return "", mediaFile{}, false, nil
	}
	if s.youtube == nil {
		s.youtube = s.openYouTubeAudio()
	}
	y := s.youtube
	path := filepath.Join(y.dir, l.slug+".m4a")
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		y.counts[ytCached]++
		y.now[l.slug] = ytRecord{VideoID: ep.YouTubeID, Outcome: ytCached, Size: fi.Size()}
		return path, mediaFile{name: filepath.Base(path), ext: ".m4a", size: fi.Size(), modTime: fi.ModTime()}, true, nil
	}
	rec := y.last[l.slug]
	if rec.VideoID != ep.YouTubeID || rec.Failures == 0 {
		rec = ytRecord{VideoID: ep.YouTubeID}
	}
	if y.dl == nil {
		// Offline: left for the next online refresh.
		if rec.Outcome == "" {
			rec.Outcome = ytDeferred
		}
		y.now[l.slug] = rec
		return "", mediaFile{}, false, nil
	}
	if rec.Failures > 0 {
		if at := rec.Tried.Add(y.backoff(rec.Failures)); s.now.Before(at) {
			y.counts[ytDeferred]++
			y.later(l.slug, rec, at)
			return "", mediaFile{}, false, nil
		}
	}
	if y.left <= 0 {
		y.later(l.slug, ytRecord{VideoID: ep.YouTubeID, Tried: rec.Tried, Failures: rec.Failures, Error: rec.Error}, s.now)
		return "", mediaFile{}, false, nil
	}
	y.left--
	if err := os.MkdirAll(y.dir, 0o755); err != nil {
		return "", mediaFile{}, false, diag.List{s.youtubeWarning(l, err)}
	}
	got, err := y.dl.DownloadAudio(ctx, ep.YouTubeID, path)
	if err != nil {
		if ctx.Err() != nil {
			return "", mediaFile{}, false, nil // the refresh is stopping
		}
		outcome := ytOutcome(err)
		y.counts[outcome]++
		rec.Outcome, rec.Error, rec.Tried, rec.Failures = outcome, err.Error(), s.now, rec.Failures+1
		y.later(l.slug, rec, s.now.Add(y.backoff(rec.Failures)))
		s.log.Warn("youtube audio not downloaded", "episode", l.slug, "video_id", ep.YouTubeID, "outcome", outcome, "error", err)
		return "", mediaFile{}, false, diag.List{s.youtubeWarning(l, err)}
	}
	y.counts[ytDownloaded]++
	fi, err := os.Stat(got.Path)
	if err != nil {
		return "", mediaFile{}, false, diag.List{s.youtubeWarning(l, err)}
	}
	y.now[l.slug] = ytRecord{VideoID: ep.YouTubeID, Outcome: ytDownloaded, Size: fi.Size()}
	return got.Path, mediaFile{name: filepath.Base(got.Path), ext: ".m4a", size: fi.Size(), modTime: fi.ModTime()}, true, nil
}

func (s *show) youtubeWarning(l *loaded, err error) diag.Diagnostic {
	return diag.Diagnostic{File: l.name, Line: l.ep.KeyLine("youtube"), Severity: diag.Warning,
		Message: fmt.Sprintf("the audio of YouTube video %s is not downloaded: %v; the episode is published as before, under media.url_template", l.ep.YouTubeID, err),
		Hint:    "castfeed tries again on a later refresh; or put the episode's audio in media.dir"}
}

// ytOutcome names a download error as `castfeed status` shows it.
func ytOutcome(err error) string {
	switch {
	case errors.Is(err, transcript.ErrBlocked):
		return ytBlocked
	case errors.Is(err, transcript.ErrVideoUnavailable), errors.Is(err, transcript.ErrNoAudio):
		return ytUnavailable
	}
	return ytFailed
}

// save writes the index: the episodes this refresh met, so that episodes
// gone or given another source drop out of it.
func (y *youtubeAudio) save() error {
	if y == nil {
		return nil
	}
	data, err := json.MarshalIndent(y.now, "", "  ")
	if err != nil {
		return err
	}
	name := filepath.Join(y.dir, "index.json")
	if old, err := os.ReadFile(name); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := os.MkdirAll(y.dir, 0o755); err != nil {
		return err
	}
	return atomicfile.WriteBytes(name, data)
}

// youtubeCounts is the refresh's download outcomes, for Result, and when
// a download left for later is due.
func (s *show) youtubeCounts() (map[string]int, time.Time) {
	if s.youtube == nil {
		return nil, time.Time{}
	}
	return s.youtube.counts, s.youtube.due
}

// YouTubeAudioStatus is what `castfeed status` shows of one episode's
// YouTube audio.
type YouTubeAudioStatus struct {
	Slug, VideoID, Outcome, Error string
	Next                          time.Time // zero: not waiting
	Size                          int64     // of the downloaded file
}

// ReadYouTubeAudio returns what the last refresh recorded of the YouTube
// audio downloads, by episode, and the bytes the downloads (partial ones
// included) take in the state folder.
func ReadYouTubeAudio(stateDir string) ([]YouTubeAudioStatus, int64, error) {
	dir := filepath.Join(stateDir, youtubeAudioDir)
	data, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	var recs map[string]ytRecord
	if err := json.Unmarshal(data, &recs); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", filepath.Join(dir, "index.json"), err)
	}
	var out []YouTubeAudioStatus
	for _, slug := range slices.Sorted(maps.Keys(recs)) {
		r := recs[slug]
		out = append(out, YouTubeAudioStatus{Slug: slug, VideoID: r.VideoID, Outcome: r.Outcome, Error: r.Error, Next: r.Next, Size: r.Size})
	}
	// Walked, not listed: yt-dlp keeps its partial files in a folder.
	var disk int64
	err = filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() && path != filepath.Join(dir, "index.json") {
			disk += fi.Size()
		}
		return nil
	})
	return out, disk, err
}
