// Package chapters turns the timestamped lines of an episode's notes into
// chapters that players accept, and encodes them in the formats podcast
// apps, YouTube and ffmpeg read.
//
// Show notes are written by hand and are wrong in known ways: timestamps
// out of order (a typo puts 1:45:00 where 0:45:00 was meant), two notes at
// the same time, notes past the end of the episode, a first note after
// 0:00. Build repairs each of these so the published list is always valid
// (strictly ascending, the first at 0, every start inside the episode, no
// empty title) and reports every repair at the note's line.
package chapters

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/castfeed/castfeed/diag"
	"github.com/castfeed/castfeed/internal/timecode"
)

// Note is one line of an episode's notes, e.g. "0:04:00 - Definitions".
type Note struct {
	Line int
	Text string
}

// Chapter is a published chapter. End is the next chapter's start, or the
// episode's duration for the last one (zero when unknown).
type Chapter struct {
	Start, End time.Duration
	Title      string
	URL        string // from a Markdown link in the note
	Line       int    // the note's line, for messages
}

// Options describe the episode the notes belong to.
type Options struct {
	// Duration is the episode's length; zero means unknown, and then no
	// note counts as past the end.
	Duration time.Duration
	// Offset is added to every note's time: notes are timed against the
	// YouTube video, listeners hear the audio file, which may cut the
	// video's intro (negative offset) or add a pre-roll (positive).
	Offset time.Duration
}

// Players ignore description chapters below these (Apple, YouTube).
const (
	minChapters   = 3
	minChapterLen = 10 * time.Second
)

// Lines lists chapters as "HH:MM:SS Title" lines, the form Apple Podcasts
// and Spotify turn into chapters when they read an episode's description.
func Lines(cs []Chapter) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(timecode.Format(c.Start, ""))
		b.WriteByte(' ')
		b.WriteString(c.Title)
		b.WriteByte('\n')
	}
	return b.String()
}

// Build parses notes and repairs them into valid chapters. Every repair is
// reported at its note's line; the diagnostics have no File.
func Build(notes []Note, opt Options) ([]Chapter, diag.List) {
	var (
		diags diag.List
		cs    = make([]Chapter, 0, len(notes))
	)
	for _, n := range notes {
		start, title, url, err := parseNote(n.Text)
		switch {
		case errors.Is(err, errNoTimestamp):
			diags = append(diags, diag.NewWarning(n.Line, `start the line with a time, e.g. "0:12:30 - Topic", or move it out of ## Notes`,
				"not a chapter: %q has no timestamp at the start", clip(n.Text)))
			continue
		case err != nil:
			diags = append(diags, diag.NewWarning(n.Line, "write times as H:MM:SS or MM:SS", "not a chapter: %v", err))
			continue
		case title == "":
			diags = append(diags, diag.NewWarning(n.Line, "add a title after the time", "chapter at %s has no title and is left out", timecode.Format(start, "")))
			continue
		}
		cs = append(cs, Chapter{Start: start, Title: title, URL: url, Line: n.Line})
	}
	if len(cs) == 0 {
		return nil, diags
	}

	cs, d := inOrder(cs, opt.Duration-opt.Offset)
	diags = append(diags, d...)
	cs, d = shift(cs, opt.Offset)
	diags = append(diags, d...)
	cs, d = merge(cs)
	diags = append(diags, d...)
	cs, d = trimEnd(cs, opt.Duration, opt.Offset)
	diags = append(diags, d...)
	if len(cs) == 0 {
		return nil, diags
	}
	if cs[0].Start > 0 {
		diags = append(diags, diag.NewWarning(cs[0].Line, "add a first note at 0:00:00",
			"the first chapter starts at %s, not at the beginning; an \"Intro\" chapter is added before it", timecode.Format(cs[0].Start, "")))
		cs = append([]Chapter{{Start: 0, Title: "Intro", Line: cs[0].Line}}, cs...)
	}
	for i := range cs {
		if i+1 < len(cs) {
			cs[i].End = cs[i+1].Start
		} else {
			cs[i].End = opt.Duration
		}
	}
	diags = append(diags, playerRules(cs, opt.Duration)...)
	return cs, diags
}

