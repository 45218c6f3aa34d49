package transcript

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestDecide pins when the syncer asks YouTube: the whole policy, from
// the state file alone.
func TestDecide(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	auto := &stored{Language: "en", Kind: Automatic}
	uploaded := &stored{Language: "en", Kind: Uploaded}
	online := &Syncer{Fetcher: &Fetcher{}, RecheckAuto: 30 * 24 * time.Hour}
	offline := &Syncer{Fetcher: &Fetcher{}, Offline: true}
	noFetcher := &Syncer{}
	blocked := fmt.Errorf("youtube: %w", ErrBlocked)
	for _, c := range []struct {
		name   string
		s      *Syncer
		st     state
		halted error
		fetch  bool
		why    string // in the reason; "" means none
	}{
		{"never asked", online, state{}, nil, true, ""},
		{"uploaded captions are never asked again", online, state{Transcript: uploaded, FetchedAt: now.AddDate(-3, 0, 0)}, nil, false, ""},
		{"uploaded captions, even offline", offline, state{Transcript: uploaded}, nil, false, ""},
		{"automatic captions, fresh", online, state{Transcript: auto, FetchedAt: now.Add(-24 * time.Hour)}, nil, false, ""},
		{"automatic captions, due for a recheck", online, state{Transcript: auto, FetchedAt: now.AddDate(0, 0, -31)}, nil, true, ""},
		{"automatic captions after a failure: retry when due", online, state{Transcript: auto, FetchedAt: now.Add(-time.Hour), Failures: 1, NextAttempt: now.Add(-time.Minute)}, nil, true, ""},
		{"backing off", online, state{Failures: 2, NextAttempt: now.Add(time.Hour), LastError: "HTTP 429"}, nil, false, "waiting until 2026-03-01T13:00:00Z after: HTTP 429"},
		{"backoff over", online, state{Failures: 2, NextAttempt: now}, nil, true, ""},
		{"offline", offline, state{}, nil, false, "offline"},
		{"no fetcher", noFetcher, state{}, nil, false, "no fetcher configured"},
		{"halted this run", online, state{}, blocked, false, "not asked this run"},
		{"halted, but fresh captions need no request anyway", online, state{Transcript: auto, FetchedAt: now}, blocked, false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			fetch, why := c.s.decide(&c.st, now, c.halted)
			if fetch != c.fetch || (c.why == "") != (why == nil) || why != nil && !strings.Contains(why.Error(), c.why) {
				t.Fatalf("decide(%+v, halted %v) = %v, %v; want %v, %q", c.st, c.halted, fetch, why, c.fetch, c.why)
			}
			if c.halted != nil && why != nil && !errors.Is(why, ErrBlocked) {
				t.Errorf("the reason %v does not wrap why the run halted", why)
			}
		})
	}
}

// TestSyncBoundsGoroutines: a sync of many episodes runs at most
// Concurrency of them at once, and starts no goroutine for the others
// while it waits (one per episode was the memory of a large show), and a
// cancelled sync returns with the rest deferred.
func TestSyncBoundsGoroutines(t *testing.T) {
	yt := newFakeYouTube(t)
	yt.hang = true
	const n = 3000
	reqs := make([]Request, n)
	for i := range reqs {
		id := fmt.Sprintf("vid%08d", i)
		yt.add(id, &fakeVideo{tracks: []fakeTrack{{"en", "", vtt(uploadedEN)}}})
		reqs[i] = Request{Slug: fmt.Sprintf("e%05d", i), VideoID: id}
	}
	s := syncer(yt, t.TempDir(), &fakeClock{now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)})
	s.Concurrency = 2
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan []Result)
	go func() { done <- s.Sync(ctx, reqs) }()
	// Wait until both slots hang in a request.
	deadline := time.Now().Add(30 * time.Second)
	for yt.total() < 2 {
		if time.Now().After(deadline) {
			t.Fatal("no request reached the fake YouTube")
		}
		runtime.Gosched()
	}
	// The two fetches, their HTTP connections and the fake's handlers:
	// a few dozen at most, never one per episode.
	if g := runtime.NumGoroutine() - base; g > 60 {
		t.Errorf("%d goroutines while syncing %d episodes with concurrency 2", g, n)
	}
	cancel()
	res := <-done
	deferred := 0
	for _, r := range res {
		if r.Outcome == OutcomeDeferred && errors.Is(r.Err, context.Canceled) {
			deferred++
		}
	}
	if deferred < n-2 {
		t.Errorf("%d of %d results deferred by the cancellation", deferred, n)
	}
}

// TestLoad: what Sync gave, Load reads again, from a local file or the
// state folder, with no request; without a transcript, it says so.
func TestLoad(t *testing.T) {
	yt := newFakeYouTube(t)
	yt.add("vid00000031", &fakeVideo{tracks: []fakeTrack{{"en", "", vtt(uploadedEN)}}})
	yt.add("vid00000032", &fakeVideo{status: "LOGIN_REQUIRED", reason: "This video is private"})
	eps := t.TempDir()
	if err := os.WriteFile(filepath.Join(eps, "local.en.srt"), []byte("1\n00:00:00,000 --> 00:00:02,000\nOur own words\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := syncer(yt, t.TempDir(), &fakeClock{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	for _, c := range []struct {
		name string
		req  Request
		ok   bool
	}{
		{"fetched, from the state folder", Request{Slug: "fetched", VideoID: "vid00000031"}, true},
		{"local file", Request{Slug: "local", VideoID: "vid00000031", EpisodeDir: eps}, true},
		{"none", Request{Slug: "none", VideoID: "vid00000032"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := one(t, s, c.req)
			asked := yt.total()
			got, err := s.Load(c.req, r)
			if yt.total() != asked {
				t.Errorf("Load asked YouTube")
			}
			if !c.ok {
				if err == nil {
					t.Fatalf("Load of %+v = %+v; want an error", r, got)
				}
				return
			}
			if err != nil || r.Transcript == nil {
				t.Fatalf("Load of %+v: %v", r, err)
			}
			if !reflect.DeepEqual(got, r.Transcript) {
				t.Errorf("Load = %+v; Sync gave %+v", got, r.Transcript)
			}
		})
	}
}
