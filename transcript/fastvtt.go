package transcript

import (
	"strings"
	"time"

	"github.com/asticode/go-astisub"
)

// rawCue is a cue as a reader gives it, before Parse normalizes its text:
// its lines joined by "\n", each line's pieces by " ". A cue without text
// is kept, so that cues are numbered as the file numbers them.
type rawCue struct {
	start, end time.Duration
	text       string
}

// rawCues is what Parse takes from astisub's reading of a file.
func rawCues(subs *astisub.Subtitles) []rawCue {
	out := make([]rawCue, len(subs.Items))
	for i, it := range subs.Items {
		lines := make([]string, 0, len(it.Lines))
		for _, l := range it.Lines {
			parts := make([]string, 0, len(l.Items))
			for _, li := range l.Items {
				parts = append(parts, li.Text)
			}
			lines = append(lines, strings.Join(parts, " "))
		}
		out[i] = rawCue{it.StartAt, it.EndAt, strings.Join(lines, "\n")}
	}
	return out
}

// plainVTTLimit is the longest line plainVTT takes: astisub reads lines
// with a bufio.Scanner, which stops at 64 KB without an error.
const plainVTTLimit = 1 << 15

// plainVTT reads the common clean WebVTT file, as Parse has it after
// dropSpaceLines and decodeRefs, the way astisub.ReadFromWebVTT does, and
// reports false for anything else: markup or references ('<', '&'), a
// NOTE, STYLE, Region or X-TIMESTAMP-MAP block, a NUL, a carriage return
// not ending a line, a very long line, or a timing line that is not
// "[HH+:]MM:SS.mmm --> [HH+:]MM:SS.mmm" with optional settings. astisub
// runs an HTML tokenizer over every line, about 7 µs a line; this reads
// a file of 40 cues in a few, and FuzzPlainVTT holds it to astisub's
// result. The text is substrings of s.
func plainVTT(s string) ([]rawCue, bool) {
	// Three IndexByte scans, which are vectorized, where ContainsAny
	// takes the file byte by byte.
	if strings.IndexByte(s, '<') >= 0 || strings.IndexByte(s, '&') >= 0 || strings.IndexByte(s, 0) >= 0 {
		return nil, false
	}
	s = strings.TrimPrefix(s, "\ufeff")
	cues := make([]rawCue, 0, strings.Count(s, " --> "))
	inCue := false
	var b strings.Builder // a cue's lines when they are not one piece of s
	var first, last int   // the current cue's text is s[first:last] ...
	joined := false       // ... unless it is in b
	end := func() {
		if !inCue {
			return
		}
		c := &cues[len(cues)-1]
		switch {
		case joined:
			c.text = b.String()
		case last > first:
			c.text = s[first:last]
		}
	}
	header := true
	for pos := 0; pos < len(s); {
		lineStart := pos
		raw := s[pos:]
		if i := strings.IndexByte(raw, '\n'); i >= 0 {
			raw, pos = raw[:i], pos+i+1
		} else {
			pos = len(s)
		}
		if len(raw) > plainVTTLimit {
			return nil, false
		}
		raw = strings.TrimSuffix(raw, "\r")
		if strings.IndexByte(raw, '\r') >= 0 {
			return nil, false
		}
		if header {
			if raw != "WEBVTT" && !strings.HasPrefix(raw, "WEBVTT ") && !strings.HasPrefix(raw, "WEBVTT\t") {
				return nil, false
			}
			header = false
			continue
		}
		line := strings.TrimSpace(raw)
		switch {
		case line == "":
			end()
			inCue = false
		case strings.HasPrefix(line, "NOTE"), strings.HasPrefix(line, "STYLE"), strings.HasPrefix(line, "Region:"),
			strings.HasPrefix(line, "X-TIMESTAMP-MAP"):
			return nil, false
		case strings.Contains(line, " --> "):
			start, stop, ok := plainTiming(line)
			if !ok {
				return nil, false
			}
			end()
			cues = append(cues, rawCue{start: start, end: stop})
			inCue, joined, first, last = true, false, 0, 0
			b.Reset()
		case inCue:
			at := lineStart + strings.Index(raw, line) // line is raw trimmed
			switch {
			case last == first && !joined:
				first, last = at, at+len(line)
			case !joined && at == last+1 && len(line) == len(raw):
				last = at + len(line) // the next line of s, as it is
			default:
				if !joined {
					b.WriteString(s[first:last])
					joined = true
				}
				b.WriteByte('\n')
				b.WriteString(line)
			}
		default:
			// A cue's identifier, or a header line such as "Kind:
			// captions": astisub reads past them.
		}
	}
	if header {
		return nil, false
	}
	end()
	return cues, true
}

// plainTiming reads a cue's timing line: two times and settings that
// astisub accepts and castfeed ignores (align:start position:0%).
func plainTiming(line string) (start, end time.Duration, ok bool) {
	left, right, _ := strings.Cut(line, " --> ")
	if strings.Contains(right, " --> ") {
		return 0, 0, false
	}
	endText, settings, _ := strings.Cut(right, " ")
	if start, ok = plainTime(left); !ok {
		return 0, 0, false
	}
	if end, ok = plainTime(endText); !ok {
		return 0, 0, false
	}
	for s := range strings.SplitSeq(settings, " ") {
		// astisub fails on a setting without ':' and on a region it has
		// not read.
		if s != "" && (!strings.Contains(s, ":") || strings.HasPrefix(s, "region:")) {
			return 0, 0, false
		}
	}
	return start, end, true
}

// plainTime reads [HH+:]MM:SS.mmm, two to five hour digits, as astisub
// adds up its parts (minutes and seconds past 59 included). It reads the
// fixed places of the digits: a file has two times a cue.
func plainTime(s string) (time.Duration, bool) {
	n := len(s)
	if n < 9 || s[n-4] != '.' || s[n-7] != ':' {
		return 0, false
	}
	var h int64
	if n > 9 {
		if n < 12 || n > 15 || s[n-10] != ':' {
			return 0, false
		}
		var ok bool
		if h, ok = digits(s[:n-10]); !ok {
			return 0, false
		}
	}
	m, ok1 := digits(s[n-9 : n-7])
	sec, ok2 := digits(s[n-6 : n-4])
	ms, ok3 := digits(s[n-3:])
	if !ok1 || !ok2 || !ok3 {
		return 0, false
	}
	return time.Duration(ms)*time.Millisecond + time.Duration(sec)*time.Second + time.Duration(m)*time.Minute + time.Duration(h)*time.Hour, true
}

// digits reads a decimal number of one digit or more.
func digits(s string) (int64, bool) {
	var n int64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
	}
	return n, s != ""
}
