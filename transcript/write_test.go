package transcript

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/castfeed/castfeed/internal/timecode"
)

// The writers as they were written with fmt and encoding/json: the
// judges of the ones that append.

func fmtVTT(w *bufio.Writer, t *Transcript) {
	w.WriteString("WEBVTT\n")
	for _, c := range t.Cues {
		fmt.Fprintf(w, "\n%s --> %s\n", timecode.Format(c.Start, "."), timecode.Format(c.End, "."))
		for line := range strings.SplitSeq(c.Text, "\n") {
			w.WriteString(vttLine(line))
			w.WriteByte('\n')
		}
	}
}

func fmtSRT(w *bufio.Writer, t *Transcript) {
	for i, c := range t.Cues {
		if i > 0 {
			w.WriteByte('\n')
		}
		fmt.Fprintf(w, "%d\n%s --> %s\n%s\n", i+1, timecode.Format(c.Start, ","), timecode.Format(c.End, ","), c.Text)
	}
}

func fmtJSON(w *bufio.Writer, t *Transcript) error {
	type segment struct {
		StartTime json.Number `json:"startTime"`
		EndTime   json.Number `json:"endTime"`
		Body      string      `json:"body"`
	}
	doc := struct {
		Version  string    `json:"version"`
		Segments []segment `json:"segments"`
	}{Version: "1.0.0", Segments: make([]segment, 0, len(t.Cues))}
	for _, c := range t.Cues {
		doc.Segments = append(doc.Segments, segment{StartTime: timecode.Seconds(c.Start), EndTime: timecode.Seconds(c.End), Body: c.Text})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func fmtHTML(w *bufio.Writer, t *Transcript) {
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

// sameAsFmt fails t where a writer and its fmt judge differ on tr.
func sameAsFmt(t *testing.T, tr *Transcript) {
	t.Helper()
	for _, tc := range []struct {
		format string
		judge  func(*bufio.Writer, *Transcript) error
	}{
		{"vtt", func(w *bufio.Writer, t *Transcript) error { fmtVTT(w, t); return nil }},
		{"srt", func(w *bufio.Writer, t *Transcript) error { fmtSRT(w, t); return nil }},
		{"json", fmtJSON},
		{"html", func(w *bufio.Writer, t *Transcript) error { fmtHTML(w, t); return nil }},
	} {
		var want bytes.Buffer
		bw := bufio.NewWriter(&want)
		if err := tc.judge(bw, tr); err != nil {
			t.Fatal(err)
		}
		if err := bw.Flush(); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := Write(&got, tr, tc.format); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("%s of %+v:\n%s\nwant\n%s", tc.format, tr, got.Bytes(), want.Bytes())
		}
	}
}

// TestWritersAgainstFmt: the writers that append write what fmt and
// encoding/json wrote, on text that needs escaping in every format, a
// transcript with no cue, times past 99 hours, and a three-hour track
// (whose writes outgrow bufio's buffer).
func TestWritersAgainstFmt(t *testing.T) {
	odd := sample()
	odd.Cues = append(odd.Cues,
		Cue{-time.Second, 1234567 * time.Millisecond, "ctrl \x01\x1f\b\f\r\t \\ \" / \u2028 \u2029 \xff\xfe end"},
		Cue{123*time.Hour + 999*time.Millisecond, 124 * time.Hour, "<b>&amp;</b> 'quote'"})
	for _, tr := range []*Transcript{
		odd, {Language: "", Kind: Local}, {Language: "en\"<x>", Cues: []Cue{{0, time.Second, "x"}}},
		{Language: "en", Kind: Automatic, Cues: Clean(threeHours())},
	} {
		sameAsFmt(t, tr)
	}
}

// FuzzWriters: on any text and times, each writer writes what its fmt
// or encoding/json judge writes.
func FuzzWriters(f *testing.F) {
	f.Add("ar", int64(0), int64(1500), "مرحبا\nسطر", int64(1500), int64(2999), "a < b & \"c\"")
	f.Add("", int64(-5), int64(10), "\x00\u2028\xff", int64(360000000), int64(360000001), "NOTE x\nWEBVTT")
	f.Fuzz(func(t *testing.T, lang string, s1, e1 int64, t1 string, s2, e2 int64, t2 string) {
		ms := func(n int64) time.Duration { return time.Duration(n) * time.Millisecond }
		sameAsFmt(t, &Transcript{Language: lang, Cues: []Cue{{ms(s1), ms(e1), t1}, {ms(s2), ms(e2), t2}}})
	})
}
