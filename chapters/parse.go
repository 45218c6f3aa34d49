// Note parsing: the timestamp and title of one line of show notes, as
// volunteers write them.
package chapters

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/castfeed/castfeed/internal/markdown"
)

// splitNote splits a note into its timestamp and the rest: emphasis
// markers and an optional bracket or parenthesis around the time, then a
// separator (-, –, —, :, |) or none. It is written out by hand because it
// runs for every note of every episode; FuzzParseNote keeps it honest.
func splitNote(s string) (ts, rest string, ok bool) {
	i := skip(s, 0, " \t*_~`")
	if i < len(s) && (s[i] == '[' || s[i] == '(') {
		i = skip(s, i+1, " \t")
	}
	start := i
	i, n := digits(s, i, 3)
	if n == 0 {
		return "", "", false
	}
	groups := 0
	for groups < 2 && i+1 < len(s) && s[i] == ':' && isDigit(s[i+1]) {
		i, _ = digits(s, i+1, 2)
		groups++
	}
	if groups == 0 {
		return "", "", false
	}
	if i+1 < len(s) && (s[i] == '.' || s[i] == ',') && isDigit(s[i+1]) {
		i, _ = digits(s, i+1, 3)
	}
	ts = s[start:i]
	i = skip(s, i, " \t")
	if i < len(s) && (s[i] == ']' || s[i] == ')') {
		i++
	}
	i = skip(s, i, "*_~`")
	i = skip(s, i, " \t")
	j := i
	for j < len(s) {
		switch {
		case s[j] == '-' || s[j] == ':' || s[j] == '|':
			j++
		case strings.HasPrefix(s[j:], "–") || strings.HasPrefix(s[j:], "—"):
			j += len("–")
		default:
			goto done
		}
	}
done:
	if j > i {
		i = skip(s, j, " \t")
	}
	return ts, s[i:], true
}

// skip returns the first index from i whose byte is not in set.
func skip(s string, i int, set string) int {
	for i < len(s) && strings.IndexByte(set, s[i]) >= 0 {
		i++
	}
	return i
}

// digits consumes up to max digits from i, returning the new index and
// how many it took.
func digits(s string, i, max int) (int, int) {
	n := 0
	for i < len(s) && n < max && isDigit(s[i]) {
		i++
		n++
	}
	return i, n
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// errNoTimestamp reports a note that does not start with a time.
var errNoTimestamp = errors.New("no timestamp at the start")

// parseTimestamp reads H:MM:SS, HH:MM:SS, M:SS or MM:SS, with optional
// fractional seconds (1:02.5).
func parseTimestamp(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	frac := time.Duration(0)
	if i := strings.IndexAny(s, ".,"); i >= 0 {
		digits := s[i+1:]
		if digits == "" || len(digits) > 3 {
			return 0, fmt.Errorf("timestamp %q: bad fraction of a second", s)
		}
		n, err := strconv.Atoi(digits)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("timestamp %q: bad fraction of a second", s)
		}
		for range 3 - len(digits) {
			n *= 10
		}
		frac = time.Duration(n) * time.Millisecond
		s = s[:i]
	}
	// At most three parts, split without allocating: every note of every
	// episode comes through here.
	var buf [3]string
	parts := buf[:0]
	for rest := s; ; {
		p, r, more := strings.Cut(rest, ":")
		if len(parts) == 3 {
			return 0, fmt.Errorf("timestamp %q: want H:MM:SS or MM:SS", s)
		}
		parts = append(parts, p)
		if !more {
			break
		}
		rest = r
	}
	if len(parts) < 2 {
		return 0, fmt.Errorf("timestamp %q: want H:MM:SS or MM:SS", s)
	}
	var numBuf [3]int
	nums := numBuf[:len(parts)]
	for i, p := range parts {
		if p == "" || len(p) > 3 || !allDigits(p) {
			return 0, fmt.Errorf("timestamp %q: want H:MM:SS or MM:SS", s)
		}
		nums[i], _ = strconv.Atoi(p)
	}
	sec := nums[len(nums)-1]
	if sec >= 60 || len(parts[len(parts)-1]) != 2 {
		return 0, fmt.Errorf("timestamp %q: seconds must be two digits below 60", s)
	}
	var d time.Duration
	if len(nums) == 3 {
		if nums[1] >= 60 || len(parts[1]) != 2 {
			return 0, fmt.Errorf("timestamp %q: minutes must be two digits below 60", s)
		}
		if nums[0] > 99 {
			return 0, fmt.Errorf("timestamp %q: more than 99 hours", s)
		}
		d = time.Duration(nums[0])*time.Hour + time.Duration(nums[1])*time.Minute
	} else {
		d = time.Duration(nums[0]) * time.Minute
	}
	return d + time.Duration(sec)*time.Second + frac, nil
}

func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseNote splits a note into its start, title and the URL of its first
// Markdown link. The title is plain text, as markdown.Plain reads it; the
// emphasis markers that the timestamp split from their pair (as in
// "**0:01:00 - Bold**") are trimmed.
func parseNote(text string) (start time.Duration, title, url string, err error) {
	ts, rest, ok := splitNote(text)
	if !ok {
		return 0, "", "", errNoTimestamp
	}
	start, err = parseTimestamp(ts)
	if err != nil {
		return 0, "", "", err
	}
	if strings.IndexByte(rest, '[') >= 0 { // most notes have no link
		var buf [4]markdown.Link
		for _, l := range markdown.Links(buf[:0], rest) {
			if !l.Image { // an image is no page to open
				url = strings.TrimSpace(l.URL)
				break
			}
		}
	}
	title = markdown.Plain(rest)
	const markers = " *_`~"
	if title != "" && (strings.IndexByte(markers, title[0]) >= 0 || strings.IndexByte(markers, title[len(title)-1]) >= 0) {
		title = strings.Trim(title, markers)
	}
	return start, title, url, nil
}
