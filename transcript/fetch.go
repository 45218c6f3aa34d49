package transcript

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kkdai/youtube/v2"
	"golang.org/x/time/rate"
)

// defaultTimeout bounds each HTTP request when Fetcher.Timeout is zero.
const defaultTimeout = 30 * time.Second

// maxCaptionBytes caps a caption download. A three-hour automatic track
// is about 1 MB of WebVTT; anything far larger is not captions.
const maxCaptionBytes = 16 << 20

// Source names tell where a fetched transcript came from.
const (
	SourceTimedText  = "youtube-timedtext"  // the caption track's own URL
	SourceTranscript = "youtube-transcript" // kkdai/youtube GetTranscript
	SourceYtDlp      = "yt-dlp"
)

// Fetcher fetches one video's captions from YouTube. Set its fields before
// the first Fetch and do not change them after; a Fetcher is safe for
// concurrent use.
type Fetcher struct {
	// HTTPClient makes every request. Nil means a client built here: the
	// default transport with HTTPS_PROXY and friends respected. Its Timeout,
	// if zero, is set from Timeout; its Jar, if nil, holds CookiesFile.
	HTTPClient *http.Client

	// Languages in order of preference, e.g. ["ar", "fr", "en"]. At equal
	// rank, uploaded captions win over automatic ones.
	Languages []string

	// CookiesFile is a Netscape cookies.txt sent with each request and
	// passed to yt-dlp. Empty means none.
	CookiesFile string

	// YtDlp is the yt-dlp program, a path or a name looked up in PATH, tried
	// when YouTube sends no captions directly. Empty means not used.
	YtDlp string

	// Timeout bounds each HTTP request (default defaultTimeout); yt-dlp gets
	// four times as long.
	Timeout time.Duration

	// Limiter, if set, is waited on before each request, including yt-dlp
	// runs.
	Limiter *rate.Limiter

	// Now tells the time; nil means time.Now. It decides whether a video
	// without captions is new (ErrNoCaptions) or has them turned off.
	Now func() time.Time

	Logger *slog.Logger

	once   sync.Once
	client *http.Client
	err    error
}

// newVideoAge is how long after publishing a video without captions is
// still expected to get automatic ones.
const newVideoAge = 7 * 24 * time.Hour

func (f *Fetcher) timeout() time.Duration {
	if f.Timeout > 0 {
		return f.Timeout
	}
	return defaultTimeout
}

