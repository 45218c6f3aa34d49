package transcript

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/castfeed/castfeed/audio"
	"github.com/kkdai/youtube/v2"
)

// The download of a video's audio lives here, beside the captions, because
// it goes through the same kkdai/youtube client and must be as polite: the
// same rate limiter, request timeout, cookies and error classes.

// itagAAC is YouTube's AAC-in-MP4 audio stream (128 kb/s), the one apps
// play everywhere; castfeed publishes it as is.
const itagAAC = 140

// ErrNoAudio: YouTube offers no audio stream castfeed can publish: only
// video, only WebM/Opus, or no stream at all (it wants a proof-of-origin
// token).
var ErrNoAudio = errors.New("YouTube offers no AAC audio stream for this video: put the episode's audio in media.dir as <slug>.m4a or <slug>.mp3")

// AudioFile is a completed download.
type AudioFile struct {
	Path     string
	Size     int64
	Itag     int
	Format   audio.Format
	Duration time.Duration
	// Resumed is how many bytes an earlier, interrupted download had
	// already fetched.
	Resumed int64
}

// PartialSuffix ends the name of a download in progress, beside its
// destination. It is never published; the next download resumes it.
const PartialSuffix = ".partial"

// DownloadAudio downloads the audio of videoID into dst: the AAC stream
// (itag 140) when YouTube offers it, else the best other audio-only MP4
// stream. The bytes go to dst+PartialSuffix first, which a later call
// resumes with an HTTP range from its size; dst appears only once the
// file has the size YouTube announced and parses as audio. Errors match
// the Err* sentinels where one applies (ErrBlocked, ErrVideoUnavailable,
// ErrUnreachable, ErrNoAudio); an interrupted download wraps none and
// keeps its partial file.
func (f *Fetcher) DownloadAudio(ctx context.Context, videoID, dst string) (AudioFile, error) {
	base, err := f.baseClient()
	if err != nil {
		return AudioFile{}, err
	}
	if _, err := youtube.ExtractVideoID(videoID); err != nil {
		return AudioFile{}, fmt.Errorf("%q is not a YouTube video ID (%v): %w", videoID, err, ErrVideoUnavailable)
	}
	yc, _, rec := f.youtubeClient(base)
	v, err := yc.GetVideoContext(ctx, videoID)
	if err != nil && v != nil && isNoFormats(err) {
		return f.ytDlpAudio(ctx, videoID, dst, fmt.Errorf("video %s: YouTube sent no streams: %w", videoID, ErrNoAudio))
	}
	if err != nil {
		return AudioFile{}, classify(ctx, videoID, err, rec.reason(), f.timeout())
	}
	format, err := chooseAudio(v.Formats)
	if err != nil {
		return f.ytDlpAudio(ctx, videoID, dst, fmt.Errorf("video %s: %w", videoID, err))
	}
	if format.ContentLength <= 0 {
		// Without the size a cut-short download cannot be told from a
		// complete one.
		return AudioFile{}, fmt.Errorf("video %s: YouTube did not say how long audio stream %d is; castfeed will retry later", videoID, format.ItagNo)
	}
	streamURL, err := yc.GetStreamURLContext(ctx, v, format)
	if err != nil {
		return AudioFile{}, classify(ctx, videoID, err, "", f.timeout())
	}
	// The stream is one request, however long it takes: the limiter is
	// waited on once, and the timeout applies to silence, not to the
	// whole body (a long episode on a slow line takes minutes).
	sc := *base
	sc.Timeout = 0
	sc.Transport = &limitedTransport{next: base.Transport, lim: f.Limiter}
	resumed, err := f.fetchStream(ctx, &sc, streamURL, dst+PartialSuffix, format.ContentLength)
	if err != nil {
		return AudioFile{}, classify(ctx, videoID, err, "", f.timeout())
	}
	info, err := checkAudio(dst+PartialSuffix, format.ContentLength)
	if err != nil {
		// Complete but not audio: starting again is the only way on.
		os.Remove(dst + PartialSuffix)
		return AudioFile{}, fmt.Errorf("video %s: audio stream %d: %w", videoID, format.ItagNo, err)
	}
	if err := os.Rename(dst+PartialSuffix, dst); err != nil {
		return AudioFile{}, err
	}
	f.logger().Info("audio downloaded", "video_id", videoID, "itag", format.ItagNo, "bytes", info.Size, "resumed_bytes", resumed)
	return AudioFile{Path: dst, Size: info.Size, Itag: format.ItagNo, Format: info.Format, Duration: info.Duration, Resumed: resumed}, nil
}

