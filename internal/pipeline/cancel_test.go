package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// stopBound is how long a cancelled build may take to return. The loops
// look at their context every few milliseconds of work; the bound is
// generous for -race on two loaded cores. Cancelled in the middle of
// encoding, the longest stage, the build must also stop there rather
// than finish it.
const stopBound = 2 * time.Second

// cancelPoint says when to cancel a build: at event (a stage's end, as
// the build logs it, or "start"), after delay.
type cancelPoint struct {
	stage, event string
	delay        func(stages map[string]time.Duration) time.Duration
}

var cancelPoints = []cancelPoint{
	{"read", "start", func(d map[string]time.Duration) time.Duration { return d["read"] / 2 }},
	{"items", "read", func(map[string]time.Duration) time.Duration { return 0 }},
	{"encode", "items", func(d map[string]time.Duration) time.Duration { return d["encode"] / 3 }},
	{"publish", "encode", func(map[string]time.Duration) time.Duration { return 0 }},
	{"state", "publish", func(map[string]time.Duration) time.Duration { return 0 }},
}

// stageClock is a logger that tells when each stage of a build ends, by
// the build's own debug events ("build stage", "feeds encoded").
func stageClock(on func(event string)) *slog.Logger {
	return slog.New(&events{on: func(msg string, a map[string]slog.Value) {
		switch {
		case msg == "build stage":
			on(a["stage"].String())
		case msg == "feeds encoded":
			on("encode")
		}
	}})
}

// timedBuild runs a build and returns how long each stage took.
func timedBuild(t testing.TB, opt Options) map[string]time.Duration {
	t.Helper()
	stages := map[string]time.Duration{}
	last := time.Now()
	var mu sync.Mutex
	opt.Logger = stageClock(func(event string) {
		mu.Lock()
		defer mu.Unlock()
		if event == "publish" {
			event = "commit" // the publish lap covers encoding and committing
		}
		stages[event] = time.Since(last)
		last = time.Now()
	})
	mustRun(t, opt)
	return stages
}

// cancelledBuild runs a build cancelled at p and returns its error and
// how long it took to return after the cancellation.
func cancelledBuild(opt Options, p cancelPoint, stages map[string]time.Duration) (error, time.Duration) {
	err, took, _, _ := cancelledBuildSeen(opt, p, stages)
	return err, took
}

// cancelledBuildSeen is cancelledBuild that also returns the events the
// build logged before the cancellation, and those it logged after it.
func cancelledBuildSeen(opt Options, p cancelPoint, stages map[string]time.Duration) (error, time.Duration, map[string]bool, map[string]bool) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var (
		mu       sync.Mutex
		canceled time.Time
		seen     = map[string]bool{}
		later    = map[string]bool{}
	)
	fire := func() {
		mu.Lock()
		defer mu.Unlock()
		if canceled.IsZero() {
			canceled = time.Now()
			cancel()
		}
	}
	arm := func() {
		if d := p.delay(stages); d > 0 {
			time.AfterFunc(d, fire)
		} else {
			fire()
		}
	}
	opt.Logger = stageClock(func(event string) {
		mu.Lock()
		if canceled.IsZero() {
			seen[event] = true
		} else {
			later[event] = true
		}
		mu.Unlock()
		if event == p.event {
			arm()
		}
	})
	if p.event == "start" {
		arm()
	}
	_, err := Run(ctx, opt)
	returned := time.Now()
	mu.Lock()
	defer mu.Unlock()
	if canceled.IsZero() {
		return fmt.Errorf("the build ended before the cancellation at %s: %v", p.stage, err), 0, seen, later
	}
	return err, returned.Sub(canceled), seen, later
}

// TestCancelLargeBuild cancels a large build in each of its stages: it
// returns promptly with context.Canceled, a build cancelled before it
// publishes leaves the published folder as it was, and the next refresh
// succeeds and publishes what a cold build would.
func TestCancelLargeBuild(t *testing.T) {
	base := corpusShow(t, 600, false)
	mustRun(t, base)
	// A changed config: every item is encoded again, so each stage has
	// its full work to be stopped in.
	edit(t, filepath.Join(base.Config.Episodes.Dir, "episode-000001.md"), "## Guests", "## Guests\n\n- [New Guest](https://example.org/new)")
	base.Config.Digest = "changed"
	want := coldTwin(t, base)
	mustRun(t, want)
	stages := timedBuild(t, coldTwin(t, base))
	root := filepath.Dir(base.Config.Episodes.Dir)
	for _, p := range cancelPoints {
		t.Run(p.stage, func(t *testing.T) {
			opt := base
			cfg := *base.Config
			dir := copyDir(t, root, filepath.Join(t.TempDir(), "show"))
			cfg.Episodes.Dir, cfg.Output.Dir, cfg.State.Dir = filepath.Join(dir, "episodes"), filepath.Join(dir, "public"), filepath.Join(dir, "state")
			opt.Config = &cfg
			before := snapshot(t, cfg.Output.Dir)

			err, took, seen, later := cancelledBuildSeen(opt, p, stages)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v; want context.Canceled", err)
			}
			t.Logf("returned %v after the cancellation; uncancelled stages: %v", took, stages)
			if took > stopBound {
				t.Errorf("the build took %v to return after the cancellation, more than %v", took, stopBound)
			}
			// Cancelled in the middle of encoding (the longest stage), it
			// stops there: it never finishes encoding. This holds whatever
			// the machine's speed, where a bound in time would not.
			if p.stage == "encode" && seen["items"] && !seen["encode"] && later["encode"] {
				t.Errorf("cancelled in the middle of encoding, the build went on to finish encoding (returned %v after the cancellation; encoding takes %v in all)", took, stages["encode"])
			}
			// Published atomically: the old version or the whole new one.
			// Cancelled before the feeds were encoded, the old one. (A
			// build faster than the timing one may be cancelled later
			// than planned, even after it committed.)
			after := snapshot(t, cfg.Output.Dir)
			switch {
			case !seen["encode"] && !equalFiles(before, after):
				t.Error("a build cancelled before its feeds were encoded changed the published folder")
			case !equalFiles(before, after) && !equalFiles(after, snapshot(t, want.Config.Output.Dir)):
				t.Error("a cancelled build left the published folder neither as it was nor as the new version")
			}
			opt.Logger = nil
			if res := mustRun(t, opt); res.UpToDate {
				t.Error("the refresh after a cancelled build took it as done")
			}
			// The cancelled build left its partial folder, if any, for the
			// next one to remove.
			if leftovers, _ := filepath.Glob(filepath.Join(dir, ".*tmp-*")); len(leftovers) > 0 {
				t.Errorf("the refresh after a cancelled build left %v", leftovers)
			}
			sameOutput(t, "after the cancelled build", cfg.Output.Dir, want.Config.Output.Dir)
		})
	}
}
