package transcript

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/kkdai/youtube/v2"
)

// Errors a fetch can end with. Each is wrapped with the video and detail;
// match them with errors.Is. The messages say what to do, because they end
// up in front of the person running castfeed.
var (
	// ErrCaptionsDisabled: the video has no captions and is old enough that
	// automatic ones would exist; the uploader most likely turned them off.
	ErrCaptionsDisabled = errors.New("captions are turned off for this video: turn them on in YouTube Studio or put a <slug>.vtt beside the episode")

	// ErrLanguageUnavailable: the video has captions, none in a configured
	// language. The wrapping error lists the languages it has.
	ErrLanguageUnavailable = errors.New("no captions in the configured languages: add one of the video's languages to transcripts.languages")

	// ErrVideoUnavailable: private, removed, age-restricted or a wrong ID.
	ErrVideoUnavailable = errors.New("video unavailable: check the episode's YouTube ID and that the video is public")

	// ErrBlocked: YouTube refused us (HTTP 429 or 403, or its "Sign in to
	// confirm you're not a bot" page). Castfeed backs off by itself.
	ErrBlocked = errors.New("YouTube is refusing requests: lower transcripts.requests_per_minute, set transcripts.cookies_file to a browser's cookies.txt, or set transcripts.ytdlp")

	// ErrNoCaptions: no caption track yet. YouTube adds automatic captions
	// hours after an upload; castfeed retries with backoff.
	ErrNoCaptions = errors.New("no captions yet: YouTube adds automatic captions some hours after upload; castfeed will retry")

	// ErrCaptionsWithheld: YouTube listed caption tracks but sent empty
	// files, as it has done since mid-2025 to clients without a
	// proof-of-origin token.
	ErrCaptionsWithheld = errors.New("YouTube listed captions but sent them empty (it wants a proof-of-origin token): set transcripts.ytdlp, or put a <slug>.vtt beside the episode")

	// ErrUnreachable: no answer from YouTube at all: no network, a proxy
	// problem, or a timeout.
	ErrUnreachable = errors.New("cannot reach YouTube: check the network connection and HTTPS_PROXY")
)

// isBotCheck reports whether a playability reason is YouTube's bot check
// ("Sign in to confirm you’re not a bot", with a typographic apostrophe).
func isBotCheck(reason string) bool {
	return strings.Contains(reason, "not a bot")
}

// classify maps an error from kkdai/youtube or net/http to our sentinels.
// reason is the playability reason YouTube gave, if any.
func classify(ctx context.Context, videoID string, err error, reason string, timeout time.Duration) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var code youtube.ErrUnexpectedStatusCode
	var ps *youtube.ErrPlayabiltyStatus
	var netErr net.Error
	switch {
	case errors.As(err, &code) && (code == 429 || code == 403):
		return fmt.Errorf("video %s: HTTP %d: %w", videoID, int(code), ErrBlocked)
	case errors.As(err, &code) && code == 404:
		return fmt.Errorf("video %s: HTTP 404: %w", videoID, ErrVideoUnavailable)
	case errors.As(err, &code):
		return fmt.Errorf("video %s: YouTube answered HTTP %d; castfeed will retry later", videoID, int(code))
	case isBotCheck(reason):
		return fmt.Errorf("video %s: %q: %w", videoID, reason, ErrBlocked)
	case errors.As(err, &ps) && isBotCheck(ps.Reason):
		return fmt.Errorf("video %s: %q: %w", videoID, ps.Reason, ErrBlocked)
	case errors.Is(err, youtube.ErrVideoPrivate):
		return fmt.Errorf("video %s is private: %w", videoID, ErrVideoUnavailable)
	case errors.As(err, &ps):
		return fmt.Errorf("video %s: %s (%s): %w", videoID, ps.Status, ps.Reason, ErrVideoUnavailable)
	case errors.Is(err, youtube.ErrLoginRequired):
		return fmt.Errorf("video %s needs a signed-in viewer (age restriction?): set transcripts.cookies_file: %w", videoID, ErrVideoUnavailable)
	case errors.As(err, &netErr) && netErr.Timeout(), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("video %s: no answer within %v: %w", videoID, timeout, ErrUnreachable)
	case isNetError(err):
		return fmt.Errorf("video %s: %v: %w", videoID, err, ErrUnreachable)
	}
	return fmt.Errorf("video %s: %w", videoID, err)
}

func isNetError(err error) bool {
	var op *net.OpError
	var dns *net.DNSError
	return errors.As(err, &op) || errors.As(err, &dns)
}
