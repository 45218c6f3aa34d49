package transcript

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/castfeed/castfeed/internal/timecode"
	"github.com/castfeed/castfeed/internal/webvtt"

	"github.com/castfeed/castfeed/internal/jsontext"
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
// back unchanged. A *bufio.Writer is written to as it is, and flushed: a
// caller writing many files keeps one rather than a new 4 KB buffer each.
func Write(w io.Writer, t *Transcript, format string) error {
	bw, ok := w.(*bufio.Writer) // one for every file: use it as it is
	if !ok {
		bw = bufio.NewWriter(w)
	}
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
//
// The writers append to w's buffer rather than go through fmt: a build
// writes every format of every episode it encodes, and fmt was most of
// their cost (TestWritersAgainstFmt holds them to what fmt wrote).
func writeVTT(w *bufio.Writer, t *Transcript) {
	w.WriteString("WEBVTT\n")
	for _, c := range t.Cues {
		b := append(w.AvailableBuffer(), '\n')
		b = timecode.Append(b, c.Start, ".")
		b = timecode.Append(append(b, " --> "...), c.End, ".")
		w.Write(append(b, '\n'))
		if plainVTTText(c.Text) {
			w.WriteString(c.Text)
			w.WriteByte('\n')
			continue
		}
		for line := range strings.SplitSeq(c.Text, "\n") {
			w.WriteString(vttLine(line))
			w.WriteByte('\n')
		}
	}
}

// plainVTTText reports whether vttLine leaves every line of s as it is:
// nothing to escape, and no line starting as a block keyword might.
func plainVTTText(s string) bool {
	if strings.IndexByte(s, '&') >= 0 || strings.IndexByte(s, '<') >= 0 {
		return false
	}
	for line := range strings.SplitSeq(s, "\n") {
		if line != "" && strings.IndexByte("NSRXW", line[0]) >= 0 {
			return false // NOTE, STYLE, Region:, X-TIMESTAMP-MAP, WEBVTT
		}
	}
	return true
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
		b := w.AvailableBuffer()
		if i > 0 {
			b = append(b, '\n')
		}
		b = append(strconv.AppendInt(b, int64(i+1), 10), '\n')
		b = timecode.Append(b, c.Start, ",")
		b = timecode.Append(append(b, " --> "...), c.End, ",")
		w.Write(append(b, '\n'))
		w.WriteString(c.Text)
		w.WriteByte('\n')
	}
}

// writeJSON writes the Podcasting 2.0 transcript JSON format
// (github.com/Podcastindex-org/podcast-namespace, transcripts/transcripts.md)
// as encoding/json indents it, without escaping HTML: {"version": "1.0.0",
// "segments": [{"startTime", "endTime", "body"}]}. FuzzWriters holds it
// to encoding/json's bytes.
func writeJSON(w *bufio.Writer, t *Transcript) error {
	w.WriteString("{\n  \"version\": \"1.0.0\",\n  \"segments\": [")
	for i, c := range t.Cues {
		if i > 0 {
			w.WriteByte(',')
		}
		b := append(w.AvailableBuffer(), "\n    {\n      \"startTime\": "...)
		b = timecode.AppendSeconds(b, c.Start)
		b = timecode.AppendSeconds(append(b, ",\n      \"endTime\": "...), c.End)
		b = jsontext.AppendString(append(b, ",\n      \"body\": "...), c.Text, false)
		w.Write(append(b, "\n    }"...))
	}
	if len(t.Cues) > 0 {
		w.WriteString("\n  ")
	}
	w.WriteString("]\n}\n")
	return nil
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
		w.WriteString("<html lang=\"" + lang + "\" dir=\"" + Direction(t.Language) + "\">\n")
	} else {
		w.WriteString("<html>\n")
	}
	w.WriteString("<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Transcript</title>\n")
	w.WriteString("<style>body{max-width:40em;margin:auto;padding:1em;font-family:sans-serif;line-height:1.5}time{color:#666;font-variant-numeric:tabular-nums;margin-inline-end:.5em}</style>\n")
	w.WriteString("</head>\n<body>\n")
	for _, c := range t.Cues {
		b := strconv.AppendInt(append(w.AvailableBuffer(), "<p id=\"t"...), max(c.Start, 0).Milliseconds(), 10)
		b = timecode.AppendSeconds(append(b, "\"><time datetime=\"PT"...), c.Start)
		b = append(timecode.AppendShort(append(b, "S\">"...), c.Start), "</time>"...)
		// The text sits in its own element so that it can be read back
		// exactly, and in dir="auto" so a line of Latin text inside an
		// Arabic transcript still reads the right way.
		w.Write(append(b, "<span dir=\"auto\">"...))
		br := ""
		for line := range strings.SplitSeq(c.Text, "\n") {
			w.WriteString(br)
			w.WriteString(html.EscapeString(line))
			br = "<br>"
		}
		w.WriteString("</span></p>\n")
	}
	w.WriteString("</body>\n</html>\n")
}
