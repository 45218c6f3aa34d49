// Package schedule runs the show's refreshes for `castfeed serve`: on a
// cron schedule, on SIGHUP and on the refresh endpoint. It guarantees that
// refreshes never overlap, that a panic in one is recovered and reported,
// and that shutting down cancels the one in flight, which leaves the
// published folder as it was (see publish).
package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/castfeed/castfeed/internal/metrics"
	"github.com/castfeed/castfeed/internal/pipeline"
	"github.com/robfig/cron/v3"
)

// Runner performs refreshes one at a time.
type Runner struct {
	// Build does one refresh; pipeline.Run with the process's options.
	Build func(ctx context.Context) (*pipeline.Result, error)
	// OnPublish, if set, is called after a refresh replaced the output
	// folder (the server drops its caches).
	OnPublish func()
	// Hubs are pinged (WebSub) after the feed changed.
	Hubs    *Hubs
	Logger  *slog.Logger
	Metrics *metrics.Metrics // may be nil

	mu      sync.Mutex // held while a refresh runs
	wg      sync.WaitGroup
	readyMu sync.Mutex
	ready   bool
}

// Outcomes of a refresh, as counted in metrics.
const (
	Published = "published" // the output folder was replaced
	Unchanged = "unchanged" // nothing to change
	Refused   = "refused"   // the safety checks kept the previous feed
	Failed    = "failed"    // an error or a panic; the previous feed is kept
)

// Once runs one refresh now and waits for it. It returns false without
// doing anything when another refresh is running.
func (r *Runner) Once(ctx context.Context) (outcome string, ran bool) {
	if !r.mu.TryLock() {
		r.logger().Info("refresh skipped: another one is running")
		return "", false
	}
	defer r.mu.Unlock()
	return r.refresh(ctx), true
}

// Trigger starts a refresh in the background and returns at once; false
// means one is already running. Wait waits for triggered refreshes.
func (r *Runner) Trigger(ctx context.Context) bool {
	if !r.mu.TryLock() {
		r.logger().Info("refresh skipped: another one is running")
		return false
	}
	r.wg.Go(func() {
		defer r.mu.Unlock()
		r.refresh(ctx)
	})
	return true
}

// Wait waits for refreshes started by Trigger and for WebSub pings.
func (r *Runner) Wait() {
	r.wg.Wait()
	r.Hubs.Wait()
}

// Ready reports whether a feed has been published (by this process or, as
// SetReady says, before it started).
func (r *Runner) Ready() bool {
	r.readyMu.Lock()
	defer r.readyMu.Unlock()
	return r.ready
}

// SetReady marks a feed as published.
func (r *Runner) SetReady() {
	r.readyMu.Lock()
	r.ready = true
	r.readyMu.Unlock()
}

func (r *Runner) logger() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// refresh runs Build, recovering a panic into a failed refresh: a bug in
// one episode's processing must not take the server down.
func (r *Runner) refresh(ctx context.Context) (outcome string) {
	log := r.logger()
	start := time.Now()
	var res *pipeline.Result
	var err error
	func() {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v", p)
				log.Error("refresh panicked; the published feed is kept", "panic", p, "stack", string(debug.Stack()))
			}
		}()
		res, err = r.Build(ctx)
	}()
	elapsed := time.Since(start)
	switch {
	case errors.Is(err, pipeline.ErrRefused):
		outcome = Refused
		log.Error("refresh refused; the published feed is kept", "error", err)
	case err != nil && ctx.Err() != nil:
		outcome = Failed
		log.Info("refresh cancelled; the published feed is kept", "error", err)
	case err != nil:
		outcome = Failed
		log.Error("refresh failed; the published feed is kept", "error", err)
	case res.Changed:
		outcome = Published
	default:
		outcome = Unchanged
	}
	if err == nil {
		r.SetReady()
		log.Info("refresh done", "outcome", outcome, "episodes", res.Published, "problems", len(res.Diagnostics), "duration_ms", elapsed.Milliseconds())
	}
	r.record(outcome, elapsed, res, err == nil)
	if outcome == Published {
		if r.OnPublish != nil {
			r.OnPublish()
		}
		r.Hubs.Ping(ctx)
	}
	return outcome
}

func (r *Runner) record(outcome string, elapsed time.Duration, res *pipeline.Result, ok bool) {
	m := r.Metrics
	if m == nil {
		return
	}
	m.RefreshDuration.Observe(elapsed.Seconds())
	m.Refreshes.Inc(outcome)
	if res != nil && res.Publish != nil {
		m.RecordPublish(res.Publish.Uploaded, res.Publish.Skipped, res.Publish.Deleted, res.Publish.Bytes, res.Publish.Duration)
	}
	if !ok {
		return
	}
	m.LastSuccess.Set(float64(time.Now().Unix()))
	m.EpisodesPublished.Set(float64(res.Published))
	for k, n := range res.Transcripts {
		m.TranscriptFetches.Add(float64(n), k)
	}
}

// Schedule runs refreshes on spec (a cron expression or a descriptor such
// as @daily) in loc until ctx is done, then waits for the running one.
func (r *Runner) Schedule(ctx context.Context, spec string, loc *time.Location) error {
	logger := cronLogger{r.logger()}
	c := cron.New(
		cron.WithLocation(loc),
		cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)),
	)
	if _, err := c.AddFunc(spec, func() { r.Once(ctx) }); err != nil {
		return fmt.Errorf("serve.schedule %q: %w", spec, err)
	}
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}

// cronLogger adapts slog to cron's two-method Logger.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "error", err)...)
}
