package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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

// ytRecord is what the index remembers of a failed download.
type ytRecord struct {
	VideoID  string    `json:"video_id"`
	Outcome  string    `json:"outcome"`
	Error    string    `json:"error,omitempty"`
	Tried    time.Time `json:"tried"`
	Failures int       `json:"failures"`
}

// youtubeAudio is one refresh's downloads.
type youtubeAudio struct {
	dir      string
	dl       AudioDownloader // nil: offline
	left     int             // downloads this refresh may still make
	failed   map[string]ytRecord
	dirty    bool
	counts   map[string]int
	due      time.Time // when a deferred download is next to be tried
	retryMin time.Duration
	retryMax time.Duration
}

func (s *show) openYouTubeAudio() *youtubeAudio {
	y := &youtubeAudio{dir: filepath.Join(s.cfg.State.Dir, youtubeAudioDir), left: s.cfg.Media.YouTubeMaxPerRefresh,
		failed: map[string]ytRecord{}, counts: map[string]int{},
		retryMin: s.cfg.Transcripts.RetryMin, retryMax: s.cfg.Transcripts.RetryMax}
	if data, err := os.ReadFile(filepath.Join(y.dir, "index.json")); err == nil {
		if err := json.Unmarshal(data, &y.failed); err != nil {
			// A damaged index only forgets when to retry.
			s.log.Warn("youtube audio index unreadable", "error", err)
			y.failed = map[string]ytRecord{}
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

func (y *youtubeAudio) later(at time.Time) {
	y.counts[ytDeferred]++
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
		return path, mediaFile{name: filepath.Base(path), ext: ".m4a", size: fi.Size(), modTime: fi.ModTime()}, true, nil
	}
	if y.dl == nil {
		return "", mediaFile{}, false, nil // offline: the next online refresh
	}
	if rec, ok := y.failed[l.slug]; ok && rec.VideoID == ep.YouTubeID {
		if at := rec.Tried.Add(y.backoff(rec.Failures)); s.now.Before(at) {
			y.later(at)
			return "", mediaFile{}, false, nil
		}
	}
	if y.left <= 0 {
		y.later(s.now)
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
		rec := y.failed[l.slug]
		if rec.VideoID != ep.YouTubeID {
			rec = ytRecord{VideoID: ep.YouTubeID}
		}
		rec.Outcome, rec.Error, rec.Tried, rec.Failures = outcome, err.Error(), s.now, rec.Failures+1
		y.failed[l.slug], y.dirty = rec, true
		y.later(s.now.Add(y.backoff(rec.Failures)))
		s.log.Warn("youtube audio not downloaded", "episode", l.slug, "video_id", ep.YouTubeID, "outcome", outcome, "error", err)
		return "", mediaFile{}, false, diag.List{s.youtubeWarning(l, err)}
	}
	y.counts[ytDownloaded]++
	if _, ok := y.failed[l.slug]; ok {
		delete(y.failed, l.slug)
		y.dirty = true
	}
	fi, err := os.Stat(got.Path)
	if err != nil {
		return "", mediaFile{}, false, diag.List{s.youtubeWarning(l, err)}
	}
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

// save writes the index of failed downloads; records of episodes gone or
// downloaded since are dropped as they are met.
func (y *youtubeAudio) save() error {
	if y == nil || !y.dirty {
		return nil
	}
	data, err := json.MarshalIndent(y.failed, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(filepath.Join(y.dir, "index.json"), data)
}

// youtubeCounts is the refresh's download outcomes, for Result.
func (s *show) youtubeCounts() (map[string]int, time.Time) {
	if s.youtube == nil {
		return nil, time.Time{}
	}
	return s.youtube.counts, s.youtube.due
}
