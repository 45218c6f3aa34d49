package transcript

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// fakeClock is a fake time for the syncer's backoff.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }

func syncer(yt *fakeYouTube, dir string, c *fakeClock) *Syncer {
	f := fetcher(yt, "en")
	f.Now = c.Now
	return &Syncer{Fetcher: f, StateDir: dir, Now: c.Now, RetryMin: time.Hour, RetryMax: 7 * 24 * time.Hour, RecheckAuto: 30 * 24 * time.Hour}
}

func one(t *testing.T, s *Syncer, req Request) Result {
	t.Helper()
	res := s.Sync(context.Background(), []Request{req})
	if len(res) != 1 {
		t.Fatalf("%d results", len(res))
	}
	return res[0]
}

// A refresh where everything is known makes no request at all, even
// after a restart (a new Syncer on the same state folder).
func TestCachedRefreshMakesZeroRequests(t *testing.T) {
	yt := newFakeYouTube(t)
	yt.add("vid00000011", &fakeVideo{tracks: []fakeTrack{{"en", "", vtt(uploadedEN)}}})
	yt.add("vid00000012", &fakeVideo{tracks: []fakeTrack{{"en", "asr", vtt(autoEN)}}})
	dir, c := t.TempDir(), &fakeClock{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	reqs := []Request{{Slug: "ep11", VideoID: "vid00000011"}, {Slug: "ep12", VideoID: "vid00000012"}}
	for _, r := range syncer(yt, dir, c).Sync(context.Background(), reqs) {
		if r.Outcome != OutcomeFetched || r.Transcript == nil {
			t.Fatalf("first sync: %+v", r)
		}
	}
	before := yt.total()
	c.now = c.now.Add(24 * time.Hour)
	for _, r := range syncer(yt, dir, c).Sync(context.Background(), reqs) {
		if r.Outcome != OutcomeCached || r.Transcript == nil || len(r.Transcript.Cues) == 0 {
			t.Fatalf("second sync: %+v", r)
		}
	}
	if got := yt.total() - before; got != 0 {
		t.Fatalf("the cached refresh made %d requests to YouTube, want 0", got)
	}
	// Uploaded captions never again; automatic ones after recheck_automatic.
	c.now = c.now.Add(31 * 24 * time.Hour)
	res := syncer(yt, dir, c).Sync(context.Background(), reqs)
	if res[0].Outcome != OutcomeCached || res[1].Outcome != OutcomeFetched {
		t.Fatalf("after 31 days: %s, %s; want cached uploaded, refetched automatic", res[0].Outcome, res[1].Outcome)
	}
	if !res[0].Next.IsZero() || !res[1].Next.Equal(c.now.Add(30*24*time.Hour)) {
		t.Fatalf("next due: %v, %v", res[0].Next, res[1].Next)
	}
}

func TestOfflineMakesZeroRequests(t *testing.T) {
	yt := newFakeYouTube(t)
	yt.add("vid00000013", &fakeVideo{tracks: []fakeTrack{{"en", "", vtt(uploadedEN)}}})
	s := syncer(yt, t.TempDir(), &fakeClock{time.Now()})
	s.Offline = true
	if r := one(t, s, Request{Slug: "ep13", VideoID: "vid00000013"}); r.Outcome != OutcomeDeferred || r.Transcript != nil {
		t.Fatalf("offline: %+v", r)
	}
	if yt.total() != 0 {
		t.Fatalf("offline sync made %d requests", yt.total())
	}
}

// Rate limited, then the backoff passes, then success.
func TestBlockedThenSuccessAfterBackoff(t *testing.T) {
	yt := newFakeYouTube(t)
	yt.add("vid00000014", &fakeVideo{tracks: []fakeTrack{{"en", "", vtt(uploadedEN)}}})
	yt.add("vid00000015", &fakeVideo{tracks: []fakeTrack{{"en", "", vtt(uploadedEN)}}})
	yt.failNext, yt.failStatus = 1, 429
	dir, c := t.TempDir(), &fakeClock{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	s := syncer(yt, dir, c)
	s.Concurrency = 1
	res := s.Sync(context.Background(), []Request{{Slug: "ep14", VideoID: "vid00000014"}, {Slug: "ep15", VideoID: "vid00000015"}})
	// Requests run in any order: one is blocked, the other not asked.
	if res[0].Outcome == OutcomeDeferred {
		res[0], res[1] = res[1], res[0]
	}
	if res[0].Outcome != OutcomeBlocked || !res[0].Retry.Equal(c.now.Add(time.Hour)) {
		t.Fatalf("first: %+v; want blocked, retry in 1h", res[0])
	}
	if res[1].Outcome != OutcomeDeferred {
		t.Fatalf("second: %s; once blocked, a run asks nothing more", res[1].Outcome)
	}
	blocked := Request{Slug: res[0].Slug, VideoID: map[string]string{"ep14": "vid00000014", "ep15": "vid00000015"}[res[0].Slug]}
	if yt.count("/youtubei/v1/player") != 0 {
		t.Fatalf("player asked %d times after the block", yt.count("/youtubei/v1/player"))
	}
	// Before the retry time: no request.
	c.now = c.now.Add(30 * time.Minute)
	before := yt.total()
	if r := one(t, syncer(yt, dir, c), blocked); r.Outcome != OutcomeDeferred || yt.total() != before {
		t.Fatalf("during backoff: %s, %d requests", r.Outcome, yt.total()-before)
	}
	c.now = c.now.Add(31 * time.Minute)
	if r := one(t, syncer(yt, dir, c), blocked); r.Outcome != OutcomeFetched {
		t.Fatalf("after backoff: %+v", r)
	}
}

func TestBackoffDoubles(t *testing.T) {
	s := &Syncer{RetryMin: time.Hour, RetryMax: 7 * 24 * time.Hour}
	for failures, want := range map[int]time.Duration{1: time.Hour, 2: 2 * time.Hour, 4: 8 * time.Hour, 8: 128 * time.Hour, 9: 168 * time.Hour, 30: 168 * time.Hour} {
		if got := s.backoff(failures); got != want {
			t.Errorf("backoff(%d) = %v, want %v", failures, got, want)
		}
	}
}

// A failed refetch keeps the transcript fetched before.
func TestFailureKeepsPreviousTranscript(t *testing.T) {
	yt := newFakeYouTube(t)
	yt.add("vid00000016", &fakeVideo{tracks: []fakeTrack{{"en", "asr", vtt(autoEN)}}})
	dir, c := t.TempDir(), &fakeClock{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if r := one(t, syncer(yt, dir, c), Request{Slug: "ep16", VideoID: "vid00000016"}); r.Outcome != OutcomeFetched {
		t.Fatal(r)
	}
	c.now = c.now.Add(40 * 24 * time.Hour) // automatic captions are due for a re-check
	yt.add("vid00000016", &fakeVideo{status: "LOGIN_REQUIRED", reason: "This video is private"})
	r := one(t, syncer(yt, dir, c), Request{Slug: "ep16", VideoID: "vid00000016"})
	if r.Outcome != OutcomeUnavailable || r.Transcript == nil || r.Transcript.Cues[0].Text != "hello from the automatic track" {
		t.Fatalf("failed refetch: %+v", r)
	}
}

// A local file beside the episode wins and YouTube is not asked.
func TestLocalFileOverridesYouTube(t *testing.T) {
	yt := newFakeYouTube(t)
	yt.add("vid00000017", &fakeVideo{tracks: []fakeTrack{{"en", "", vtt(uploadedEN)}}})
	eps := t.TempDir()
	if err := os.WriteFile(filepath.Join(eps, "ep17.en.srt"), []byte("1\n00:00:00,000 --> 00:00:02,000\nOur own words\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := one(t, syncer(yt, t.TempDir(), &fakeClock{time.Now()}), Request{Slug: "ep17", VideoID: "vid00000017", EpisodeDir: eps})
	if r.Outcome != OutcomeLocal || r.Transcript.Cues[0].Text != "Our own words" || r.Transcript.Language != "en" {
		t.Fatalf("%+v", r)
	}
	if yt.total() != 0 {
		t.Fatalf("YouTube was asked %d times", yt.total())
	}
}

func TestBadSlugIsRefused(t *testing.T) {
	r := one(t, &Syncer{StateDir: t.TempDir()}, Request{Slug: "../escape", VideoID: "vid00000018"})
	if r.Outcome != OutcomeFailed {
		t.Fatalf("%+v", r)
	}
}

func TestReadStatus(t *testing.T) {
	yt := newFakeYouTube(t)
	yt.add("vid00000019", &fakeVideo{tracks: []fakeTrack{{"en", "asr", vtt(autoEN)}}})
	dir, c := t.TempDir(), &fakeClock{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	s := syncer(yt, dir, c)
	s.Sync(context.Background(), []Request{{Slug: "ep19", VideoID: "vid00000019"}, {Slug: "ep20", VideoID: "vid00000404"}})
	sts, err := ReadStatus(dir)
	if err != nil || len(sts) != 2 {
		t.Fatalf("%v, %+v", err, sts)
	}
	if sts[0].Slug != "ep19" || sts[0].Outcome != OutcomeFetched || sts[0].Language != "en" || sts[0].Kind != Automatic {
		t.Errorf("ep19: %+v", sts[0])
	}
	if sts[1].Outcome != OutcomeUnavailable || sts[1].Failures != 1 || sts[1].LastError == "" || !sts[1].NextAttempt.Equal(c.now.Add(time.Hour)) {
		t.Errorf("ep20: %+v", sts[1])
	}
}

// TestLocalFileReadOnce: a local caption file is read by the first Sync
// and not again while its size and time stay; Load still gives it, and a
// changed file, or one changed too recently to trust its time, is read.
func TestLocalFileReadOnce(t *testing.T) {
	eps, state := t.TempDir(), t.TempDir()
	c := &fakeClock{time.Now()}
	s := syncer(newFakeYouTube(t), state, c)
	req := Request{Slug: "ep21", EpisodeDir: eps}
	file := filepath.Join(eps, "ep21.en.vtt")
	write := func(text string, age time.Duration) {
		t.Helper()
		if err := os.WriteFile(file, []byte("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n"+text+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		when := c.now.Add(-age)
		if err := os.Chtimes(file, when, when); err != nil {
			t.Fatal(err)
		}
	}
	write("First words", time.Hour)

	first := one(t, s, req)
	if first.Outcome != OutcomeLocal || first.Transcript == nil || first.Digest != first.Transcript.Digest() {
		t.Fatalf("first sync: %+v", first)
	}
	again := one(t, s, req)
	if again.Outcome != OutcomeLocal || again.Transcript != nil || again.Digest != first.Digest || again.Source != file {
		t.Fatalf("second sync read the unchanged file again, or lost it: %+v", again)
	}
	loaded, err := s.Load(req, again)
	if err != nil || loaded.Digest() != first.Digest || loaded.Cues[0].Text != "First words" {
		t.Fatalf("Load after an unread sync: %v, %+v", err, loaded)
	}

	write("Other words", 30*time.Minute)
	changed := one(t, s, req)
	if changed.Transcript == nil || changed.Transcript.Cues[0].Text != "Other words" || changed.Digest == first.Digest {
		t.Fatalf("a changed file was not read again: %+v", changed)
	}

	write("Fresh words", 0) // modified just now: its time may not show the next change
	for range 2 {
		if r := one(t, s, req); r.Transcript == nil || r.Transcript.Cues[0].Text != "Fresh words" {
			t.Fatalf("a file modified just now was trusted unread: %+v", r)
		}
	}

	write("Kept words", time.Hour)
	one(t, s, req)
	if err := os.WriteFile(filepath.Join(state, localIndexFile), []byte("{damaged"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := one(t, s, req); r.Transcript == nil || r.Transcript.Cues[0].Text != "Kept words" {
		t.Fatalf("with a damaged index the file was not read: %+v", r)
	}
}
