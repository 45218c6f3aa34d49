// Command castfeed turns a folder of podcast show notes into a podcast:
// chapters, transcripts and a feed that podcast apps accept, published as
// a static folder and, with `castfeed serve`, served over HTTP.
//
// This package only wires: flags, config, logger and signals. The stages
// live in the episode, chapters, transcript and feed packages.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	_ "time/tzdata" // podcast.timezone must work in a scratch container
)

// version is set at build time: -ldflags "-X main.version=v1.2.3"; see
// castfeedVersion for what is used without it.
var version string

// castfeedVersion is the version castfeed reports (castfeed version, the
// feed's generator).
func castfeedVersion() string { return resolveVersion(version, debug.ReadBuildInfo) }

// resolveVersion returns set (from -ldflags) when there is one, else the
// main module's version as the go command recorded it in the binary:
// v1.2.3 for `go install …/cmd/castfeed@v1.2.3`, a pseudo-version such as
// v0.0.0-20261207101500-0123456789ab for a build in a git checkout (with
// +dirty when it had changes). Without either it is "dev".
func resolveVersion(set string, read func() (*debug.BuildInfo, bool)) string {
	if set != "" {
		return set
	}
	if info, ok := read(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// env is what a command may touch of the outside world; tests pass their
// own.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

// exitError carries an exit code chosen by a command (lint exits 1 when it
// found errors, without that being a failure of castfeed itself).
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// usageError is a mistake in the command line; it prints a hint.
type usageError struct{ msg, cmd string }

func (e *usageError) Error() string { return e.msg }

func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, ee.msg)
		}
		return ee.code
	}
	var ue *usageError
	if errors.As(err, &ue) {
		try := "castfeed --help"
		if ue.cmd != "" {
			try = "castfeed " + ue.cmd + " --help"
		}
		fmt.Fprintf(stderr, "castfeed: %s\nTry: %s\n", ue.msg, try)
		return 2
	}
	fmt.Fprintf(stderr, "castfeed: %v\n", err)
	return 1
}

const usage = `castfeed turns a folder of podcast show notes into a podcast.

Usage:
  castfeed <command> [flags] [arguments]

Commands:
  build       read the episodes, make chapters and transcripts, publish the feed folder
  lint        check episode files and say exactly what is wrong (for the show's CI)
  chapters    print one episode's chapters as json, psc, vtt, youtube or ffmetadata
  audio       write one episode's local audio tagged and chaptered (MP3 or M4A)
  transcript  print one transcript (from YouTube or a caption file) as vtt, srt, json, html or txt
  serve       publish on a schedule and serve the feed to podcast apps
  status      show what castfeed remembers of each episode's transcript
  healthcheck ask a running "castfeed serve" whether it is alive (for Docker)
  version     print castfeed's version

Run "castfeed <command> --help" for a command's flags.
`

// commands are castfeed's subcommands, one file each.
var commands = map[string]func(context.Context, []string, env) error{
	"build":       runBuild,
	"lint":        runLint,
	"chapters":    runChapters,
	"audio":       runAudio,
	"transcript":  runTranscript,
	"serve":       runServe,
	"healthcheck": runHealthcheck,
	"status":      runStatus,
}

func run(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return &usageError{msg: "no command given"}
	}
	cmd, rest := args[0], args[1:]
	if run, ok := commands[cmd]; ok {
		return run(ctx, rest, e)
	}
	switch cmd {
	case "version", "--version", "-version":
		fmt.Fprintf(e.stdout, "castfeed %s\n", castfeedVersion())
		return nil
	case "help", "-h", "-help", "--help":
		fmt.Fprint(e.stdout, usage)
		return nil
	default:
		return &usageError{msg: fmt.Sprintf("unknown command %q", cmd)}
	}
}

// newFlagSet returns a FlagSet whose --help prints the command's usage text
// to stdout and whose errors become usage errors.
func newFlagSet(name, text string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet("castfeed "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprint(e.stdout, text)
		fmt.Fprintln(e.stdout, "\nFlags:")
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		fs.SetOutput(e.stderr)
	}
	return fs
}

// parseFlags parses args, turning flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, cmd string, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &usageError{msg: err.Error(), cmd: cmd}
	}
	return nil
}
