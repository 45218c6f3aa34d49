package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/castfeed/castfeed/internal/pipeline"
	"github.com/castfeed/castfeed/internal/publish"
)

const buildUsage = `Usage: castfeed build [--config config.yaml] [--out DIR] [--offline] [--force] [--dry-run]

Runs one refresh: reads the episode files, makes chapters and transcripts,
and publishes the output folder (feed.xml, feed.atom, feed.json and each
episode's assets) atomically. A broken episode is reported and left out;
the others are published. When nothing changed, no file is touched.

With output.target: s3://bucket/prefix the folder is then synced to the
bucket: new and changed files only, feeds last, unreferenced objects
deleted after output.s3.delete_after. --dry-run prints what that would
upload and delete, and writes nothing to the bucket.

Exits 0 when a feed is published (or already up to date), 1 otherwise;
the previously published folder is then left as it was.
`

func runBuild(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("build", buildUsage, e)
	configPath := fs.String("config", "config.yaml", "config file")
	out := fs.String("out", "", "output folder (default: output.dir from the config)")
	offline := fs.Bool("offline", false, "no network: skip YouTube and HTTP HEAD; use the state folder and local files")
	force := fs.Bool("force", false, "publish even if episodes would vanish from the feed or change their guid")
	dryRun := fs.Bool("dry-run", false, "print what publishing to output.target would upload and delete; write nothing to it")
	cfg, err := flagsAndConfig(fs, "build", args, configPath, e)
	if err != nil {
		return err
	}
	if *out != "" {
		cfg.Output.Dir = *out
	}
	logs := newLogBuffer(e.stderr)
	defer logs.Close()
	log := newLogger(cfg.Log, logs)
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
	if opt.Target, err = pipeline.OpenTarget(cfg, pipeline.TargetOptions{DryRun: *dryRun, Getenv: e.getenv, Logger: log}); err != nil {
		return err
	}
	if *dryRun && opt.Target == nil {
		return &usageError{msg: "--dry-run shows what a publish to output.target would upload; output.target is dir, where the build itself is the publish", cmd: "build"}
	}
	opt.DryRun = *dryRun
	res, err := pipeline.Run(ctx, opt)
	if res != nil && res.Publish != nil && *dryRun {
		printPlan(e.stdout, res.Publish)
	}
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

// printPlan prints a dry run's uploads and deletions, in their order.
func printPlan(w io.Writer, rep *publish.Report) {
	for _, a := range rep.Actions {
		fmt.Fprintf(w, "%s\t%s\t%d bytes\t%s\n", a.Op, a.Key, a.Size, a.Reason)
	}
	fmt.Fprintf(w, "%s: %d to upload, %d to delete, %d unchanged, %d unreferenced and kept; nothing written (dry run)\n",
		rep.Target, countOp(rep, "upload"), countOp(rep, "delete"), rep.Skipped, rep.Unreferenced)
}

func countOp(rep *publish.Report, op string) int {
	n := 0
	for _, a := range rep.Actions {
		if a.Op == op {
			n++
		}
	}
	return n
}
