package episode

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// dateValue is a front-matter date: a calendar date, maybe with a time of
// day, or an exact instant when it carried a zone.
type dateValue struct {
	t        time.Time
	exact    bool
	clock    time.Duration
	hasClock bool
}

type dateError struct{ msg, hint string }

func (e *dateError) Error() string { return e.msg }

const dateHint = "write the date as YYYY-MM-DD, like 2024-03-09"

// Layouts of dates with a time. A zone makes the date an instant; without
// one, the time is a time of day in the show's zone.
var (
	instantLayouts = [...]string{time.RFC3339, "2006-01-02T15:04Z07:00", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05 Z07:00", "2006-01-02 15:04Z07:00", "2006-01-02 15:04 Z07:00"}
	clockLayouts   = [...]string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"}
)

// parseDate reads YYYY-MM-DD (also with / or one-digit month and day), or
// a date with a time, with or without a zone.
func parseDate(s string) (dateValue, *dateError) {
	s = strings.TrimSpace(s)
	if y, m, d, ok := ymd(s); ok {
		t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		if t.Day() != d || t.Month() != time.Month(m) {
			return dateValue{}, &dateError{"is not a day of the calendar", "check the day and the month"}
		}
		return dateValue{t: t}, nil
	}
	if len(s) > 10 {
		for _, l := range instantLayouts {
			if t, err := time.Parse(l, s); err == nil {
				return dateValue{t: t, exact: true}, nil
			}
		}
		for _, l := range clockLayouts {
			if t, err := time.Parse(l, s); err == nil {
				y, m, d := t.Date()
				return dateValue{
					t:        time.Date(y, m, d, 0, 0, 0, 0, time.UTC),
					clock:    time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute + time.Duration(t.Second())*time.Second,
					hasClock: true,
				}, nil
			}
		}
	}
	if a, b, c, ok := numbers3(s); ok && c >= 1000 && a <= 31 && b <= 31 {
		return dateValue{}, &dateError{"is not in year-month-day order", dateHint + "; " + s + " could be read as day/month or as month/day"}
	}
	return dateValue{}, &dateError{"is not a date", dateHint}
}

// ymd reads YYYY-MM-DD, YYYY/MM/DD and one-digit months and days.
func ymd(s string) (y, m, d int, ok bool) {
	if len(s) < 8 || len(s) > 10 {
		return 0, 0, 0, false
	}
	sep := s[4]
	if sep != '-' && sep != '/' {
		return 0, 0, 0, false
	}
	y, ok1 := digits(s[:4])
	ms, ds, ok2 := strings.Cut(s[5:], string(sep))
	m, ok3 := digits(ms)
	d, ok4 := digits(ds)
	if !ok1 || !ok2 || !ok3 || !ok4 || len(ms) > 2 || len(ds) > 2 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// numbers3 reads three numbers separated by / . or -, like 09/03/2024.
func numbers3(s string) (a, b, c int, ok bool) {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '.' || r == '-' })
	if len(f) != 3 {
		return 0, 0, 0, false
	}
	a, ok1 := digits(f[0])
	b, ok2 := digits(f[1])
	c, ok3 := digits(f[2])
	return a, b, c, ok1 && ok2 && ok3
}

