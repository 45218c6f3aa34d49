package main

import (
	"context"
	"fmt"
	"time"

	"github.com/castfeed/castfeed/internal/pipeline"
	"github.com/castfeed/castfeed/internal/timecode"
)

const audioUsage = `Usage: castfeed audio [--config config.yaml] [--out FILE] FILE.md

Writes one episode's audio tagged and chaptered, as castfeed build
publishes it: the episode's <slug>.mp3 or <slug>.m4a from media.dir gets
its title, the show's name, author and cover, and its chapters (ID3v2.3
CHAP/CTOC in MP3; a Nero chpl list and a QuickTime chapter track in M4A).
The source is never modified; the copy goes to --out (default
media/<slug>.<ext> under the current folder). Prints what the written
file holds, read back from it. Problems found in the episode go to stderr.
`

func runAudio(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("audio", audioUsage, e)
	configPath := fs.String("config", "config.yaml", "config file")
	out := fs.String("out", "", "file to write (default media/<slug>.<ext>)")
	pos, err := parseInterspersed(fs, "audio", args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{msg: "give one episode file", cmd: "audio"}
	}
	cfg, err := loadConfig(*configPath, e.getenv)
	if err != nil {
		return err
	}
	name, info, diags, err := pipeline.TagAudio(ctx, cfg, pos[0], *out)
	for _, d := range diags {
		fmt.Fprintln(e.stderr, d)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %s, %s, %d bytes, %d chapters\n", name, info.Format, info.Duration.Round(time.Millisecond), info.Size, len(info.Chapters))
	for _, c := range info.Chapters {
		fmt.Fprintf(e.stdout, "  %s  %s\n", timecode.Format(c.Start, "."), c.Title)
	}
	return nil
}
