package transcript

import (
	"strings"
	"time"
)

// cleanBySplit is Clean as it was written, splitting every cue's lines:
// FuzzClean's judge of the one that splits only cues that may roll.
func cleanBySplit(cues []Cue) []Cue {
	in := sortedCues(cues, false)

	var out []Cue
	var prevLines []string
	var prevEnd time.Duration
	for i, c := range in {
		lines := strings.Split(c.Text, "\n")
		if i > 0 && c.Start <= prevEnd+rollingGap {
			k := overlap(prevLines, lines)
			if k == len(lines) {
				if n := len(out); n > 0 && c.End > out[n-1].End {
					out[n-1].End = c.End
				}
				prevEnd = max(prevEnd, c.End)
				continue
			}
			prevLines = lines
			lines = lines[k:]
		} else {
			prevLines = lines
		}
		prevEnd = c.End
		c.Text = strings.Join(lines, "\n")
		out = appendCue(out, c)
	}
	return out
}
