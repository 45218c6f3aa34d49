package transcript

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ytDlp runs yt-dlp into a temporary folder and parses what it wrote.
// yt-dlp does the proof-of-origin dance we cannot, so it often succeeds
// where YouTube sends us empty captions.
func (f *Fetcher) ytDlp(ctx context.Context, videoID string) (*Transcript, error) {
	bin, err := exec.LookPath(f.YtDlp)
	if err != nil {
		return nil, fmt.Errorf("yt-dlp %q not found: install yt-dlp or clear transcripts.ytdlp: %w", f.YtDlp, err)
	}
	if f.Limiter != nil {
		if err := f.Limiter.Wait(ctx); err != nil {
			return nil, err
		}
	}
	dir, err := os.MkdirTemp("", "castfeed-ytdlp-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)

	timeout := 4 * f.timeout()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	args := f.ytDlpArgs(videoID, dir, "%(id)s.%(ext)s",
		"--skip-download", "--write-subs", "--write-auto-subs",
		"--sub-langs", strings.Join(f.Languages, ","),
		"--sub-format", "vtt")
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.WaitDelay = time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, fmt.Errorf("yt-dlp: no result within %v: %w", timeout, ErrUnreachable)
	}
	if err != nil {
		msg := lastLine(string(out))
		if isBotCheck(msg) || strings.Contains(msg, "HTTP Error 429") || strings.Contains(msg, "HTTP Error 403") {
			return nil, fmt.Errorf("yt-dlp: %s: %w", msg, ErrBlocked)
		}
		return nil, fmt.Errorf("yt-dlp: %v: %s", err, msg)
	}

	// yt-dlp names files <id>.<lang>.vtt. It does not say whether a file
	// holds uploaded or automatic captions, so they count as automatic and
	// get re-checked.
	for _, lang := range f.Languages {
		matches, _ := filepath.Glob(filepath.Join(dir, "*."+lang+"*.vtt"))
		for _, m := range matches {
			file, err := os.Open(m)
			if err != nil {
				return nil, err
			}
			t, err := Parse(file, "vtt")
			file.Close()
			if err != nil {
				continue
			}
			t.Language = lang
			t.Kind = Automatic
			t.Cues = Clean(t.Cues)
			return t, nil
		}
	}
	return nil, fmt.Errorf("yt-dlp found no captions in %s", strings.Join(f.Languages, ", "))
}

// ytDlpAudio downloads videoID's audio with yt-dlp when YouTube sent us
// no stream we can use (it wants a proof-of-origin token, which yt-dlp
// provides); without yt-dlp it returns why. yt-dlp writes into a folder
// beside dst, kept on failure so that its .part file resumes; dst appears
// only once the file parses as audio.
func (f *Fetcher) ytDlpAudio(ctx context.Context, videoID, dst string, why error) (AudioFile, error) {
	if f.YtDlp == "" {
		return AudioFile{}, why
	}
	bin, err := exec.LookPath(f.YtDlp)
	if err != nil {
		return AudioFile{}, fmt.Errorf("%w; yt-dlp %q not found: install yt-dlp or clear transcripts.ytdlp", why, f.YtDlp)
	}
	if f.Limiter != nil {
		if err := f.Limiter.Wait(ctx); err != nil {
			return AudioFile{}, err
		}
	}
	dir := dst + ".yt-dlp"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return AudioFile{}, err
	}
	// No overall timeout: a long episode takes what it takes; a silent
	// connection is yt-dlp's --socket-timeout to end.
	args := f.ytDlpArgs(videoID, dir, "audio.%(ext)s", "--format", "140/bestaudio[ext=m4a]", "--continue")
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.WaitDelay = time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return AudioFile{}, ctx.Err()
	}
	if err != nil {
		msg := lastLine(string(out))
		if isBotCheck(msg) || strings.Contains(msg, "HTTP Error 429") || strings.Contains(msg, "HTTP Error 403") {
			return AudioFile{}, fmt.Errorf("%v; yt-dlp: %s: %w", why, msg, ErrBlocked)
		}
		return AudioFile{}, fmt.Errorf("%w; yt-dlp: %v: %s", why, err, msg)
	}
	src := filepath.Join(dir, "audio.m4a")
	fi, err := os.Stat(src)
	if err != nil {
		return AudioFile{}, fmt.Errorf("%w; yt-dlp wrote no audio.m4a", why)
	}
	info, err := checkAudio(src, fi.Size())
	if err != nil {
		os.RemoveAll(dir)
		return AudioFile{}, fmt.Errorf("video %s: yt-dlp's audio: %w", videoID, err)
	}
	if err := os.Rename(src, dst); err != nil {
		return AudioFile{}, err
	}
	os.RemoveAll(dir)
	f.logger().Info("audio downloaded", "video_id", videoID, "source", SourceYtDlp, "bytes", info.Size)
	return AudioFile{Path: dst, Size: info.Size, Format: info.Format, Duration: info.Duration}, nil
}

// ytDlpArgs is a yt-dlp command line for videoID writing into dir under
// the output template, with the job's own options.
func (f *Fetcher) ytDlpArgs(videoID, dir, output string, own ...string) []string {
	args := append(own,
		"--no-playlist", "--no-progress",
		"--socket-timeout", fmt.Sprint(int(f.timeout().Seconds())),
		"--paths", dir,
		"--output", output,
	)
	if f.CookiesFile != "" {
		args = append(args, "--cookies", f.CookiesFile)
	}
	return append(args, "--", "https://www.youtube.com/watch?v="+videoID)
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}