// chooseAudio picks itag 140, else the audio-only MP4 stream with the
// highest bit rate. WebM/Opus streams are not chosen: no podcast app is
// sure to play them and castfeed cannot embed chapters into them.
func chooseAudio(formats youtube.FormatList) (*youtube.Format, error) {
	var best *youtube.Format
	var webm, video int
	for i := range formats {
		fm := &formats[i]
		if !strings.HasPrefix(fm.MimeType, "audio/") || fm.AudioChannels == 0 || fm.Width > 0 || fm.Height > 0 {
			video++
			continue
		}
		if !strings.HasPrefix(fm.MimeType, "audio/mp4") {
			webm++
			continue
		}
		if fm.ItagNo == itagAAC {
			return fm, nil
		}
		if best == nil || fm.Bitrate > best.Bitrate {
			best = fm
		}
	}
	switch {
	case best != nil:
		return best, nil
	case webm > 0:
		return nil, fmt.Errorf("only WebM/Opus audio (%d streams): %w", webm, ErrNoAudio)
	case video > 0:
		return nil, fmt.Errorf("only streams with video (%d), none audio-only: %w", video, ErrNoAudio)
	}
	return nil, fmt.Errorf("no streams: %w", ErrNoAudio)
}

// fetchStream brings partial up to total bytes, resuming from its size.
// It returns how many bytes were there before.
func (f *Fetcher) fetchStream(ctx context.Context, hc *http.Client, streamURL, partial string, total int64) (int64, error) {
	var off int64
	if fi, err := os.Stat(partial); err == nil && fi.Size() <= total {
		off = fi.Size() // else not this stream's bytes
	}
	if off == total {
		return off, nil
	}
	had := off

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, streamURL, nil)
	if err != nil {
		return had, err
	}
	req.Header.Set("Range", fmt.Sprintf("bytes=%d-", off))
	resp, err := hc.Do(req)
	if err != nil {
		return had, err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusPartialContent:
		start, err := rangeStart(resp.Header.Get("Content-Range"))
		if err != nil {
			return had, err
		}
		if start != off {
			return had, fmt.Errorf("asked for the stream from byte %d, YouTube sent it from %d; castfeed will retry", off, start)
		}
	case http.StatusOK:
		off = 0 // the whole stream, whatever was asked
	default:
		return had, youtube.ErrUnexpectedStatusCode(resp.StatusCode)
	}
	// Opened only now, so a refused request leaves no empty file behind.
	out, err := os.OpenFile(partial, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return had, err
	}
	defer out.Close()
	if err := out.Truncate(off); err != nil {
		return had, err
	}
	if _, err := out.Seek(off, io.SeekStart); err != nil {
		return had, err
	}
	body := &idleReader{r: resp.Body, timeout: f.timeout(), cancel: cancel}
	body.arm()
	defer body.stop()
	n, err := io.Copy(out, io.LimitReader(body, total-off+1))
	err = errors.Join(err, out.Sync())
	switch got := off + n; {
	case body.idle():
		return had, fmt.Errorf("audio stream silent for %v at byte %d of %d: %w", f.timeout(), got, total, ErrUnreachable)
	case err != nil:
		return had, fmt.Errorf("audio download cut at byte %d of %d (%v); the next try resumes", got, total, err)
	case got > total:
		out.Truncate(0)
		return had, fmt.Errorf("audio stream longer than the %d bytes YouTube announced; castfeed will retry", total)
	case got < total:
		return had, fmt.Errorf("audio download ended at byte %d of %d; the next try resumes", got, total)
	}
	return had, nil
}

// rangeStart reads the first byte position of a Content-Range header.
func rangeStart(h string) (int64, error) {
	spec, ok := strings.CutPrefix(h, "bytes ")
	first, _, ok2 := strings.Cut(spec, "-")
	digits := first != "" && strings.Trim(first, "0123456789") == ""
	n, err := strconv.ParseInt(first, 10, 64)
	if !ok || !ok2 || !digits || err != nil {
		return 0, fmt.Errorf("audio stream: unreadable Content-Range %q", h)
	}
	return n, nil
}

// checkAudio verifies a finished download: its size, then that it parses.
func checkAudio(path string, total int64) (audio.Info, error) {
	file, err := os.Open(path)
	if err != nil {
		return audio.Info{}, err
	}
	defer file.Close()
	fi, err := file.Stat()
	if err != nil {
		return audio.Info{}, err
	}
	if fi.Size() != total {
		return audio.Info{}, fmt.Errorf("%d bytes, YouTube announced %d", fi.Size(), total)
	}
	return audio.Probe(file, fi.Size())
}

// idleReader cancels a request that sends nothing for timeout.
type idleReader struct {
	r       io.Reader
	timeout time.Duration
	cancel  context.CancelFunc
	timer   *time.Timer
	fired   atomic.Bool
}

func (r *idleReader) arm() {
	r.timer = time.AfterFunc(r.timeout, func() { r.fired.Store(true); r.cancel() })
}

func (r *idleReader) stop() { r.timer.Stop() }

func (r *idleReader) idle() bool { return r.fired.Load() }

func (r *idleReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 {
		r.timer.Reset(r.timeout)
	}
	return n, err
}
