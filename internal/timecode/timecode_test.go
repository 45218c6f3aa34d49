package timecode

import (
	"fmt"
	"strconv"
	"testing"
	"time"
)

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		d                      time.Duration
		plain, vtt, srt, short string
		seconds                string
	}{
		{0, "00:00:00", "00:00:00.000", "00:00:00,000", "0:00", "0"},
		{-time.Second, "00:00:00", "00:00:00.000", "00:00:00,000", "0:00", "0"},
		{1001 * time.Millisecond, "00:00:01", "00:00:01.001", "00:00:01,001", "0:01", "1.001"},
		{1500*time.Millisecond + 999*time.Microsecond, "00:00:01", "00:00:01.500", "00:00:01,500", "0:01", "1.5"},
		{4*time.Minute + 5*time.Second + 120*time.Millisecond, "00:04:05", "00:04:05.120", "00:04:05,120", "4:05", "245.12"},
		{time.Hour + 2*time.Minute + 3*time.Second, "01:02:03", "01:02:03.000", "01:02:03,000", "1:02:03", "3723"},
		{123*time.Hour + 4*time.Second, "123:00:04", "123:00:04.000", "123:00:04,000", "123:00:04", "442804"},
	} {
		if got := Format(tc.d, ""); got != tc.plain {
			t.Errorf("Format(%v, \"\") = %q, want %q", tc.d, got, tc.plain)
		}
		if got := Format(tc.d, "."); got != tc.vtt {
			t.Errorf("Format(%v, \".\") = %q, want %q", tc.d, got, tc.vtt)
		}
		if got := Format(tc.d, ","); got != tc.srt {
			t.Errorf("Format(%v, \",\") = %q, want %q", tc.d, got, tc.srt)
		}
		if got := Short(tc.d); got != tc.short {
			t.Errorf("Short(%v) = %q, want %q", tc.d, got, tc.short)
		}
		if got := Seconds(tc.d); string(got) != tc.seconds {
			t.Errorf("Seconds(%v) = %q, want %q", tc.d, got, tc.seconds)
		}
	}
}

// TestAgainstFmt holds the hand-written digits to fmt's, and Seconds to
// the float formatting it replaces, over every millisecond of the first
// ten seconds and a spread of longer times.
func TestAgainstFmt(t *testing.T) {
	check := func(d time.Duration) {
		ms := d.Milliseconds()
		if want := fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000); Format(d, ".") != want {
			t.Fatalf("Format(%v) = %q, fmt gives %q", d, Format(d, "."), want)
		}
		if want := strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64); string(Seconds(d)) != want {
			t.Fatalf("Seconds(%v) = %q, FormatFloat gives %q", d, Seconds(d), want)
		}
	}
	for ms := range 10_000 {
		check(time.Duration(ms) * time.Millisecond)
	}
	for d := time.Duration(0); d < 200*time.Hour; d += 7*time.Minute + 13*time.Second + 17*time.Millisecond {
		check(d)
	}
}

func FuzzFormat(f *testing.F) {
	f.Add(int64(0))
	f.Add(int64(3723001))
	f.Fuzz(func(t *testing.T, ms int64) {
		if ms < 0 || ms > int64(time.Duration(1<<62)/time.Millisecond) {
			return
		}
		d := time.Duration(ms) * time.Millisecond
		want := fmt.Sprintf("%02d:%02d:%02d,%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
		if got := Format(d, ","); got != want {
			t.Fatalf("Format(%v) = %q, fmt gives %q", d, got, want)
		}
	})
}
