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
	args := []string{
		"--skip-download", "--write-subs", "--write-auto-subs",
		"--sub-langs", strings.Join(f.Languages, ","),
		"--sub-format", "vtt",
		"--no-playlist", "--no-progress",
		"--socket-timeout", fmt.Sprint(int(f.timeout().Seconds())),
		"--paths", dir,
		"--output", "%(id)s.%(ext)s",
	}
	if f.CookiesFile != "" {
		args = append(args, "--cookies", f.CookiesFile)
	}
	args = append(args, "--", "https://www.youtube.com/watch?v="+videoID)
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

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}
