package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/castfeed/castfeed/diag"
	"github.com/castfeed/castfeed/internal/pipeline"
)

const lintUsage = `Usage: castfeed lint [--config config.yaml] [--format text|json] [FILE.md ...]

Checks episode files (all of episodes.dir, or the named ones) and prints
every problem as

  path:line: error|warning: what is wrong; how to fix it

Errors keep an episode out of the feed; warnings are repaired by castfeed
(chapters out of order, notes past the end, ...) but worth fixing. Exits 1
when there is any error, so it can guard a show's pull requests in CI.
Lint needs no network and writes nothing.
`

func runLint(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("lint", lintUsage, e)
	configPath := fs.String("config", "config.yaml", "config file")
	format := fs.String("format", "text", "output format: text or json")
	files, err := parseInterspersed(fs, "lint", args)
	if err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return &usageError{msg: fmt.Sprintf("unknown --format %q; use text or json", *format), cmd: "lint"}
	}
	cfg, _, err := loadConfig(*configPath)
	if err != nil {
		return err
	}
	diags, err := pipeline.Lint(ctx, cfg, files)
	if err != nil {
		return err
	}
	if *format == "json" {
		if diags == nil {
			diags = diag.List{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(diags); err != nil {
			return err
		}
	} else {
		for _, d := range diags {
			fmt.Fprintln(e.stdout, d.String())
		}
	}
	if diags.HasErrors() {
		return &exitError{code: 1}
	}
	return nil
}
