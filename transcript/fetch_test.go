package transcript

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

const (
	uploadedEN = "00:00:01.000 --> 00:00:03.000|Hello from the uploaded English track"
	autoEN     = "00:00:01.000 --> 00:00:03.000|hello from the automatic track"
)

func fetcher(f *fakeYouTube, langs ...string) *Fetcher {
	return &Fetcher{HTTPClient: f.client(), Languages: langs, Timeout: 5 * time.Second,
		Now: func() time.Time { return time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC) }}
}

func TestFetchPreference(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tracks []fakeTrack
		langs  []string
		want   string // language/kind
	}{
		{"uploaded beats automatic at equal rank", []fakeTrack{{"en", "asr", vtt(autoEN)}, {"en", "", vtt(uploadedEN)}}, []string{"en"}, "en/uploaded"},
		{"language rank beats kind", []fakeTrack{{"en", "", vtt(uploadedEN)}, {"ar", "asr", vtt("00:00:01.000 --> 00:00:02.000|مرحبا")}}, []string{"ar", "fr", "en"}, "ar/automatic"},
		{"second choice when the first is missing", []fakeTrack{{"en", "", vtt(uploadedEN)}, {"de", "", vtt("00:00:01.000 --> 00:00:02.000|Hallo")}}, []string{"fr", "en"}, "en/uploaded"},
		{"regional variant", []fakeTrack{{"fr-CA", "", vtt("00:00:01.000 --> 00:00:02.000|Bonjour")}}, []string{"fr"}, "fr-CA/uploaded"},
		{"uploaded regional beats automatic exact", []fakeTrack{{"en", "asr", vtt(autoEN)}, {"en-GB", "", vtt(uploadedEN)}}, []string{"en"}, "en-GB/uploaded"},
		{"exact beats regional of the same kind", []fakeTrack{{"en-GB", "", vtt(uploadedEN)}, {"en", "", vtt(uploadedEN)}}, []string{"en"}, "en/uploaded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			yt := newFakeYouTube(t)
			yt.add("vid00000001", &fakeVideo{tracks: tc.tracks})
			tr, source, err := fetcher(yt, tc.langs...).Fetch(context.Background(), "vid00000001")
			if err != nil {
				t.Fatal(err)
			}
			if got := tr.Language + "/" + string(tr.Kind); got != tc.want || source != SourceTimedText {
				t.Fatalf("got %s from %s, want %s from the caption track", got, source, tc.want)
			}
		})
	}
}

// An empty 200 caption body is "unavailable", never an empty transcript:
// the transcript endpoint is tried next.
func TestEmptyCaptionBodyFallsBack(t *testing.T) {
	yt := newFakeYouTube(t)
	yt.add("vid00000002", &fakeVideo{
		tracks:     []fakeTrack{{"en", "asr", ""}},
		transcript: []fakeSegment{{0, 2000, "from the transcript endpoint"}, {2000, 4000, "second line"}},
	})
	tr, source, err := fetcher(yt, "en").Fetch(context.Background(), "vid00000002")
	if err != nil {
		t.Fatal(err)
	}
	if source != SourceTranscript || len(tr.Cues) != 2 || tr.Cues[0].Text != "from the transcript endpoint" {
		t.Fatalf("source %s, cues %+v", source, tr.Cues)
	}
	if yt.count("/api/timedtext") != 1 || yt.count("/youtubei/v1/get_transcript") != 1 {
		t.Fatalf("requests %v", yt.requests)
	}
	// Both sources empty: withheld, with what to do.
	yt2 := newFakeYouTube(t)
	yt2.add("vid00000002", &fakeVideo{tracks: []fakeTrack{{"en", "asr", "WEBVTT\n\n"}}})
	_, _, err = fetcher(yt2, "en").Fetch(context.Background(), "vid00000002")
	if !errors.Is(err, ErrCaptionsWithheld) || !strings.Contains(err.Error(), "ytdlp") {
		t.Fatalf("err = %v; want ErrCaptionsWithheld with advice", err)
	}
}

func TestRollingAutomaticCaptionsAreCleaned(t *testing.T) {
	yt := newFakeYouTube(t)
	yt.add("vid00000003", &fakeVideo{tracks: []fakeTrack{{"en", "asr", vtt(
		"00:00:00.000 --> 00:00:02.000|so today we talk",
		"00:00:02.000 --> 00:00:02.010|so today we talk",
		"00:00:02.010 --> 00:00:04.000|so today we talk\nabout monoliths",
		"00:00:04.000 --> 00:00:04.010|about monoliths",
		"00:00:04.010 --> 00:00:06.000|about monoliths\nand why they are fine",
	)}}})
	tr, _, err := fetcher(yt, "en").Fetch(context.Background(), "vid00000003")
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for i, c := range tr.Cues {
		texts = append(texts, c.Text)
		if i > 0 && c.Start < tr.Cues[i-1].End {
			t.Errorf("cue %d overlaps the one before: %+v", i, tr.Cues)
		}
	}
	if got := strings.Join(texts, " | "); got != "so today we talk | about monoliths | and why they are fine" {
		t.Fatalf("cleaned cues: %q", got)
	}
}

