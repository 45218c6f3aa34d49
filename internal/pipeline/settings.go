package pipeline

import (
	"context"
	"log/slog"
	"os/exec"
	"path/filepath"

	"github.com/castfeed/castfeed/internal/config"
	"github.com/castfeed/castfeed/transcript"
	"golang.org/x/time/rate"
)

// NewFetcher builds the YouTube client from the transcripts settings:
// `castfeed transcript` uses it alone, a build through NewTranscripts.
func NewFetcher(cfg *config.Config, log *slog.Logger) *transcript.Fetcher {
	t := cfg.Transcripts
	f := &transcript.Fetcher{
		Languages:   t.Languages,
		CookiesFile: t.CookiesFile,
		YtDlp:       ytDlp(t.YtDlp),
		Timeout:     t.Timeout,
		Logger:      log,
	}
	if t.RequestsPerMin > 0 {
		f.Limiter = rate.NewLimiter(rate.Limit(t.RequestsPerMin/60), 1)
	}
	return f
}

// NewTranscripts builds the transcript syncer of a build from the config,
// or returns nil when transcripts are off.
func NewTranscripts(cfg *config.Config, offline bool, log *slog.Logger) Transcripts {
	t := cfg.Transcripts
	if !t.Enabled {
		return nil
	}
	return &transcript.Syncer{
		Fetcher:     NewFetcher(cfg, log),
		StateDir:    filepath.Join(cfg.State.Dir, "transcripts"),
		Offline:     offline,
		Concurrency: t.Concurrency,
		RecheckAuto: t.RecheckAutomatic,
		RetryMin:    t.RetryMin,
		RetryMax:    t.RetryMax,
		Logger:      log,
	}
}

// ytDlp resolves transcripts.ytdlp: "off" disables it, a path or name is
// used as given, and empty means "yt-dlp if it is on PATH".
func ytDlp(setting string) string {
	switch setting {
	case "off", "false", "no":
		return ""
	case "":
		if p, err := exec.LookPath("yt-dlp"); err == nil {
			return p
		}
		return ""
	}
	return setting
}

// Reloading returns the refresh of a long-running process (`castfeed
// serve`): each call loads the config again, since a show's
// volunteers edit it in git and expect the next refresh to use it without
// a restart. The output and media folders stay those of first: the server
// is serving them. base gives the other options; its Config and
// Transcripts are replaced at each call.
func Reloading(load func() (*config.Config, error), first *config.Config, base Options) func(context.Context) (*Result, error) {
	return func(ctx context.Context) (*Result, error) {
		next, err := load()
		if err != nil {
			return nil, err
		}
		next.Output.Dir, next.Media.Dir = first.Output.Dir, first.Media.Dir
		opt := base
		opt.Config = next
		opt.Transcripts = NewTranscripts(next, base.Offline, base.Logger)
		return Run(ctx, opt)
	}
}