// inOrder keeps the longest run of notes whose times never go down (the
// longest non-decreasing subsequence, earliest notes preferred on ties)
// and reports the others. Sorting instead would let one typo scramble the
// order of every chapter around it.
func inOrder(cs []Chapter, end time.Duration) ([]Chapter, diag.List) {
	if slices.IsSortedFunc(cs, func(a, b Chapter) int { return cmp.Compare(a.Start, b.Start) }) {
		return cs, nil // the usual case
	}
	n := len(cs)
	// tails[k] is the index of the smallest possible last element of a
	// kept run of length k+1; prev links each element to its predecessor.
	tails := make([]int, 0, n)
	prev := make([]int, n)
	for i, c := range cs {
		// First tail whose start is greater than c.Start (upper bound):
		// equal times may follow each other.
		lo, hi := 0, len(tails)
		for lo < hi {
			mid := (lo + hi) / 2
			if cs[tails[mid]].Start <= c.Start {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		prev[i] = -1
		if lo > 0 {
			prev[i] = tails[lo-1]
		}
		if lo == len(tails) {
			tails = append(tails, i)
		} else {
			tails[lo] = i
		}
	}
	keep := make([]bool, n)
	for i := tails[len(tails)-1]; i >= 0; i = prev[i] {
		keep[i] = true
	}
	var (
		out   []Chapter
		diags diag.List
	)
	for i, c := range cs {
		if keep[i] {
			out = append(out, c)
			continue
		}
		before, after := neighbours(cs, keep, i)
		hint := "fix the timestamp so the notes are in order"
		if after < 0 && end > 0 {
			after = end - time.Second // a guess must also fall inside the episode
		}
		if guess, ok := typoGuess(c.Start, before, after); ok {
			hint = "did you mean " + guess + "?"
		}
		after, _ = neighboursAfter(cs, keep, i)
		diags = append(diags, diag.NewWarning(c.Line, hint, "timestamp %s is out of order (after %s, before %s); this chapter is left out",
			timecode.Format(c.Start, ""), timecode.Format(before, ""), endLabel(after)))
	}
	return out, diags
}

// neighbours returns the kept starts around note i (after < 0: none).
func neighbours(cs []Chapter, keep []bool, i int) (before, after time.Duration) {
	after = -1
	for j := i - 1; j >= 0; j-- {
		if keep[j] {
			before = cs[j].Start
			break
		}
	}
	for j := i + 1; j < len(cs); j++ {
		if keep[j] {
			after = cs[j].Start
			break
		}
	}
	return before, after
}

// neighboursAfter is the kept start after note i (-1: none).
func neighboursAfter(cs []Chapter, keep []bool, i int) (time.Duration, bool) {
	_, after := neighbours(cs, keep, i)
	return after, after >= 0
}

func endLabel(d time.Duration) string {
	if d < 0 {
		return "the end"
	}
	return timecode.Format(d, "")
}

// typoGuess tries the usual slips of a finger: another hour digit, or the
// minutes and hours swapped, and returns the first that fits in order.
func typoGuess(t, before, after time.Duration) (string, bool) {
	fits := func(g time.Duration) bool { return g >= before && (after < 0 || g <= after) }
	h := t / time.Hour
	rest := t % time.Hour
	for _, hh := range []time.Duration{h - 1, h + 1, 0, 1, 2, 3} {
		if hh < 0 || hh == h {
			continue
		}
		if g := hh*time.Hour + rest; fits(g) {
			return timecode.Format(g, ""), true
		}
	}
	return "", false
}

// shift applies the audio offset. Chapters that would start before the
// audio does: the last of them moves to 0 (its topic is still running when
// the audio starts), the earlier ones are dropped.
func shift(cs []Chapter, offset time.Duration) ([]Chapter, diag.List) {
	if offset == 0 {
		return cs, nil
	}
	var diags diag.List
	out := cs[:0:0]
	for i, c := range cs {
		c.Start += offset
		if c.Start < 0 {
			nextNeg := i+1 < len(cs) && cs[i+1].Start+offset <= 0
			if nextNeg {
				diags = append(diags, diag.NewWarning(c.Line, "check audio_offset, or remove the note",
					"chapter %q falls before the start of the audio after audio_offset %s and is left out", c.Title, offsetLabel(offset)))
				continue
			}
			diags = append(diags, diag.NewWarning(c.Line, "check audio_offset",
				"chapter %q starts before the audio after audio_offset %s; it is moved to 0:00:00", c.Title, offsetLabel(offset)))
			c.Start = 0
		}
		out = append(out, c)
	}
	return out, diags
}

func offsetLabel(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "s"
}

// merge joins chapters that start at the same time.
func merge(cs []Chapter) ([]Chapter, diag.List) {
	if !hasEqualNeighbours(cs) {
		return cs, nil // the usual case
	}
	var diags diag.List
	out := cs[:0:0]
	for _, c := range cs {
		if k := len(out) - 1; k >= 0 && out[k].Start == c.Start {
			diags = append(diags, diag.NewWarning(c.Line, "give each note its own time",
				"two notes at %s; they are merged into one chapter", timecode.Format(c.Start, "")))
			out[k].Title += " / " + c.Title
			if out[k].URL == "" {
				out[k].URL = c.URL
			}
			continue
		}
		out = append(out, c)
	}
	return out, diags
}

func hasEqualNeighbours(cs []Chapter) bool {
	for i := 1; i < len(cs); i++ {
		if cs[i].Start == cs[i-1].Start {
			return true
		}
	}
	return false
}

// trimEnd drops chapters at or past the end of the episode.
func trimEnd(cs []Chapter, dur, offset time.Duration) ([]Chapter, diag.List) {
	if dur <= 0 || len(cs) == 0 || cs[len(cs)-1].Start < dur {
		return cs, nil // cs is in order: all inside
	}
	var diags diag.List
	out := cs[:0:0]
	for _, c := range cs {
		if c.Start >= dur {
			at := timecode.Format(c.Start-offset, "") // as the note has it
			if offset != 0 {
				at += fmt.Sprintf(" (%s in the audio, after audio_offset %s)", timecode.Format(c.Start, ""), offsetLabel(offset))
			}
			diags = append(diags, diag.NewWarning(c.Line, "fix the time, or the episode's duration",
				"chapter at %s is past the end of the episode (%s) and is left out", at, timecode.Format(dur, "")))
			continue
		}
		out = append(out, c)
	}
	return out, diags
}

// playerRules warns where players that read chapters from descriptions
// would ignore them. The chapters are published anyway.
func playerRules(cs []Chapter, dur time.Duration) diag.List {
	var diags diag.List
	if len(cs) < minChapters {
		diags = append(diags, diag.NewWarning(cs[0].Line, "add notes: Apple Podcasts and YouTube need at least 3 chapters",
			"only %d chapter(s); players that read chapters from the description will ignore them", len(cs)))
	}
	for i, c := range cs {
		end := c.End
		if i == len(cs)-1 && dur <= 0 {
			continue
		}
		if end-c.Start < minChapterLen {
			diags = append(diags, diag.NewWarning(c.Line, "merge it with a neighbour: players want chapters of at least 10 seconds",
				"chapter %q lasts %s", c.Title, (end-c.Start).String()))
		}
	}
	return diags
}

// clip shortens a note for a message.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
