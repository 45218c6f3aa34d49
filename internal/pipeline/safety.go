// Safety: the refusals that keep subscribers from losing episodes or
// downloading them twice.
package pipeline

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/castfeed/castfeed/diag"
)

// minShrink is how many published episodes may vanish at once whatever
// serve.max_shrink says: in a show of nine, deleting one episode is 11%,
// and a volunteer deleting a duplicate should not need --force.
const minShrink = 2

// checkSafety refuses a feed that would hurt subscribers: an episode that
// was published changing its guid (apps would download it again), a
// published episode leaving the feed by accident although its file still
// exists (a file that stops parsing with no last good version, a date
// moved into the future), or more than serve.max_shrink, and more than
// minShrink, of the published episodes vanishing at once.
//
// Withdrawing an episode on purpose (published: false or isNext: true on
// an episode that was published) is not refused: it is returned as a
// warning naming the episode, since apps that downloaded it keep it.
func (s *show) checkSafety(items []item, eps []*loaded) (diag.List, error) {
	prev := s.state.published
	if len(prev) == 0 {
		return nil, nil
	}
	now := make(map[string]item, len(items))
	for _, it := range items {
		now[it.slug] = it
	}
	files := make(map[string]*loaded, len(eps))
	for _, l := range eps {
		files[l.slug] = l
	}
	var (
		problems  []string
		vanished  []string
		withdrawn diag.List
	)
	for _, slug := range slices.Sorted(maps.Keys(prev)) {
		p := prev[slug]
		it, ok := now[slug]
		l, exists := files[slug]
		switch {
		case ok && it.guid != p.GUID:
			problems = append(problems, fmt.Sprintf("episode %s would change its guid from %q to %q: every app would download it again; restore guid: %s in its front matter", slug, p.GUID, it.guid, p.GUID))
		case ok:
		case exists && l.ep != nil && (!l.ep.Published || l.ep.IsNext):
			key, value := "published", "published: false"
			if l.ep.IsNext {
				key, value = "isNext", "isNext: true"
			}
			withdrawn = append(withdrawn, diag.Diagnostic{File: l.name, Line: l.ep.KeyLine(key), Severity: diag.Warning,
				Message: fmt.Sprintf("episode %s (%q) was published and leaves the feed (%s); apps that downloaded it keep it", slug, p.Title, value),
				Hint:    fmt.Sprintf("this is what %s asks; remove the line to publish it again", value)})
		case exists:
			problems = append(problems, fmt.Sprintf("episode %s (%q) was published and its file still exists, but it would leave the feed (a future date, or a broken file with no last good version)", slug, p.Title))
		default:
			vanished = append(vanished, fmt.Sprintf("%s (%q)", slug, p.Title))
		}
	}
	if n := len(vanished); n > 0 {
		if float64(n) > s.cfg.Serve.MaxShrink*float64(len(prev)) && n > minShrink {
			problems = append(problems, fmt.Sprintf("%d of %d published episodes would vanish (their files are gone), more than serve.max_shrink (%.0f%%) and more than %d: %s",
				n, len(prev), s.cfg.Serve.MaxShrink*100, minShrink, strings.Join(vanished, ", ")))
		} else {
			s.log.Warn("published episodes leave the feed: their files are gone", "episodes", strings.Join(vanished, ", "))
		}
	}
	if len(problems) == 0 {
		return withdrawn, nil
	}
	return withdrawn, fmt.Errorf("%w: %s; the published feed is kept; if this is intended, run again with --force", ErrRefused, strings.Join(problems, "; "))
}
