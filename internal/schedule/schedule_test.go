package schedule

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/castfeed/castfeed/internal/pipeline"
)

func TestRefreshesNeverOverlap(t *testing.T) {
	release := make(chan struct{})
	var running, maxRunning, calls atomic.Int32
	r := &Runner{Build: func(ctx context.Context) (*pipeline.Result, error) {
		calls.Add(1)
		n := running.Add(1)
		defer running.Add(-1)
		for {
			m := maxRunning.Load()
			if n <= m || maxRunning.CompareAndSwap(m, n) {
				break
			}
		}
		<-release
		return &pipeline.Result{Changed: true}, nil
	}}
	ctx := context.Background()
	if !r.Trigger(ctx) {
		t.Fatal("the first trigger was refused")
	}
	// While it runs, every other way in is refused.
	for range 10 {
		if r.Trigger(ctx) {
			t.Fatal("a second refresh started while one was running")
		}
		if _, ran := r.Once(ctx); ran {
			t.Fatal("Once ran while a refresh was running")
		}
	}
	close(release)
	r.Wait()
	if calls.Load() != 1 || maxRunning.Load() != 1 {
		t.Fatalf("calls %d, max concurrent %d; want 1 and 1", calls.Load(), maxRunning.Load())
	}
	if out, ran := r.Once(ctx); !ran || out != Published {
		t.Fatalf("after the first ended: ran %v outcome %q; want a published refresh", ran, out)
	}
}

func TestPanicIsRecoveredAndReported(t *testing.T) {
	published := 0
	r := &Runner{
		Build:     func(ctx context.Context) (*pipeline.Result, error) { panic("boom") },
		OnPublish: func() { published++ },
	}
	out, ran := r.Once(context.Background())
	if !ran || out != Failed {
		t.Fatalf("outcome %q ran %v; want failed", out, ran)
	}
	if r.Ready() || published != 0 {
		t.Fatal("a panicked refresh counted as published")
	}
	// The runner is usable afterwards: the lock was released.
	r.Build = func(ctx context.Context) (*pipeline.Result, error) { return &pipeline.Result{}, nil }
	if out, _ := r.Once(context.Background()); out != Unchanged || !r.Ready() {
		t.Fatalf("refresh after a panic: %q, ready %v", out, r.Ready())
	}
}

func TestOutcomes(t *testing.T) {
	for _, tc := range []struct {
		res  *pipeline.Result
		err  error
		want string
	}{
		{&pipeline.Result{Changed: true}, nil, Published},
		{&pipeline.Result{UpToDate: true}, nil, Unchanged},
		{&pipeline.Result{}, pipeline.ErrRefused, Refused},
		{nil, errors.New("disk full"), Failed},
	} {
		r := &Runner{Build: func(context.Context) (*pipeline.Result, error) { return tc.res, tc.err }}
		if out, _ := r.Once(context.Background()); out != tc.want {
			t.Errorf("result %+v err %v: outcome %q, want %q", tc.res, tc.err, out, tc.want)
		}
	}
}

// TestScheduleRunsAndStops runs a nightly schedule in the show's time zone
// for three days of synctest's clock: a refresh at 03:00 local time each
// day, none in between, and nothing after the context ends.
func TestScheduleRunsAndStops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		loc, err := time.LoadLocation("Asia/Kolkata") // +05:30: not UTC on synctest's clock (2000)
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var at []time.Time
		r := &Runner{Build: func(ctx context.Context) (*pipeline.Result, error) {
			mu.Lock()
			at = append(at, time.Now().In(loc))
			mu.Unlock()
			return &pipeline.Result{}, nil
		}}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- r.Schedule(ctx, "0 3 * * *", loc) }()
		time.Sleep(3 * 24 * time.Hour)
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		time.Sleep(24 * time.Hour) // nothing runs once stopped
		mu.Lock()
		defer mu.Unlock()
		if len(at) != 3 {
			t.Fatalf("%d refreshes in three days (%v), want 3", len(at), at)
		}
		for _, a := range at {
			if a.Hour() != 3 || a.Minute() != 0 || a.Second() != 0 {
				t.Errorf("a refresh ran at %v, want 03:00:00 in %s", a, loc)
			}
		}
	})
	if err := (&Runner{}).Schedule(context.Background(), "every night", time.UTC); err == nil {
		t.Fatal("a bad schedule was accepted")
	}
}

// A refresh in flight when shutdown comes is cancelled through its ctx.
func TestShutdownCancelsRefresh(t *testing.T) {
	started := make(chan struct{})
	r := &Runner{Build: func(ctx context.Context) (*pipeline.Result, error) {
		close(started)
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	ctx, cancel := context.WithCancel(context.Background())
	r.Trigger(ctx)
	<-started
	cancel()
	r.Wait() // returns only because the build saw ctx end
	if r.Ready() {
		t.Fatal("a cancelled refresh made the server ready")
	}
}

func TestWebSubPingRetries(t *testing.T) {
	var mu sync.Mutex
	var got []url.Values
	fails := 2
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		form, _ := url.ParseQuery(string(body))
		mu.Lock()
		defer mu.Unlock()
		got = append(got, form)
		if fails > 0 {
			fails--
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hub.Close()
	rejecting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		http.Error(w, "bad topic", http.StatusBadRequest)
	}))
	defer rejecting.Close()

	h := &Hubs{URLs: []string{hub.URL}, Topic: "https://example.org/feed.xml", Backoff: time.Millisecond}
	r := &Runner{Hubs: h, Build: func(context.Context) (*pipeline.Result, error) { return &pipeline.Result{Changed: true}, nil }}
	r.Once(context.Background())
	r.Wait()
	mu.Lock()
	if len(got) != 3 {
		t.Fatalf("hub got %d requests, want 3 (two 503s, then success)", len(got))
	}
	if f := got[2]; f.Get("hub.mode") != "publish" || f.Get("hub.url") != "https://example.org/feed.xml" {
		t.Fatalf("ping form %v", f)
	}
	mu.Unlock()

	// A 4xx is not retried; an unchanged refresh pings nobody.
	var rejected atomic.Int32
	rejecting.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		rejected.Add(1)
		http.Error(w, "bad topic", http.StatusBadRequest)
	})
	h2 := &Hubs{URLs: []string{rejecting.URL}, Topic: "t", Backoff: time.Millisecond}
	r2 := &Runner{Hubs: h2, Build: func(context.Context) (*pipeline.Result, error) { return &pipeline.Result{Changed: true}, nil }}
	r2.Once(context.Background())
	r2.Wait()
	r2.Build = func(context.Context) (*pipeline.Result, error) { return &pipeline.Result{}, nil }
	r2.Once(context.Background())
	r2.Wait()
	if rejected.Load() != 1 {
		t.Fatalf("rejecting hub got %d requests, want 1", rejected.Load())
	}
}
