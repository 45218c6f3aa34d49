package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/castfeed/castfeed/chapters"
	"github.com/castfeed/castfeed/episode"
	"github.com/castfeed/castfeed/internal/pipeline"
)

const chaptersUsage = `Usage: castfeed chapters [--format json|psc|vtt|youtube|ffmetadata] [--offset SECONDS] FILE.md

Prints one episode's chapters, repaired as the feed publishes them, in a
format:
  json        Podcasting 2.0 JSON chapters
  psc         Podlove Simple Chapters (XML)
  vtt         WebVTT chapters
  youtube     the block to paste into a YouTube description
  ffmetadata  ffmpeg metadata, to embed chapters into an audio file:
                castfeed chapters --format ffmetadata ep.md > ch.txt
                ffmpeg -i ep.mp3 -i ch.txt -map_metadata 1 -codec copy out.mp3

Problems found in the notes are printed on stderr, as castfeed lint does.
The episode's audio_offset applies unless --offset is given (youtube
keeps the video's own times unless --offset is given).
`

var chapterWriters = map[string]func(io.Writer, []chapters.Chapter) error{
	"json":       chapters.WriteJSON,
	"psc":        chapters.WritePSC,
	"vtt":        chapters.WriteVTT,
	"youtube":    chapters.WriteYouTube,
	"ffmetadata": chapters.WriteFFMetadata,
}

func runChapters(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("chapters", chaptersUsage, e)
	format := fs.String("format", "json", "output format: json, psc, vtt, youtube or ffmetadata")
	offset := fs.Float64("offset", 0, "seconds to add to every note (audio time minus video time)")
	pos, err := parseInterspersed(fs, "chapters", args)
	if err != nil {
		return err
	}
	write, ok := chapterWriters[*format]
	if !ok {
		return &usageError{msg: fmt.Sprintf("unknown --format %q (want json, psc, vtt, youtube or ffmetadata)", *format), cmd: "chapters"}
	}
	if len(pos) != 1 {
		return &usageError{msg: "give one episode file", cmd: "chapters"}
	}
	name := pos[0]
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	ep, diags := episode.NewReader().Parse(name, data)
	if ep == nil {
		for _, d := range diags {
			fmt.Fprintln(e.stderr, d)
		}
		return &exitError{code: 1}
	}
	var off time.Duration
	switch {
	case flagSet(fs, "offset"):
		off = time.Duration(*offset * float64(time.Second))
	case ep.HasAudioOffset && *format != "youtube":
		off = ep.AudioOffset
	}
	cs, cd := pipeline.Chapters(ep, off)
	diags = append(diags, cd.InFile(name)...)
	diags.Sort()
	for _, d := range diags {
		fmt.Fprintln(e.stderr, d)
	}
	w := bufio.NewWriter(e.stdout)
	if err := write(w, cs); err != nil {
		return err
	}
	return w.Flush()
}
