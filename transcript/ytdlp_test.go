package transcript

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeYtDlp writes an executable that behaves like yt-dlp: it finds the
// --paths folder in its arguments and writes <id>.<lang>.vtt there, or
// prints an error like yt-dlp's and fails.
func fakeYtDlp(t *testing.T, script string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "yt-dlp")
	body := "#!/bin/sh\nwhile [ $# -gt 0 ]; do case \"$1\" in --paths) dir=$2; shift;; esac; shift; done\n" + script
	if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// When YouTube sends captions empty (no proof-of-origin token), yt-dlp is
// tried last and its file is parsed by our code.
func TestYtDlpFallback(t *testing.T) {
	yt := newFakeYouTube(t)
	yt.add("vid00000021", &fakeVideo{tracks: []fakeTrack{{"en", "asr", ""}}})
	f := fetcher(yt, "ar", "en")
	f.YtDlp = fakeYtDlp(t, "printf 'WEBVTT\\n\\n00:00:01.000 --> 00:00:03.000\\nfrom yt-dlp\\n' > \"$dir/vid00000021.en.vtt\"\n")
	tr, source, err := f.Fetch(context.Background(), "vid00000021")
	if err != nil {
		t.Fatal(err)
	}
	if source != SourceYtDlp || tr.Language != "en" || tr.Cues[0].Text != "from yt-dlp" {
		t.Fatalf("source %s, %+v", source, tr)
	}

	// yt-dlp blocked too: the error says so.
	f.YtDlp = fakeYtDlp(t, "echo 'ERROR: [youtube] vid00000021: Sign in to confirm you’re not a bot' >&2; exit 1\n")
	if _, _, err := f.Fetch(context.Background(), "vid00000021"); !errors.Is(err, ErrBlocked) || !strings.Contains(err.Error(), "yt-dlp") {
		t.Fatalf("err = %v; want ErrBlocked from yt-dlp", err)
	}
}
