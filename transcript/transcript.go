package transcript

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/asticode/go-astisub"
	"github.com/castfeed/castfeed/internal/timecode"
	"github.com/castfeed/castfeed/internal/webvtt"
)

// Cue is one timed piece of text. Text holds one or more lines separated by
// "\n"; no line is empty and none has leading or trailing white space.
type Cue struct {
	Start, End time.Duration
	Text       string
}

// Kind tells where a transcript came from.
type Kind string

// Kinds of transcript.
const (
	Uploaded  Kind = "uploaded"  // captions the channel uploaded; fetched once
	Automatic Kind = "automatic" // YouTube's speech recognition; re-checked now and then
	Local     Kind = "local"     // a file beside the episode
)

// Transcript is a timed text of one episode in one language.
type Transcript struct {
	Language string // BCP 47 code, e.g. "ar" or "en-US"; may be empty
	Kind     Kind
	Cues     []Cue
}

// errNoCues reports a caption file that parsed but held no text. The fetcher
// treats it as "unavailable", never as an empty transcript.
var errNoCues = errors.New("no cues with text")

// Parse reads captions in format "vtt" (WebVTT) or "srt" (SubRip). Cue text
// is normalized: markup and YouTube's inline word timestamps are removed,
// white space is collapsed, and invalid UTF-8 is replaced. Cues without text
// are dropped; a file without any cue is an error, and so is a cue that ends
// before it starts.
func Parse(r io.Reader, format string) (*Transcript, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read captions: %w", err)
	}
	return parse(data, format)
}

// parse is Parse of data read already, which it does not modify.
func parse(data []byte, format string) (*Transcript, error) {
	var (
		raws []rawCue
		err  error
	)
	switch format {
	case "vtt":
		if !hasVTTHeader(data) {
			return nil, errors.New("parse vtt: missing WEBVTT header on the first line")
		}
		data = decodeRefs(dropSpaceLines(data))
		var ok bool
		if raws, ok = plainVTT(string(data)); !ok {
			raws, err = astisubCues(astisub.ReadFromWebVTT(bytes.NewReader(data)))
		}
	case "srt":
		raws, err = astisubCues(astisub.ReadFromSRT(bytes.NewReader(data)))
	default:
		return nil, fmt.Errorf("parse: unknown caption format %q (want vtt or srt)", format)
	}
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", format, err)
	}
	t := &Transcript{Cues: make([]Cue, 0, len(raws))}
	for i, c := range raws {
		if c.end < c.start {
			return nil, fmt.Errorf("parse %s: cue %d (%s --> %s) ends before it starts", format, i+1, timecode.Format(c.start, "."), timecode.Format(c.end, "."))
		}
		text := normalizeText(c.text)
		if text == "" {
			continue
		}
		t.Cues = append(t.Cues, Cue{Start: c.start, End: c.end, Text: text})
	}
	if len(t.Cues) == 0 {
		return nil, fmt.Errorf("parse %s: %w", format, errNoCues)
	}
	return t, nil
}

// astisubCues is rawCues of what astisub read, or its error.
func astisubCues(subs *astisub.Subtitles, err error) ([]rawCue, error) {
	if err != nil {
		return nil, err
	}
	return rawCues(subs), nil
}

// hasVTTHeader reports whether the first line starts with "WEBVTT". astisub
// skips everything up to such a line, so without this check a file that is
// not WebVTT at all would parse as empty.
func hasVTTHeader(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	line, _, _ := bytes.Cut(data, []byte("\n"))
	line = bytes.TrimRight(line, "\r")
	return bytes.Equal(line, []byte("WEBVTT")) || bytes.HasPrefix(line, []byte("WEBVTT ")) || bytes.HasPrefix(line, []byte("WEBVTT\t"))
}

// dropSpaceLines removes lines of spaces and tabs. YouTube starts the
// cues of automatic captions with a " " line; to WebVTT that is text,
// not the blank line that ends a cue, but astisub ends the cue there and
// loses the words after it.
func dropSpaceLines(data []byte) []byte {
	isSpaces := func(l []byte) bool {
		l = bytes.TrimSuffix(l, []byte("\r"))
		return len(l) > 0 && len(bytes.Trim(l, " \t")) == 0
	}
	some := false
	for line := range bytes.Lines(data) {
		if isSpaces(bytes.TrimSuffix(line, []byte("\n"))) {
			some = true
			break
		}
	}
	if !some {
		return data // most files: no copy
	}
	out := data[:0:0]
	for rest := data; len(rest) > 0; {
		line, after, found := bytes.Cut(rest, []byte("\n"))
		if !isSpaces(line) {
			out = append(out, line...)
			if found {
				out = append(out, '\n')
			}
		}
		rest = after
	}
	return out
}

