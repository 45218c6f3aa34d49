// Package timecode writes times the way podcast formats spell them:
// HH:MM:SS with or without milliseconds (WebVTT, SRT, Podlove Simple
// Chapters, chapter lines in descriptions, ffmpeg), M:SS for people, and
// decimal seconds for the JSON formats. chapters, transcript and feed all
// write times, and they must agree to the millisecond, so there is one
// formatter.
package timecode

import (
	"encoding/json"
	"strconv"
	"time"
)

// Append appends d as HH:MM:SS (more hour digits past 99 hours) and, when
// sep is not empty, sep and the milliseconds: "01:02:03.450" with ".",
// "01:02:03,450" with "," (SRT). A negative d is written as 0. Fractions
// below a millisecond are dropped, never rounded up: a chapter must not
// start after the moment its note names.
//
// It does without fmt because a build writes several per chapter of every
// episode.
func Append(b []byte, d time.Duration, sep string) []byte {
	ms := max(d, 0).Milliseconds()
	b = append(pad(b, ms/3600000, 2), ':')
	b = append(pad(b, ms/60000%60, 2), ':')
	b = pad(b, ms/1000%60, 2)
	if sep == "" {
		return b
	}
	return pad(append(b, sep...), ms%1000, 3)
}

// Format is Append to a new string.
func Format(d time.Duration, sep string) string {
	return string(Append(make([]byte, 0, 12), d, sep))
}

// Short formats d for people: M:SS, or H:MM:SS from an hour on.
func Short(d time.Duration) string { return string(AppendShort(make([]byte, 0, 8), d)) }

// AppendShort appends d as Short writes it.
func AppendShort(b []byte, d time.Duration) []byte {
	s := max(d, 0).Milliseconds() / 1000
	if s >= 3600 {
		b = append(strconv.AppendInt(b, s/3600, 10), ':')
		b = pad(b, s/60%60, 2)
	} else {
		b = strconv.AppendInt(b, s/60, 10)
	}
	return pad(append(b, ':'), s%60, 2)
}

// Seconds returns d as a JSON number of seconds: whole when it is, else
// with up to three decimals, computed in integers so that no float
// rounding turns 1.001 into 1.0009999.
func Seconds(d time.Duration) json.Number {
	return json.Number(AppendSeconds(make([]byte, 0, 16), d))
}

// AppendSeconds appends d as Seconds writes it, for writers that build
// their bytes without a string per time.
func AppendSeconds(b []byte, d time.Duration) []byte {
	ms := max(d, 0).Milliseconds()
	b = strconv.AppendInt(b, ms/1000, 10)
	if frac := ms % 1000; frac != 0 {
		b = pad(append(b, '.'), frac, 3)
		for b[len(b)-1] == '0' {
			b = b[:len(b)-1]
		}
	}
	return b
}

// pad appends n with at least width digits.
func pad(b []byte, n int64, width int) []byte {
	for p := int64(10); width > 1; width, p = width-1, p*10 {
		if n < p {
			b = append(b, '0')
		}
	}
	return strconv.AppendInt(b, n, 10)
}
