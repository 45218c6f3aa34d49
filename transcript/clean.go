package transcript

import (
	"slices"
	"strings"
	"time"
)

// rollingGap is how far apart two cues may be and still count as one
// rolling display. YouTube's rolling cues touch exactly (or overlap); a
// little slack absorbs rounding in re-encoded files.
const rollingGap = 50 * time.Millisecond

// Clean turns captions into a plain sequence of cues: ordered by start,
// non-overlapping (each cue ends at or before the next starts), no cue
// before zero, none ending before it starts, and no empty text.
//
// YouTube's automatic captions roll: each cue repeats the line shown before
// it and adds a new one, and a 10 ms cue holds the old line between them.
// Clean keeps only the new lines, each with the time it first appeared. A
// line repeated after a pause is speech, not rolling, and is kept.
//
// Cues that start together are merged; a cue that overlaps the next one is
// cut where the next begins. Clean does not modify its argument.
func Clean(cues []Cue) []Cue { return clean(cues, false) }

// clean is Clean of cues whose text is already normalized when
// normalized is true (Parse's): a build reads every episode's captions.
func clean(cues []Cue, normalized bool) []Cue {
	in := sortedCues(cues, normalized)
	if len(in) == 0 {
		return nil
	}

	// Cues only merge or drop, so out is built in in's place: in is
	// Clean's own copy, and out never passes the cue being read.
	out := in[:0]
	// The previous input cue's text, as shown, and its end. Its lines are
	// split only for a cue that may roll on from it: most cues of most
	// files start after a pause.
	var prevText string
	var prevEnd time.Duration
	for i, c := range in {
		if i > 0 && c.Start <= prevEnd+rollingGap {
			lines := strings.Split(c.Text, "\n")
			k := overlap(strings.Split(prevText, "\n"), lines)
			if k == len(lines) {
				// Nothing new: a hold cue. The text stays on screen longer.
				if n := len(out); n > 0 && c.End > out[n-1].End {
					out[n-1].End = c.End
				}
				prevEnd = max(prevEnd, c.End)
				continue
			}
			prevText = c.Text
			c.Text = strings.Join(lines[k:], "\n")
		} else {
			prevText = c.Text
		}
		prevEnd = c.End
		out = appendCue(out, c)
	}
	return out
}

// sortedCues is a copy of cues with normalized text (normalized: it is
// already), without the empty ones, none before zero or ending before it
// starts, ordered by start.
func sortedCues(cues []Cue, normalized bool) []Cue {
	in := make([]Cue, 0, len(cues))
	for _, c := range cues {
		if !normalized {
			c.Text = normalizeText(c.Text)
		}
		if c.Text == "" {
			continue
		}
		c.Start = max(c.Start, 0)
		c.End = max(c.End, c.Start)
		in = append(in, c)
	}
	slices.SortStableFunc(in, func(a, b Cue) int { return compareDuration(a.Start, b.Start) })
	return in
}

// appendCue appends c to out, cues ordered by start: merged into the last
// cue when they start together, else after it, cut where c begins.
func appendCue(out []Cue, c Cue) []Cue {
	if n := len(out); n > 0 {
		last := &out[n-1]
		switch {
		case c.Start == last.Start:
			last.Text += "\n" + c.Text
			last.End = max(last.End, c.End)
			return out
		case c.Start < last.End:
			last.End = c.Start
		}
	}
	return append(out, c)
}

// overlap returns the largest k such that the last k lines of prev equal the
// first k lines of cur.
func overlap(prev, cur []string) int {
	for k := min(len(prev), len(cur)); k > 0; k-- {
		if slices.Equal(prev[len(prev)-k:], cur[:k]) {
			return k
		}
	}
	return 0
}

func compareDuration(a, b time.Duration) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