// decodeRefs decodes the character references of WebVTT text that
// astisub leaves as they are, for it knows only &amp; and &lt; (YouTube
// writes ">>" as "&gt;&gt;"). One pass, left to right, so "&amp;gt;"
// stays the text "&gt;"; what decodes to "&" or "<" is escaped again for
// astisub.
func decodeRefs(data []byte) []byte {
	if bytes.IndexByte(data, '&') < 0 {
		return data
	}
	out := make([]byte, 0, len(data))
	for len(data) > 0 {
		i := bytes.IndexByte(data, '&')
		if i < 0 {
			return append(out, data...)
		}
		out, data = append(out, data[:i]...), data[i:]
		// References are short: "&CounterClockwiseContourIntegral;" is
		// the longest.
		end := bytes.IndexByte(data[:min(len(data), 40)], ';')
		ref := ""
		if end > 0 {
			ref = string(data[:end+1])
		}
		switch dec := html.UnescapeString(ref); {
		case ref == "" || dec == ref:
			out, data = append(out, '&'), data[1:]
		case ref == "&amp;" || ref == "&lt;":
			out, data = append(out, ref...), data[end+1:]
		default:
			out, data = append(out, webvtt.Escape(dec)...), data[end+1:]
		}
	}
	return out
}

// normalizeText makes cue text safe for every output format: valid UTF-8,
// no inline timestamps (<00:00:01.000>), one space between words, no empty
// lines, and no "-->", which would end a cue in WebVTT and SRT.
func normalizeText(s string) string {
	if isNormal(s) {
		return s // most cues, and every cue the second time (Clean)
	}
	return renormalize(s)
}

// renormalize is normalizeText for text that needs it.
func renormalize(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = stripTimestampTags(s)
	s = strings.ReplaceAll(s, "\x00", "")
	var out []string
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		for strings.Contains(line, "-->") {
			line = strings.ReplaceAll(line, "-->", "->")
		}
		if line != "" {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// isNormal reports whether normalizeText would return s as it is: valid
// UTF-8 without '<', NUL, "-->", empty lines, or spaces other than single
// ' ' between words. It allocates nothing, where normalizeText splits
// every line into words: a one-hour transcript has a thousand cues, and a
// build reads every episode's.
func isNormal(s string) bool {
	if s == "" || strings.Contains(s, "-->") {
		return s == ""
	}
	prevSpace := true // no space at the start of a line
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '<' || c == 0:
				return false
			case c == '\n':
				if prevSpace { // an empty line, or a space before the break
					return false
				}
				prevSpace = true
			case c == ' ':
				if prevSpace {
					return false
				}
				prevSpace = true
			case c == '\t' || c == '\v' || c == '\f' || c == '\r':
				return false // the rest of ASCII's white space (unicode.IsSpace)
			default:
				prevSpace = false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || unicode.IsSpace(r) {
			return false
		}
		prevSpace = false
		i += n
	}
	return !prevSpace
}

// stripTimestampTags removes WebVTT timestamp tags such as <00:01:02.345>,
// which YouTube puts between the words of automatic captions and which
// astisub leaves in the text.
func stripTimestampTags(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 || !isTimestamp(s[i+1:i+j]) {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteByte(' ')
		s = s[i+j+1:]
	}
}

func isTimestamp(s string) bool {
	if len(s) < 5 {
		return false
	}
	colon := false
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9', c == '.':
		case c == ':':
			colon = true
		default:
			return false
		}
	}
	return colon
}

// Shift moves every cue by offset (positive: later) and returns the result
// and the number of cues dropped because they ended at or before zero. A
// cue that straddles zero starts at zero. The arithmetic is on
// time.Duration, so shifting back and forth is exact.
func (t *Transcript) Shift(offset time.Duration) (*Transcript, int) {
	out := &Transcript{Language: t.Language, Kind: t.Kind, Cues: make([]Cue, 0, len(t.Cues))}
	dropped := 0
	for _, c := range t.Cues {
		c.Start += offset
		c.End += offset
		if c.End <= 0 {
			dropped++
			continue
		}
		c.Start = max(c.Start, 0)
		out.Cues = append(out.Cues, c)
	}
	return out, dropped
}