func (f *Fetcher) logger() *slog.Logger {
	if f.Logger != nil {
		return f.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (f *Fetcher) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

// baseClient builds the shared client once.
func (f *Fetcher) baseClient() (*http.Client, error) {
	f.once.Do(func() {
		c := &http.Client{}
		if f.HTTPClient != nil {
			*c = *f.HTTPClient
		}
		if c.Transport == nil {
			tr := http.DefaultTransport.(*http.Transport).Clone()
			tr.Proxy = http.ProxyFromEnvironment
			c.Transport = tr
		}
		if c.Timeout == 0 {
			c.Timeout = f.timeout()
		}
		if f.CookiesFile != "" && c.Jar == nil {
			file, err := os.Open(f.CookiesFile)
			if err != nil {
				f.err = fmt.Errorf("transcripts.cookies_file: %w", err)
				return
			}
			defer file.Close()
			cookies, err := parseCookies(file)
			if err != nil {
				f.err = fmt.Errorf("transcripts.cookies_file %s: %w", f.CookiesFile, err)
				return
			}
			if c.Jar, err = newJar(cookies); err != nil {
				f.err = err
				return
			}
		}
		f.client = c
	})
	return f.client, f.err
}

// Fetch returns the captions of videoID in the most preferred language
// available, cleaned. It never returns an empty transcript: when YouTube
// sends nothing usable, it tries the next source (the library's transcript
// endpoint, then yt-dlp) and, when all fail, returns an error that matches
// one of the Err* sentinels (or ctx's error).
func (f *Fetcher) Fetch(ctx context.Context, videoID string) (*Transcript, string, error) {
	base, err := f.baseClient()
	if err != nil {
		return nil, "", err
	}
	if len(f.Languages) == 0 {
		return nil, "", errors.New("transcript fetcher: no languages configured")
	}
	if _, err := youtube.ExtractVideoID(videoID); err != nil {
		return nil, "", fmt.Errorf("%q is not a YouTube video ID (%v): %w", videoID, err, ErrVideoUnavailable)
	}
	log := f.logger().With("video_id", videoID)

	// A fresh youtube.Client per fetch: it keeps per-video state (it
	// switches to its embedded-player identity for age-restricted videos)
	// and is not safe for concurrent use. The cost is one request for a
	// visitor ID per fetch.
	rec := &playerRecorder{next: base.Transport}
	hc := *base
	// The timeout moves into the transport, after the rate limiter: a
	// request queued behind others is not late, and must not count as
	// YouTube being unreachable.
	hc.Transport = &limitedTransport{next: rec, lim: f.Limiter, timeout: base.Timeout}
	hc.Timeout = 0
	yc := &youtube.Client{HTTPClient: &hc}

	v, err := yc.GetVideoContext(ctx, videoID)
	if err != nil && !(v != nil && isNoFormats(err)) {
		return nil, "", classify(ctx, videoID, err, rec.reason(), f.timeout())
	}
	// Without a proof-of-origin token YouTube often sends no stream formats,
	// which the library reports as an error after it has read the caption
	// tracks; captions are all we need, so go on.

	var tried []error
	lang := f.Languages[0]
	if len(v.CaptionTracks) > 0 {
		track, ok := chooseTrack(v.CaptionTracks, f.Languages)
		if !ok {
			return nil, "", fmt.Errorf("video %s has captions in %s, not in %s: %w",
				videoID, describeTracks(v.CaptionTracks), strings.Join(f.Languages, ", "), ErrLanguageUnavailable)
		}
		lang = track.LanguageCode
		t, err := f.timedText(ctx, &hc, track)
		if err == nil {
			return t, SourceTimedText, nil
		}
		if err = f.stop(ctx, videoID, err); errors.Is(err, ErrBlocked) || ctx.Err() != nil {
			return nil, "", err
		}
		log.Debug("caption track unusable", "language", lang, "error", err)
		tried = append(tried, err)
	} else {
		tried = append(tried, f.noTracks(videoID, v))
	}

	t, err := f.libraryTranscript(ctx, yc, v, lang)
	if err == nil {
		return t, SourceTranscript, nil
	}
	if err = f.stop(ctx, videoID, err); errors.Is(err, ErrBlocked) || ctx.Err() != nil {
		return nil, "", err
	}
	log.Debug("transcript endpoint unusable", "language", lang, "error", err)

	if f.YtDlp != "" {
		t, err := f.ytDlp(ctx, videoID)
		if err == nil {
			return t, SourceYtDlp, nil
		}
		log.Debug("yt-dlp found no captions", "error", err)
		if errors.Is(err, ErrBlocked) || ctx.Err() != nil {
			return nil, "", err
		}
		tried = append(tried, err)
	}
	return nil, "", errors.Join(tried...)
}

// stop classifies a source's error; sentinel errors pass unchanged.
func (f *Fetcher) stop(ctx context.Context, videoID string, err error) error {
	for _, s := range []error{ErrBlocked, ErrCaptionsWithheld, ErrNoCaptions, ErrCaptionsDisabled, ErrUnreachable, ErrVideoUnavailable} {
		if errors.Is(err, s) {
			return err
		}
	}
	return classify(ctx, videoID, err, "", f.timeout())
}

// noTracks explains a video without caption tracks.
func (f *Fetcher) noTracks(videoID string, v *youtube.Video) error {
	if !v.PublishDate.IsZero() && f.now().Sub(v.PublishDate) > newVideoAge {
		return fmt.Errorf("video %s (published %s) has no captions: %w", videoID, v.PublishDate.Format(time.DateOnly), ErrCaptionsDisabled)
	}
	return fmt.Errorf("video %s: %w", videoID, ErrNoCaptions)
}

func isNoFormats(err error) bool {
	return strings.Contains(err.Error(), "no formats found")
}

// chooseTrack picks the track in the most preferred language; at equal
// rank uploaded captions beat automatic ones (a person wrote them, even
// in "en-GB" where "en" was asked for), then an exact language match
// beats a regional variant.
func chooseTrack(tracks []youtube.CaptionTrack, langs []string) (youtube.CaptionTrack, bool) {
	best, bestKey := -1, [3]int{}
	for i, tr := range tracks {
		if tr.BaseURL == "" {
			continue
		}
		for rank, l := range langs {
			exact := strings.EqualFold(tr.LanguageCode, l)
			if !exact && primary(tr.LanguageCode) != primary(l) {
				continue
			}
			key := [3]int{rank, 0, 0}
			if tr.Kind == "asr" {
				key[1] = 1
			}
			if !exact {
				key[2] = 1
			}
			if best < 0 || slices.Compare(key[:], bestKey[:]) < 0 {
				best, bestKey = i, key
			}
			break
		}
	}
	if best < 0 {
		return youtube.CaptionTrack{}, false
	}
	return tracks[best], true
}

func primary(lang string) string {
	p, _, _ := strings.Cut(strings.ToLower(lang), "-")
	return p
}

func describeTracks(tracks []youtube.CaptionTrack) string {
	var s []string
	for _, tr := range tracks {
		d := tr.LanguageCode
		if tr.Kind == "asr" {
			d += " (automatic)"
		}
		s = append(s, d)
	}
	return strings.Join(s, ", ")
}

// timedText downloads a caption track as WebVTT.
func (f *Fetcher) timedText(ctx context.Context, hc *http.Client, track youtube.CaptionTrack) (*Transcript, error) {
	u, err := url.Parse(track.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("caption track URL: %w", err)
	}
	u = (&url.URL{Scheme: "https", Host: "www.youtube.com"}).ResolveReference(u)
	q := u.Query()
	q.Set("fmt", "vtt")
	u.RawQuery = q.Encode()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, youtube.ErrUnexpectedStatusCode(resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxCaptionBytes+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxCaptionBytes {
		return nil, fmt.Errorf("caption track larger than %d MB", maxCaptionBytes>>20)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, fmt.Errorf("caption track %s: empty body: %w", track.LanguageCode, ErrCaptionsWithheld)
	}
	t, err := Parse(bytes.NewReader(body), "vtt")
	if errors.Is(err, errNoCues) {
		return nil, fmt.Errorf("caption track %s: no text: %w", track.LanguageCode, ErrCaptionsWithheld)
	}
	if err != nil {
		return nil, fmt.Errorf("caption track %s: %w", track.LanguageCode, err)
	}
	t.Language = track.LanguageCode
	t.Kind = Uploaded
	if track.Kind == "asr" {
		t.Kind = Automatic
	}
	t.Cues = Clean(t.Cues)
	return t, nil
}

// libraryTranscript asks the library's transcript endpoint, which serves
// the transcript panel of YouTube's apps.
func (f *Fetcher) libraryTranscript(ctx context.Context, yc *youtube.Client, v *youtube.Video, lang string) (*Transcript, error) {
	segs, err := yc.GetTranscriptCtx(ctx, v, lang)
	if errors.Is(err, youtube.ErrTranscriptDisabled) {
		return nil, fmt.Errorf("transcript endpoint: nothing in %s", lang)
	}
	if err != nil {
		return nil, err
	}
	t := &Transcript{Language: lang, Kind: Automatic}
	for _, s := range segs {
		start := time.Duration(s.StartMs) * time.Millisecond
		t.Cues = append(t.Cues, Cue{Start: start, End: start + time.Duration(s.Duration)*time.Millisecond, Text: s.Text})
	}
	t.Cues = Clean(t.Cues)
	if len(t.Cues) == 0 {
		return nil, fmt.Errorf("transcript endpoint: no text in %s", lang)
	}
	return t, nil
}

// limitedTransport waits on a rate limiter before each request, then
// gives the request timeout to answer, body included.
type limitedTransport struct {
	next    http.RoundTripper
	lim     *rate.Limiter
	timeout time.Duration // 0: none
}

func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.lim != nil {
		if err := t.lim.Wait(req.Context()); err != nil {
			return nil, err
		}
	}
	if t.timeout <= 0 {
		return t.next.RoundTrip(req)
	}
	ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelOnClose{resp.Body, cancel}
	return resp, nil
}

// cancelOnClose ends a request's timeout when its body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// playerRecorder remembers the playability reason of player responses.
// kkdai/youtube drops it for LOGIN_REQUIRED answers, which is where
// YouTube's bot check ("Sign in to confirm you're not a bot") appears.
type playerRecorder struct {
	next http.RoundTripper

	mu   sync.Mutex
	last string
}

func (r *playerRecorder) reason() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

func (r *playerRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK || !strings.HasSuffix(req.URL.Path, "/youtubei/v1/player") {
		return resp, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxCaptionBytes))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var pr struct {
		PlayabilityStatus struct {
			Reason string `json:"reason"`
		} `json:"playabilityStatus"`
	}
	if json.Unmarshal(body, &pr) == nil && pr.PlayabilityStatus.Reason != "" {
		r.mu.Lock()
		r.last = pr.PlayabilityStatus.Reason
		r.mu.Unlock()
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}
