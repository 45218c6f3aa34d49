package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/castfeed/castfeed/internal/pipeline"
)

const buildUsage = `Usage: castfeed build [--config config.yaml] [--out DIR] [--offline] [--force]

Runs one refresh: reads the episode files, makes chapters and transcripts,
and publishes the output folder (feed.xml, feed.atom, feed.json and each
episode's assets) atomically. A broken episode is reported and left out;
the others are published. When nothing changed, no file is touched.

Exits 0 when a feed is published (or already up to date), 1 otherwise;
the previously published folder is then left as it was.
`

func runBuild(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("build", buildUsage, e)
	configPath := fs.String("config", "config.yaml", "config file")
	out := fs.String("out", "", "output folder (default: output.dir from the config)")
	offline := fs.Bool("offline", false, "no network: skip YouTube and HTTP HEAD; use the state folder and local files")
	force := fs.Bool("force", false, "publish even if episodes would vanish from the feed or change their guid")
	if err := parseFlags(fs, "build", args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0)), cmd: "build"}
	}
	cfg, err := loadConfig(*configPath, e.getenv)
	if err != nil {
		return err
	}
	if *out != "" {
		cfg.Output.Dir = *out
	}
	log := newLogger(cfg.Log, e.stderr)
	client := &http.Client{Transport: http.DefaultTransport}
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	opt := pipeline.Options{
		WorkDir:     wd,
		Config:      cfg,
		Offline:     *offline,
		Force:       *force,
		Logger:      log,
		HTTPClient:  client,
		Progress:    progress(e.stderr, "reading episodes"),
		Version:     castfeedVersion(),
		Transcripts: pipeline.NewTranscripts(cfg, *offline, log),
	}
	res, err := pipeline.Run(ctx, opt)
	if err != nil {
		if errors.Is(err, pipeline.ErrRefused) {
			return &exitError{code: 1, msg: "castfeed: " + err.Error()}
		}
		return err
	}
	switch {
	case res.UpToDate:
		log.Info("feed up to date", "output", cfg.Output.Dir, "episodes", res.Published)
	case res.Changed:
		log.Info("feed published", "output", cfg.Output.Dir, "episodes", res.Published, "files", res.Files, "problems", len(res.Diagnostics))
	default:
		log.Info("feed unchanged", "output", cfg.Output.Dir, "episodes", res.Published, "problems", len(res.Diagnostics))
	}
	return nil
}
