package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/castfeed/castfeed/internal/config"
)

// loadConfig reads and validates the config file, then applies the
// environment's overrides (config.ApplyEnv); flags, applied by the
// commands after it, win over both.
func loadConfig(path string, getenv func(string) string) (*config.Config, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	cfg.ApplyEnv(getenv)
	return cfg, nil
}

// flagsAndConfig parses the flags of a command that takes no other
// argument, then loads the config file that --config (configPath, read
// once the flags are parsed) names.
func flagsAndConfig(fs *flag.FlagSet, cmd string, args []string, configPath *string, e env) (*config.Config, error) {
	if err := parseFlags(fs, cmd, args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, &usageError{msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0)), cmd: cmd}
	}
	return loadConfig(*configPath, e.getenv)
}

// newLogger builds the process's logger from the config: text or JSON on
// stderr, at the configured level.
func newLogger(c config.Log, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(c.Level))
	opts := &slog.HandlerOptions{Level: lvl}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// logBuffer holds log lines until they pause for logPause (or fill its
// 64 KB): a build logs every problem of the show's files, 17,000 lines
// for a realistic 10,000-episode show, and one write each was a tenth of
// a one-edit refresh. Close writes what is left.
type logBuffer struct {
	mu    sync.Mutex
	w     *bufio.Writer
	timer *time.Timer // pending flush; nil when nothing waits
}

// logPause is short enough for a line to read as live.
const logPause = 10 * time.Millisecond

func newLogBuffer(w io.Writer) *logBuffer {
	return &logBuffer{w: bufio.NewWriterSize(w, 64<<10)}
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.timer == nil {
		b.timer = time.AfterFunc(logPause, func() { b.Close() })
	} else {
		b.timer.Reset(logPause)
	}
	return b.w.Write(p)
}

// Close writes the buffered lines; the buffer stays usable.
func (b *logBuffer) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.timer != nil {
		b.timer.Stop()
		b.timer = nil
	}
	return b.w.Flush()
}

// isTerminal reports whether w is a terminal, where progress is shown.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progress returns a function that redraws "label done/total" in place on
// a terminal, or nil when w is not one (logs stay clean in CI and Docker).
func progress(w io.Writer, label string) func(done, total int) {
	if !isTerminal(w) {
		return nil
	}
	return func(done, total int) {
		if done == total || done%50 == 0 {
			fmt.Fprintf(w, "\r%s %d/%d", label, done, total)
			if done == total {
				fmt.Fprint(w, "\r\033[K")
			}
		}
	}
}

// parseInterspersed parses flags that may come before or after the
// positional arguments (castfeed chapters FILE --format vtt).
func parseInterspersed(fs *flag.FlagSet, cmd string, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, cmd, args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// flagSet tells whether flag name was given explicitly (e.g. a --config
// given must exist, while the default one may be missing).
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
