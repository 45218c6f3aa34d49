package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"
)

// Service is the process of `castfeed serve`: the HTTP server, and
// refreshes at start, on the schedule and on a signal (SIGHUP), until ctx
// ends. Shutting down lets requests in flight finish, within
// ShutdownTimeout, and cancels a refresh in flight, which leaves the
// published folder as it was.
type Service struct {
	Runner         *Runner
	HTTP           *http.Server
	Listener       net.Listener
	Schedule       string // cron expression or descriptor
	Location       *time.Location
	RefreshOnStart bool
	// Refresh delivers the signal that asks for a refresh now (SIGHUP).
	Refresh         <-chan os.Signal
	ShutdownTimeout time.Duration // 15 s when zero
	Logger          *slog.Logger
}

// Run serves until ctx ends or serving fails; it returns nil after a
// clean shutdown.
func (s *Service) Run(ctx context.Context) error {
	log := s.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	serveErr := make(chan error, 1)
	go func() { serveErr <- s.HTTP.Serve(s.Listener) }()
	if s.RefreshOnStart {
		s.Runner.Trigger(ctx)
	}
	scheduled := make(chan error, 1)
	go func() { scheduled <- s.Runner.Schedule(ctx, s.Schedule, s.Location) }()

	var (
		runErr        error
		scheduleEnded bool
	)
loop:
	for {
		select {
		case <-s.Refresh:
			log.Info("SIGHUP: refreshing now")
			s.Runner.Trigger(ctx)
		case err := <-scheduled:
			scheduleEnded, runErr = true, err
			break loop
		case err := <-serveErr:
			runErr = fmt.Errorf("serve http: %w", err)
			break loop
		case <-ctx.Done():
			break loop
		}
	}
	log.Info("shutting down")
	stop()
	timeout := s.ShutdownTimeout
	if timeout == 0 {
		timeout = 15 * time.Second
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	if err := s.HTTP.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("http shutdown", "error", err)
	}
	if !scheduleEnded {
		runErr = errors.Join(runErr, <-scheduled)
	}
	s.Runner.Wait()
	return runErr
}
