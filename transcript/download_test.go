package transcript

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/castfeed/castfeed/audio"
)

const audioVideo = "vidaudio001"

func toneM4A(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "audio", "testdata", "tone.m4a"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// toneVideo serves tone.m4a as audioVideo's itag 140 and returns the
// fake, the bytes served and a destination in a fresh folder.
func toneVideo(t *testing.T) (*fakeYouTube, []byte, string) {
	t.Helper()
	tone := toneM4A(t)
	yt := newFakeYouTube(t)
	yt.add(audioVideo, &fakeVideo{formats: []fakeFormat{audioFormat(tone)}})
	return yt, tone, filepath.Join(t.TempDir(), "ep.m4a")
}

func TestDownloadAudio(t *testing.T) {
	tone := toneM4A(t)
	videoOnly := fakeFormat{itag: 137, mime: `video/mp4; codecs="avc1.640028"`, width: 1920, height: 1080, bitrate: 4000000, body: []byte("not audio")}
	opus := fakeFormat{itag: 251, mime: `audio/webm; codecs="opus"`, channels: 2, bitrate: 160000, body: []byte("webm")}
	other := audioFormat(tone)
	other.itag, other.bitrate = 139, 48000
	for _, tc := range []struct {
		name      string
		formats   []fakeFormat
		writeSize int
		wantItag  int
	}{
		{"itag 140 among video and opus, throttled", []fakeFormat{videoOnly, opus, audioFormat(tone)}, 512, 140},
		{"140 beats a higher bit rate", []fakeFormat{func() fakeFormat { f := other; f.bitrate = 256000; return f }(), audioFormat(tone)}, 0, 140},
		{"best other MP4 audio without 140", []fakeFormat{videoOnly, other}, 0, 139},
		{"server ignores the range", []fakeFormat{func() fakeFormat { f := audioFormat(tone); f.ignoreRange = true; return f }()}, 0, 140},
	} {
		t.Run(tc.name, func(t *testing.T) {
			yt := newFakeYouTube(t)
			yt.writeSize = tc.writeSize
			yt.add(audioVideo, &fakeVideo{formats: tc.formats})
			dst := filepath.Join(t.TempDir(), "ep.m4a")
			got, err := fetcher(yt, "en").DownloadAudio(context.Background(), audioVideo, dst)
			if err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(dst)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(data, tone) {
				t.Fatalf("downloaded %d bytes, not the %d served", len(data), len(tone))
			}
			if got.Itag != tc.wantItag || got.Format != audio.M4A || got.Size != int64(len(tone)) || got.Duration <= 0 || got.Path != dst {
				t.Fatalf("got %+v, want itag %d, M4A of %d bytes with a duration", got, tc.wantItag, len(tone))
			}
			if _, err := os.Stat(dst + PartialSuffix); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("partial file left behind: %v", err)
			}
		})
	}
}

// A download cut mid-way keeps its partial file, publishes nothing, and
// the next call asks for the rest only.
func TestDownloadAudioResumes(t *testing.T) {
	yt, tone, dst := toneVideo(t)
	yt.writeSize = 1000
	yt.cutAfter = 10000
	f := fetcher(yt, "en")

	_, err := f.DownloadAudio(context.Background(), audioVideo, dst)
	if err == nil {
		t.Fatal("a download cut after 10000 bytes succeeded")
	}
	if _, err := os.Stat(dst); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a partial download is in place: %v", err)
	}
	fi, err := os.Stat(dst + PartialSuffix)
	if err != nil || fi.Size() != 10000 {
		t.Fatalf("partial file: %v, want 10000 bytes kept (err %v)", fi, err)
	}

	got, err := f.DownloadAudio(context.Background(), audioVideo, dst)
	if err != nil {
		t.Fatal(err)
	}
	if got.Resumed != 10000 {
		t.Errorf("resumed from %d, want 10000", got.Resumed)
	}
	if want := []string{"bytes=0-", "bytes=10000-"}; !slices.Equal(yt.ranges, want) {
		t.Errorf("Range headers %q, want %q", yt.ranges, want)
	}
	data, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, tone) {
		t.Fatalf("resumed file differs from the source (%d bytes, want %d)", len(data), len(tone))
	}
}

