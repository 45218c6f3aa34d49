package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/castfeed/castfeed/internal/config"
	"github.com/castfeed/castfeed/internal/metrics"
	"github.com/castfeed/castfeed/internal/pipeline"
	"github.com/castfeed/castfeed/internal/schedule"
	"github.com/castfeed/castfeed/internal/server"
)

const serveUsage = `Usage: castfeed serve [--config config.yaml] [--addr :8080] [--force]

Publishes the show on a schedule and serves the output folder to podcast
apps: conditional GETs (304), gzip, byte ranges, CORS for web players.

A refresh runs at start (serve.refresh_on_start), on serve.schedule (a cron
expression or @daily, @hourly… in podcast.timezone), on SIGHUP, and on
POST /-/refresh with "Authorization: Bearer $CASTFEED_REFRESH_TOKEN" (the
variable named by serve.refresh_token_env; unset = endpoint off). The
config file is read again at each refresh. Refreshes never overlap; a
failed or refused one keeps the published feed.

Endpoints besides the files: /healthz, /readyz, /metrics (Prometheus).
SIGTERM or SIGINT: requests in flight finish, a refresh in flight is
cancelled without touching the published folder, exit 0.
`

func runServe(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("serve", serveUsage, e)
	configPath := fs.String("config", "config.yaml", "config file")
	addr := fs.String("addr", "", "listen address (default: serve.addr from the config)")
	force := fs.Bool("force", false, "publish even if the safety checks refuse (lost episodes, changed guids)")
	cfg, err := flagsAndConfig(fs, "serve", args, configPath, e)
	if err != nil {
		return err
	}
	if *addr != "" {
		cfg.Serve.Addr = *addr
	}
	log := newLogger(cfg.Log, e.stderr)
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(cfg.Podcast.Timezone)
	if err != nil {
		return fmt.Errorf("podcast.timezone: %w", err)
	}
	reg := metrics.NewRegistry()
	m := metrics.New(reg)
	client := &http.Client{Transport: http.DefaultTransport}

	runner := &schedule.Runner{Logger: log, Metrics: m,
		Build: pipeline.Reloading(func() (*config.Config, error) { return loadConfig(*configPath, e.getenv) }, cfg,
			pipeline.Options{Force: *force, Logger: log, HTTPClient: client, Version: castfeedVersion(), WorkDir: wd, Getenv: e.getenv})}
	if len(cfg.Podcast.WebSubHubs) > 0 {
		runner.Hubs = &schedule.Hubs{URLs: cfg.Podcast.WebSubHubs, Topic: cfg.Podcast.URL("feed.xml"), Client: client, Logger: log}
	}
	if _, err := os.Stat(filepath.Join(cfg.Output.Dir, "feed.xml")); err == nil {
		runner.SetReady() // a feed published before this process started
	}
	// Everything started below ends with ctx: a signal, or an error here.
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	srv := server.New(server.Options{
		Dir:          cfg.Output.Dir,
		MediaDir:     cfg.Media.Dir,
		Logger:       log,
		Metrics:      m,
		Registry:     reg,
		Ready:        runner.Ready,
		Refresh:      func() bool { return runner.Trigger(ctx) },
		RefreshToken: cfg.RefreshToken(e.getenv),
	})
	runner.OnPublish = srv.Published

	ln, err := net.Listen("tcp", cfg.Serve.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w; choose another address with --addr or serve.addr", cfg.Serve.Addr, err)
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	log.Info("serving", "addr", ln.Addr().String(), "dir", cfg.Output.Dir, "schedule", cfg.Serve.Schedule,
		"refresh_endpoint", cfg.RefreshToken(e.getenv) != "")
	svc := &schedule.Service{
		Runner:         runner,
		HTTP:           server.NewHTTPServer(cfg.Serve.Addr, srv.Handler()),
		Listener:       ln,
		Schedule:       cfg.Serve.Schedule,
		Location:       loc,
		RefreshOnStart: cfg.Serve.RefreshOnStart,
		Refresh:        hup,
		Logger:         log,
	}
	return svc.Run(ctx)
}
