package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/castfeed/castfeed/episode"
	"github.com/castfeed/castfeed/internal/config"
	"github.com/castfeed/castfeed/internal/pipeline"
	"github.com/castfeed/castfeed/transcript"
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
	format := fs.String("format", "vtt", "output format: "+strings.Join(transcript.Formats(), ", "))
	configPath := fs.String("config", "config.yaml", "config file (optional for this command)")
	pos, err := parseInterspersed(fs, "transcript", args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{msg: "give one YouTube URL or caption file", cmd: "transcript"}
	}
	if _, ok := transcript.MediaType(*format); !ok {
		return &usageError{msg: fmt.Sprintf("unknown --format %q (want one of %s)", *format, strings.Join(transcript.Formats(), ", ")), cmd: "transcript"}
	}
	cfg := config.Default()
	if c, err := loadConfig(*configPath, e.getenv); err == nil {
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
		t, err = transcript.ReadFile(arg)
		if err != nil {
			return err
		}
	} else {
		id, ok := episode.VideoID(arg)
		if !ok {
			return &usageError{msg: fmt.Sprintf("%q is neither a file nor a YouTube URL", arg), cmd: "transcript"}
		}
		t, _, err = pipeline.NewFetcher(cfg, log).Fetch(ctx, id)
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
