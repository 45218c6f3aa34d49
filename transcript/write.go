package transcript

import (
	"bufio"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"slices"
	"strings"

	"github.com/castfeed/castfeed/internal/timecode"
	"github.com/castfeed/castfeed/internal/webvtt"
)

// formats are the formats Write knows, in the order a feed should offer
// them.
var formats = []string{"vtt", "srt", "json", "html", "txt"}

// Formats returns the formats Write knows, in the order a feed should
// offer them.
func Formats() []string { return slices.Clone(formats) }

// MediaType returns the MIME type of a Write format, as used in the
// type attribute of <podcast:transcript>, and false for an unknown format.
func MediaType(format string) (string, bool) {
	switch format {
	case "vtt":
		return "text/vtt", true
	case "srt":
		return "application/x-subrip", true
	case "json":
		return "application/json", true
	case "html":
		return "text/html", true
	case "txt":
		return "text/plain", true
	}
	return "", false
}

// Write encodes t in format: "vtt" (WebVTT), "srt" (SubRip), "json"
// (Podcasting 2.0 transcript JSON), "html" (a readable page with
// timestamps) or "txt". Times are written to the millisecond, rounded down;
// negative times are written as zero. Cues should come from Clean: the
// encoders rely on its text normalization so that what they write reads
// back unchanged.
func Write(w io.Writer, t *Transcript, format string) error {
	bw := bufio.NewWriter(w)
	var err error
	switch format {
	case "vtt":
		writeVTT(bw, t)
	case "srt":
		writeSRT(bw, t)
	case "json":
		err = writeJSON(bw, t)
	case "html":
		writeHTML(bw, t)
	case "txt":
		for _, c := range t.Cues {
			bw.WriteString(c.Text)
			bw.WriteByte('\n')
		}
	default:
		return fmt.Errorf("write transcript: unknown format %q (want one of %s)", format, strings.Join(formats, ", "))
	}
	if err != nil {
		return fmt.Errorf("write transcript %s: %w", format, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write transcript %s: %w", format, err)
	}
	return nil
}

// writeVTT writes WEBVTT and the cues, with no header line after WEBVTT:
// YouTube's "Kind:" and "Language:" lines there break the WebVTT
// standard (the signature line must be followed by a blank line), and
// strict readers such as the W3C validator reject the file. The language
// is in the feed's podcast:transcript tag instead.
func writeVTT(w *bufio.Writer, t *Transcript) {
	w.WriteString("WEBVTT\n")
	for _, c := range t.Cues {
		fmt.Fprintf(w, "\n%s --> %s\n", timecode.Format(c.Start, "."), timecode.Format(c.End, "."))
		for line := range strings.SplitSeq(c.Text, "\n") {
			w.WriteString(vttLine(line))
			w.WriteByte('\n')
		}
	}
}

// vttLine escapes one line of cue text. A line that a WebVTT reader could
// take for a block keyword (NOTE, STYLE, Region:) is wrapped in a class
// span, which readers drop, so the text still reads back unchanged.
func vttLine(s string) string {
	e := webvtt.Escape(s)
	for _, kw := range []string{"NOTE", "STYLE", "Region:", "X-TIMESTAMP-MAP", "WEBVTT"} {
		if strings.HasPrefix(s, kw) {
			return "<c>" + e + "</c>"
		}
	}
	return e
}

func writeSRT(w *bufio.Writer, t *Transcript) {
	for i, c := range t.Cues {
		if i > 0 {
			w.WriteByte('\n')
		}
		fmt.Fprintf(w, "%d\n%s --> %s\n%s\n", i+1, timecode.Format(c.Start, ","), timecode.Format(c.End, ","), c.Text)
	}
}

// jsonSegment is one segment of the Podcasting 2.0 transcript JSON format
// (github.com/Podcastindex-org/podcast-namespace, transcripts/transcripts.md).
type jsonSegment struct {
	StartTime json.Number `json:"startTime"`
	EndTime   json.Number `json:"endTime"`
	Body      string      `json:"body"`
}

func writeJSON(w *bufio.Writer, t *Transcript) error {
	doc := struct {
		Version  string        `json:"version"`
		Segments []jsonSegment `json:"segments"`
	}{Version: "1.0.0", Segments: make([]jsonSegment, 0, len(t.Cues))}
	for _, c := range t.Cues {
		doc.Segments = append(doc.Segments, jsonSegment{StartTime: timecode.Seconds(c.Start), EndTime: timecode.Seconds(c.End), Body: c.Text})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// rtlLanguages are the primary subtags of languages written right to left.
var rtlLanguages = map[string]bool{
	"ar": true, "arc": true, "ckb": true, "dv": true, "fa": true, "he": true,
	"iw": true, "ks": true, "ps": true, "sd": true, "ug": true, "ur": true, "yi": true,
}

// Direction returns "rtl" for languages written right to left and "ltr"
// otherwise.
func Direction(lang string) string {
	primary, _, _ := strings.Cut(strings.ToLower(lang), "-")
	if rtlLanguages[primary] {
		return "rtl"
	}
	return "ltr"
}

func writeHTML(w *bufio.Writer, t *Transcript) {
	lang := html.EscapeString(t.Language)
	w.WriteString("<!DOCTYPE html>\n")
	if lang != "" {
		fmt.Fprintf(w, "<html lang=\"%s\" dir=\"%s\">\n", lang, Direction(t.Language))
	} else {
		w.WriteString("<html>\n")
	}
	w.WriteString("<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Transcript</title>\n")
	w.WriteString("<style>body{max-width:40em;margin:auto;padding:1em;font-family:sans-serif;line-height:1.5}time{color:#666;font-variant-numeric:tabular-nums;margin-inline-end:.5em}</style>\n")
	w.WriteString("</head>\n<body>\n")
	for _, c := range t.Cues {
		ms := max(c.Start, 0).Milliseconds()
		fmt.Fprintf(w, "<p id=\"t%d\"><time datetime=\"PT%sS\">%s</time>", ms, timecode.Seconds(c.Start), timecode.Short(c.Start))
		// The text sits in its own element so that it can be read back
		// exactly, and in dir="auto" so a line of Latin text inside an
		// Arabic transcript still reads the right way.
		w.WriteString("<span dir=\"auto\">")
		for i, line := range strings.Split(c.Text, "\n") {
			if i > 0 {
				w.WriteString("<br>")
			}
			w.WriteString(html.EscapeString(line))
		}
		w.WriteString("</span></p>\n")
	}
	w.WriteString("</body>\n</html>\n")
}
