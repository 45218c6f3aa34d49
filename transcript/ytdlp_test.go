package transcript

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/castfeed/castfeed/audio"
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

// When YouTube sends no usable stream, yt-dlp downloads the audio, which
// is verified before it is put in place.
func TestYtDlpAudioFallback(t *testing.T) {
	tone, err := filepath.Abs(filepath.Join("..", "audio", "testdata", "tone.m4a"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, script string
		want         error // nil: success
	}{
		{"writes the audio", "cp '" + tone + "' \"$dir/audio.m4a\"\n", nil},
		{"writes no audio", "true\n", ErrNoAudio},
		{"writes something else", "echo not audio > \"$dir/audio.m4a\"\n", audio.ErrNotAudio},
		{"blocked", "echo 'ERROR: [youtube] x: HTTP Error 429: Too Many Requests' >&2; exit 1\n", ErrBlocked},
	} {
		t.Run(tc.name, func(t *testing.T) {
			yt := newFakeYouTube(t)
			yt.add(audioVideo, &fakeVideo{formats: []fakeFormat{}}) // no streams at all
			f := fetcher(yt, "en")
			f.YtDlp = fakeYtDlp(t, tc.script)
			dst := filepath.Join(t.TempDir(), "ep.m4a")
			got, err := f.DownloadAudio(context.Background(), audioVideo, dst)
			if tc.want != nil {
				if !errors.Is(err, tc.want) {
					t.Fatalf("got %v, want %v", err, tc.want)
				}
				if _, err := os.Stat(dst); !errors.Is(err, os.ErrNotExist) {
					t.Fatalf("%s exists after a failed download", dst)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want, _ := os.ReadFile(tone)
			data, err := os.ReadFile(dst)
			if err != nil || !bytes.Equal(data, want) || got.Format != audio.M4A {
				t.Fatalf("got %+v, %d bytes (%v); want tone.m4a's %d", got, len(data), err, len(want))
			}
			if _, err := os.Stat(dst + ".yt-dlp"); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("yt-dlp's folder left behind: %v", err)
			}
		})
	}
}