// digits reads a short run of ASCII digits.
func digits(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// parseClock reads a time of day as volunteers write it: 20:30, 20h30,
// 20h:10min, 20h, 20.30, 2030, 8pm, 8:30 pm, 20:30:00.
func parseClock(s string) (time.Duration, bool) {
	s = strings.ToLower(strings.Join(strings.Fields(s), ""))
	pm, am := strings.HasSuffix(s, "pm"), strings.HasSuffix(s, "am")
	if pm || am {
		s = s[:len(s)-2]
	}
	var h, m, sec int
	var ok bool
	if hs, rest, found := cutAny(s, "h:."); found {
		rest = strings.TrimPrefix(rest, ":") // 20h:10
		rest = strings.TrimSuffix(rest, "min")
		rest = strings.TrimSuffix(rest, "mn")
		rest = strings.TrimSuffix(rest, "m")
		ms, ss, hasSec := strings.Cut(rest, ":")
		h, ok = digits(hs)
		if !ok || len(hs) > 2 {
			return 0, false
		}
		if ms != "" {
			if m, ok = digits(ms); !ok || len(ms) != 2 {
				return 0, false
			}
		}
		if hasSec {
			if sec, ok = digits(ss); !ok || len(ss) != 2 || ms == "" {
				return 0, false
			}
		}
	} else {
		n, ok := digits(s)
		switch {
		case !ok:
			return 0, false
		case len(s) <= 2:
			h = n
		case len(s) == 4 && !pm && !am:
			h, m = n/100, n%100
		default:
			return 0, false
		}
	}
	if pm || am {
		if h < 1 || h > 12 {
			return 0, false
		}
		h %= 12
		if pm {
			h += 12
		}
	}
	if h > 23 || m > 59 || sec > 59 {
		return 0, false
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second, true
}

// cutAny cuts s around the first of the bytes in chars.
func cutAny(s, chars string) (before, after string, found bool) {
	if i := strings.IndexAny(s, chars); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

// maxDuration bounds what parseDuration accepts, so that any result fits
// a time.Duration; longer values are far past the 24 h an episode may
// last anyway.
const maxDuration = 1000 * time.Hour

// parseDuration reads H:MM:SS, HH:MM:SS, MM:SS (seconds may have a
// fraction), a number of seconds, or units like 1h30m, 1h 30min, 90 min.
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("is empty")
	}
	if strings.Contains(s, ":") {
		return colonDuration(s)
	}
	if x, err := strconv.ParseFloat(s, 64); err == nil {
		switch {
		case math.IsNaN(x) || math.IsInf(x, 0):
			return 0, errors.New("is not a length of time")
		case x < 0:
			return 0, errors.New("is negative")
		case x > maxDuration.Seconds():
			return 0, errors.New("is far too long")
		}
		return time.Duration(math.Round(x * float64(time.Second))), nil
	}
	u := strings.ToLower(strings.ReplaceAll(s, " ", ""))
	for _, r := range [...]struct{ long, short string }{
		{"hours", "h"}, {"hour", "h"}, {"hrs", "h"}, {"hr", "h"},
		{"minutes", "m"}, {"minute", "m"}, {"mins", "m"}, {"min", "m"}, {"mn", "m"},
		{"seconds", "s"}, {"second", "s"}, {"secs", "s"}, {"sec", "s"},
	} {
		u = strings.ReplaceAll(u, r.long, r.short)
	}
	if strings.ContainsAny(u, "hms") && !strings.ContainsAny(u, "-+") {
		if d, err := time.ParseDuration(u); err == nil && d <= maxDuration {
			return d, nil
		}
	}
	return 0, errors.New(`is not a length of time like "1:02:40"`)
}

// colonDuration reads [H:]MM:SS[.fff].
func colonDuration(s string) (time.Duration, error) {
	parts := strings.Split(s, ":")
	if len(parts) > 3 {
		return 0, errors.New("has too many parts: write H:MM:SS")
	}
	var total time.Duration
	for i, p := range parts {
		last := i == len(parts)-1
		whole, frac, hasFrac := strings.Cut(p, ".")
		if hasFrac && !last {
			return 0, errors.New("is not H:MM:SS")
		}
		n, ok := digits(whole)
		if !ok || len(whole) > 4 {
			return 0, errors.New("is not H:MM:SS")
		}
		if i > 0 && (n >= 60 || len(whole) != 2) {
			return 0, errors.New("is not H:MM:SS: minutes and seconds take two digits, below 60")
		}
		total = total*60 + time.Duration(n)*time.Second
		if hasFrac {
			f, ok := digits(frac)
			if !ok || len(frac) > 9 {
				return 0, errors.New("is not H:MM:SS")
			}
			total += time.Duration(f) * time.Duration(math.Pow10(9-len(frac)))
		}
	}
	if total > maxDuration {
		return 0, errors.New("is far too long")
	}
	return total, nil
}

// numberIn returns the episode number in a file name: the last run of
// digits, after a leading date if there is one (episode-0042 → 42,
// 2024-01-13-ep5 → 5, 2024-01-13-hello → 0).
func numberIn(slug string) int {
	if len(slug) >= 10 {
		if _, _, _, ok := ymd(slug[:10]); ok {
			slug = slug[10:]
		}
	}
	end := len(slug)
	for end > 0 && (slug[end-1] < '0' || slug[end-1] > '9') {
		end--
	}
	start := end
	for start > 0 && slug[start-1] >= '0' && slug[start-1] <= '9' {
		start--
	}
	digitsRun := strings.TrimLeft(slug[start:end], "0")
	if digitsRun == "" {
		return 0
	}
	n, ok := digits(digitsRun)
	if !ok || n > 1_000_000 {
		return 0
	}
	return n
}

// suggest returns the known key closest to a misspelt one, if close.
func suggest(key string) string {
	key = strings.ToLower(key)
	best, bestD := "", 3
	if utf8.RuneCountInString(key) <= 4 {
		bestD = 2
	}
	for k := range strings.FieldsSeq(knownKeys) {
		if d := distance(key, strings.ToLower(k)); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// distance is the edit distance between a and b, counting a swap of two
// neighbouring letters as one edit (optimal string alignment): "dtae"
// is one slip of the fingers from "date", not two.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return max(len(ra), len(rb))
	}
	prev2 := make([]int, len(rb)+1) // row i-2
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