func TestFetchFailuresAreClassified(t *testing.T) {
	for _, tc := range []struct {
		name  string
		video *fakeVideo
		id    string
		want  error
	}{
		{"captions disabled", &fakeVideo{publishDate: "2020-01-01"}, "vid00000004", ErrCaptionsDisabled},
		{"no captions yet on a new video", &fakeVideo{publishDate: "2026-11-22"}, "vid00000004", ErrNoCaptions},
		{"language not available", &fakeVideo{tracks: []fakeTrack{{"de", "", vtt(uploadedEN)}}}, "vid00000004", ErrLanguageUnavailable},
		{"private video", &fakeVideo{status: "LOGIN_REQUIRED", reason: "This video is private"}, "vid00000004", ErrVideoUnavailable},
		{"removed video", nil, "vid00000404", ErrVideoUnavailable},
		{"bot check", &fakeVideo{status: "LOGIN_REQUIRED", reason: "Sign in to confirm you’re not a bot"}, "vid00000004", ErrBlocked},
		{"malformed vtt", &fakeVideo{tracks: []fakeTrack{{"en", "", "WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nbackwards\n"}}}, "vid00000004", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			yt := newFakeYouTube(t)
			if tc.video != nil {
				yt.add("vid00000004", tc.video)
			}
			tr, _, err := fetcher(yt, "en").Fetch(context.Background(), tc.id)
			if tr != nil || err == nil {
				t.Fatalf("got a transcript %+v, err %v", tr, err)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("err = %v; want %v", err, tc.want)
			}
		})
	}
}

func TestRateLimitedIsBlocked(t *testing.T) {
	yt := newFakeYouTube(t)
	yt.add("vid00000005", &fakeVideo{tracks: []fakeTrack{{"en", "", vtt(uploadedEN)}}})
	yt.failNext, yt.failStatus = 100, 429
	_, _, err := fetcher(yt, "en").Fetch(context.Background(), "vid00000005")
	if !errors.Is(err, ErrBlocked) || !strings.Contains(err.Error(), "429") {
		t.Fatalf("err = %v; want ErrBlocked naming HTTP 429", err)
	}
}

func TestSlowServerTimesOut(t *testing.T) {
	yt := newFakeYouTube(t)
	yt.hang = true
	f := fetcher(yt, "en")
	f.Timeout = 200 * time.Millisecond
	start := time.Now()
	_, _, err := f.Fetch(context.Background(), "vid00000006")
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("err = %v; want ErrUnreachable", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("gave up after %v, the timeout is 200ms", d)
	}
}

// TestRateLimitWaitIsNotATimeout: a request waiting its turn under
// requests_per_minute is not late; the timeout starts when it is sent.
func TestRateLimitWaitIsNotATimeout(t *testing.T) {
	yt := newFakeYouTube(t)
	yt.add("vid00000009", &fakeVideo{tracks: []fakeTrack{{"en", "", vtt(uploadedEN)}}})
	f := fetcher(yt, "en")
	f.Timeout = 150 * time.Millisecond
	// One request per 200 ms: every request of the fetch waits longer
	// than the timeout before it goes.
	f.Limiter = rate.NewLimiter(rate.Every(200*time.Millisecond), 1)
	f.Limiter.Allow() // the bucket starts empty
	if _, _, err := f.Fetch(context.Background(), "vid00000009"); err != nil {
		t.Fatalf("err = %v; want the transcript", err)
	}
	if n := yt.total(); n < 3 {
		t.Fatalf("%d requests: the test needs several to wait", n)
	}
}

func TestCookiesAreSent(t *testing.T) {
	yt := newFakeYouTube(t)
	yt.add("vid00000007", &fakeVideo{tracks: []fakeTrack{{"en", "", vtt(uploadedEN)}}})
	cookies := filepath.Join(t.TempDir(), "cookies.txt")
	if err := os.WriteFile(cookies, []byte("# Netscape HTTP Cookie File\n.youtube.com\tTRUE\t/\tTRUE\t2147483647\tSID\tsecret-session\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f := fetcher(yt, "en")
	f.CookiesFile = cookies
	if _, _, err := f.Fetch(context.Background(), "vid00000007"); err != nil {
		t.Fatal(err)
	}
	yt.mu.Lock()
	defer yt.mu.Unlock()
	if len(yt.cookies) == 0 || !strings.Contains(yt.cookies[0], "SID=secret-session") {
		t.Fatalf("cookies seen by YouTube: %q", yt.cookies)
	}
}
