package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/castfeed/castfeed/diag"
	"github.com/castfeed/castfeed/internal/pipeline"
)

const lintUsage = `Usage: castfeed lint [--config config.yaml] [--format text|json|github] [FILE.md ...]

Checks episode files (all of episodes.dir, or the named ones) and prints
every problem as

  path:line: error|warning: what is wrong; how to fix it

with paths relative to the current directory, as go vet does, so editors
and CI problem matchers open them. --format github prints GitHub Actions
workflow commands (::warning file=…,line=…::…), which annotate the pull
request; --format json an array of {file, line, severity, message, hint}.

Errors keep an episode out of the feed; warnings are repaired by castfeed
(chapters out of order, notes past the end, ...) but worth fixing. Exits 1
when there is any error, so it can guard a show's pull requests in CI.
Lint needs no network and writes nothing.
`

func runLint(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("lint", lintUsage, e)
	configPath := fs.String("config", "config.yaml", "config file")
	format := fs.String("format", "text", "output format: text, json or github")
	files, err := parseInterspersed(fs, "lint", args)
	if err != nil {
		return err
	}
	if *format != "text" && *format != "json" && *format != "github" {
		return &usageError{msg: fmt.Sprintf("unknown --format %q; use text, json or github", *format), cmd: "lint"}
	}
	cfg, err := loadConfig(*configPath, e.getenv)
	if err != nil {
		return err
	}
	// The publish target's settings and keys, checked without a request.
	if _, err := pipeline.OpenTarget(cfg, pipeline.TargetOptions{Getenv: e.getenv}); err != nil {
		return err
	}
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	diags, err := pipeline.Lint(ctx, cfg, files, wd)
	if err != nil {
		return err
	}
	// A large archive has thousands of problems: one write per line was
	// a fifth of lint's time at 10,000 episodes.
	out := bufio.NewWriterSize(e.stdout, 64<<10)
	switch *format {
	case "json":
		if diags == nil {
			diags = diag.List{}
		}
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(diags); err != nil {
			return err
		}
	case "github":
		for _, d := range diags {
			fmt.Fprintln(out, d.GitHub())
		}
	default:
		for _, d := range diags {
			fmt.Fprintln(out, d.String())
		}
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if diags.HasErrors() {
		return &exitError{code: 1}
	}
	return nil
}