func TestDownloadAudioErrors(t *testing.T) {
	tone := toneM4A(t)
	noise := bytes.Repeat([]byte("noise!"), 2000)
	for _, tc := range []struct {
		name    string
		formats []fakeFormat
		setup   func(*fakeYouTube)
		want    error // nil: any error but no sentinel checked
		partial bool  // the partial file is kept for a resume
	}{
		{name: "video-only formats", formats: []fakeFormat{{itag: 137, mime: "video/mp4", width: 1920, height: 1080, body: tone}}, want: ErrNoAudio},
		{name: "opus only", formats: []fakeFormat{{itag: 251, mime: `audio/webm; codecs="opus"`, channels: 2, body: tone}}, want: ErrNoAudio},
		{name: "no streams", want: ErrNoAudio},
		{name: "player 429", formats: []fakeFormat{audioFormat(tone)}, setup: func(y *fakeYouTube) { y.failNext, y.failStatus = 100, 429 }, want: ErrBlocked},
		{name: "stream 429", formats: []fakeFormat{audioFormat(tone)}, setup: func(y *fakeYouTube) { y.streamFails, y.streamCode = 1, 429 }, want: ErrBlocked},
		{name: "stream 403", formats: []fakeFormat{audioFormat(tone)}, setup: func(y *fakeYouTube) { y.streamFails, y.streamCode = 1, 403 }, want: ErrBlocked},
		{name: "zero-byte answer", formats: []fakeFormat{func() fakeFormat {
			f := audioFormat(tone)
			f.zeroBody, f.contentLength = true, int64(len(tone))
			return f
		}()}, partial: true},
		{name: "longer than announced", formats: []fakeFormat{func() fakeFormat { f := audioFormat(tone); f.contentLength = int64(len(tone)) - 100; return f }()}, partial: true},
		{name: "not audio", formats: []fakeFormat{audioFormat(noise)}, want: audio.ErrNotAudio},
	} {
		t.Run(tc.name, func(t *testing.T) {
			yt := newFakeYouTube(t)
			yt.add(audioVideo, &fakeVideo{formats: tc.formats})
			if tc.setup != nil {
				tc.setup(yt)
			}
			dst := filepath.Join(t.TempDir(), "ep.m4a")
			_, err := fetcher(yt, "en").DownloadAudio(context.Background(), audioVideo, dst)
			if err == nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("got error %v, want %v", err, tc.want)
			}
			if _, err := os.Stat(dst); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("%s exists after a failed download: %v", dst, err)
			}
			if _, err := os.Stat(dst + PartialSuffix); tc.partial != (err == nil) {
				t.Fatalf("partial file: stat error %v, want kept=%v", err, tc.partial)
			}
		})
	}
}

func TestDownloadAudioUnknownVideo(t *testing.T) {
	yt := newFakeYouTube(t)
	_, err := fetcher(yt, "en").DownloadAudio(context.Background(), "vidmissing1", filepath.Join(t.TempDir(), "x.m4a"))
	if !errors.Is(err, ErrVideoUnavailable) {
		t.Fatalf("got %v, want ErrVideoUnavailable", err)
	}
}

// A stream that stops sending is given up after Timeout of silence,
// not after Timeout in all, and what came is kept for the next try.
func TestDownloadAudioStalls(t *testing.T) {
	yt, tone, dst := toneVideo(t)
	yt.stallAfter = 5000
	f := fetcher(yt, "en")
	f.Timeout = 300 * time.Millisecond
	_, err := f.DownloadAudio(context.Background(), audioVideo, dst)
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("got %v, want ErrUnreachable after a stall", err)
	}
	if fi, err := os.Stat(dst + PartialSuffix); err != nil || fi.Size() != 5000 {
		t.Fatalf("partial after a stall: %v (%v), want the 5000 bytes sent", fi, err)
	}
	if _, err := f.DownloadAudio(context.Background(), audioVideo, dst); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(dst); err != nil || !bytes.Equal(data, tone) {
		t.Fatalf("after the resume: %d bytes (%v), want the source's %d", len(data), err, len(tone))
	}
}

// A partial larger than the stream is not this stream's: the download
// starts again from the first byte.
func TestDownloadAudioStalePartial(t *testing.T) {
	yt, tone, dst := toneVideo(t)
	if err := os.WriteFile(dst+PartialSuffix, make([]byte, len(tone)+10), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := fetcher(yt, "en").DownloadAudio(context.Background(), audioVideo, dst); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(dst); err != nil || !bytes.Equal(data, tone) {
		t.Fatalf("got %d bytes (%v), want the source's %d", len(data), err, len(tone))
	}
	if want := []string{"bytes=0-"}; !slices.Equal(yt.ranges, want) {
		t.Errorf("Range headers %q, want %q", yt.ranges, want)
	}
}

// A cancelled download stops, keeps its partial and publishes nothing.
func TestDownloadAudioCancelled(t *testing.T) {
	yt, _, dst := toneVideo(t)
	yt.stallAfter = 3000
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancelled once the partial holds what the stalled server sent.
	go func() {
		for ctx.Err() == nil {
			if fi, err := os.Stat(dst + PartialSuffix); err == nil && fi.Size() == 3000 {
				cancel()
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	_, err := fetcher(yt, "en").DownloadAudio(ctx, audioVideo, dst)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if _, err := os.Stat(dst); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a cancelled download is in place: %v", err)
	}
}

// FuzzRangeStart: a Content-Range header is outside input. A start that
// parses is a byte position, and reads back the same when written out.
func FuzzRangeStart(f *testing.F) {
	for _, s := range []string{"bytes 0-99/100", "bytes 10000-26357/26358", "bytes */100", "", "bytes -1-5/6", "bytes +5-6/7", "items 0-1/2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		n, err := rangeStart(h)
		if err != nil {
			return
		}
		if n < 0 || !strings.HasPrefix(h, "bytes ") {
			t.Fatalf("rangeStart(%q) = %d", h, n)
		}
		if back, err := rangeStart("bytes " + strconv.FormatInt(n, 10) + "-0/1"); err != nil || back != n {
			t.Fatalf("rangeStart(%q) = %d, which reads back as %d, %v", h, n, back, err)
		}
	})
}
