package chapters

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/castfeed/castfeed/internal/timecode"
	"github.com/castfeed/castfeed/internal/webvtt"
)

// jsonChapters is the Podcasting 2.0 JSON chapters document.
type jsonChapters struct {
	Version  string        `json:"version"`
	Chapters []jsonChapter `json:"chapters"`
}

type jsonChapter struct {
	StartTime json.Number `json:"startTime"`
	EndTime   json.Number `json:"endTime,omitempty"`
	Title     string      `json:"title"`
	URL       string      `json:"url,omitempty"`
}

// WriteJSON writes Podcasting 2.0 JSON chapters (version 1.2.0), the file
// podcast:chapters points at.
func WriteJSON(w io.Writer, cs []Chapter) error {
	doc := jsonChapters{Version: "1.2.0", Chapters: make([]jsonChapter, len(cs))}
	for i, c := range cs {
		doc.Chapters[i] = jsonChapter{StartTime: timecode.Seconds(c.Start), Title: c.Title, URL: c.URL}
		if c.End > c.Start {
			doc.Chapters[i].EndTime = timecode.Seconds(c.End)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// PSCNamespace is the Podlove Simple Chapters namespace.
const PSCNamespace = "http://podlove.org/simple-chapters"

// PSC is a Podlove Simple Chapters element: a standalone document
// (WritePSC) or the psc:chapters of a feed item, which declares the
// namespace on its root instead.
type PSC struct {
	XMLName  xml.Name     `xml:"psc:chapters"`
	Version  string       `xml:"version,attr"`
	Xmlns    string       `xml:"xmlns:psc,attr,omitempty"`
	Chapters []PSCChapter `xml:"psc:chapter"`
}

// PSCChapter is one psc:chapter.
type PSCChapter struct {
	Start string `xml:"start,attr"`
	Title string `xml:"title,attr"`
	Href  string `xml:"href,attr,omitempty"`
}

// NewPSC converts chapters to Podlove Simple Chapters.
func NewPSC(cs []Chapter) *PSC {
	p := &PSC{Version: "1.2", Chapters: make([]PSCChapter, len(cs))}
	for i, c := range cs {
		p.Chapters[i] = PSCChapter{Start: timecode.Format(c.Start, "."), Title: c.Title, Href: c.URL}
	}
	return p
}

// WritePSC writes a standalone Podlove Simple Chapters document.
func WritePSC(w io.Writer, cs []Chapter) error {
	p := NewPSC(cs)
	p.Xmlns = PSCNamespace
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(p); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// endOf is when a chapter ends in formats that need an end: its End, or
// one second after its start when the episode's length is unknown.
func endOf(c Chapter) time.Duration {
	if c.End > c.Start {
		return c.End
	}
	return c.Start + time.Second
}

// WriteVTT writes WebVTT chapters. The last chapter ends at its End, or
// one second after its start when the duration is unknown (a cue must
// end after it starts).
func WriteVTT(w io.Writer, cs []Chapter) error {
	bw := bufferOf(w)
	var line []byte
	bw.WriteString("WEBVTT\n")
	for i, c := range cs {
		end := endOf(c)
		line := strconv.AppendInt(append(line[:0], '\n'), int64(i+1), 10)
		line = timecode.Append(append(line, '\n'), c.Start, ".")
		line = timecode.Append(append(line, " --> "...), end, ".")
		line = append(append(append(line, '\n'), vttText(c.Title)...), '\n')
		bw.Write(line)
	}
	return bw.Flush()
}

// vttText is a title as cue text: on one line (a blank line would end
// the cue), without "-->" (which may not appear in one), escaped.
func vttText(title string) string {
	return webvtt.Escape(strings.ReplaceAll(strings.Join(strings.Fields(title), " "), "-->", "->"))
}

// WriteYouTube writes the chapter block of a YouTube description: one
// "M:SS Title" line per chapter (H:MM:SS from an hour on), the first at 0:00.
func WriteYouTube(w io.Writer, cs []Chapter) error {
	bw := bufferOf(w)
	for _, c := range cs {
		s := int64(c.Start / time.Second)
		if s >= 3600 {
			fmt.Fprintf(bw, "%d:%02d:%02d %s\n", s/3600, s/60%60, s%60, c.Title)
		} else {
			fmt.Fprintf(bw, "%d:%02d %s\n", s/60, s%60, c.Title)
		}
	}
	return bw.Flush()
}

// ffEscaper escapes what FFMETADATA gives meaning to.
var ffEscaper = strings.NewReplacer(`\`, `\\`, "=", `\=`, ";", `\;`, "#", `\#`, "\n", "\\\n")

// WriteFFMetadata writes ffmpeg's metadata format, to embed chapters into
// an audio file: ffmpeg -i in.mp3 -i chapters.txt -map_metadata 1 -codec copy out.mp3
func WriteFFMetadata(w io.Writer, cs []Chapter) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(";FFMETADATA1\n")
	for _, c := range cs {
		end := endOf(c)
		fmt.Fprintf(bw, "\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=%d\nEND=%d\ntitle=%s\n", c.Start.Milliseconds(), end.Milliseconds(), ffEscaper.Replace(c.Title))
	}
	return bw.Flush()
}

// flusher is a buffered writer.
type flusher interface {
	io.Writer
	io.StringWriter
	Flush() error
}

// memory is an in-memory writer (a bytes.Buffer): nothing to flush.
type memory struct {
	io.Writer
	io.StringWriter
}

func (memory) Flush() error { return nil }

// bufferOf buffers w, unless w is a buffer already (the build writes
// thousands of chapter files through one bytes.Buffer).
func bufferOf(w io.Writer) flusher {
	if b, ok := w.(*bytes.Buffer); ok {
		return memory{b, b}
	}
	return bufio.NewWriter(w)
}
