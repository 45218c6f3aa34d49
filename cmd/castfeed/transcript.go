package main

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/castfeed/castfeed/episode"
	"github.com/castfeed/castfeed/internal/config"
	"github.com/castfeed/castfeed/transcript"
	"golang.org/x/time/rate"
)

const transcriptUsage = `Usage: castfeed transcript [--lang ar,en] [--format vtt|srt|json|html|txt] [--config FILE] YOUTUBE_URL_OR_FILE

Prints one transcript: the captions of a YouTube video (any URL form, or
the bare 11-character id), chosen by language preference, or a local .vtt
or .srt file converted to another format. Automatic captions are cleaned
of YouTube's rolling repeats.

Without --lang, transcripts.languages from the config is used when a
config file is found (its cookies_file and ytdlp settings too).
`

func runTranscript(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("transcript", transcriptUsage, e)
	langs := fs.String("lang", "", "preferred languages, comma-separated (e.g. ar,fr,en)")
	format := fs.String("format", "vtt", "output format: "+strings.Join(transcript.Formats, ", "))
	configPath := fs.String("config", "config.yaml", "config file (optional for this command)")
	pos, err := parseInterspersed(fs, "transcript", args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{msg: "give one YouTube URL or caption file", cmd: "transcript"}
	}
	if _, ok := transcript.MediaType(*format); !ok {
		return &usageError{msg: fmt.Sprintf("unknown --format %q (want one of %s)", *format, strings.Join(transcript.Formats, ", ")), cmd: "transcript"}
	}
	cfg := config.Default()
	if c, _, err := loadConfig(*configPath, e.getenv); err == nil {
		cfg = c
	} else if flagSet(fs, "config") {
		return err
	}
	if *langs != "" {
		cfg.Transcripts.Languages = strings.Split(*langs, ",")
	}
	log := newLogger(cfg.Log, e.stderr)

	arg := pos[0]
	var t *transcript.Transcript
	if fi, err := os.Stat(arg); err == nil && fi.Mode().IsRegular() {
		t, err = readCaptionFile(arg)
		if err != nil {
			return err
		}
	} else {
		id, ok := episode.VideoID(arg)
		if !ok {
			return &usageError{msg: fmt.Sprintf("%q is neither a file nor a YouTube URL", arg), cmd: "transcript"}
		}
		t, _, err = newFetcher(cfg, log).Fetch(ctx, id)
		if err != nil {
			return err
		}
	}
	w := bufio.NewWriter(e.stdout)
	if err := transcript.Write(w, t, *format); err != nil {
		return err
	}
	return w.Flush()
}

func readCaptionFile(name string) (*transcript.Transcript, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	format := "vtt"
	if strings.EqualFold(filepath.Ext(name), ".srt") {
		format = "srt"
	}
	t, err := transcript.Parse(f, format)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	t.Cues = transcript.Clean(t.Cues)
	return t, nil
}

// newFetcher builds the YouTube client from the transcripts settings.
func newFetcher(cfg *config.Config, log *slog.Logger) *transcript.Fetcher {
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

// newTranscripts builds the syncer a build uses.
func newTranscripts(cfg *config.Config, offline bool, log *slog.Logger) *transcript.Syncer {
	t := cfg.Transcripts
	return &transcript.Syncer{
		Fetcher:     newFetcher(cfg, log),
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
