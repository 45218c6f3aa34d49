package episode

import (
	"strings"
	"time"
)

// Episode is one show-notes file, read. Times in the notes are kept as
// written; the chapters package interprets them.
type Episode struct {
	Slug string // the file's base name without .md
	// Source is the file's text as read, with \n line breaks. The other
	// strings share its memory, so keeping it costs nothing more.
	Source string `json:"-"`
	Number int    // `episode`, else the number in the file name (episode-0042.md → 42), else 0
	Season int    // `season`, 0 when absent
	Title  string // plain text, markup removed
	// Date is the calendar date at midnight UTC, or the exact instant
	// when the front matter gave a time with a zone (see PubDate).
	Date      time.Time
	Clock     time.Duration // time of day from `time`, or from a date written with a time but no zone
	HasClock  bool
	Duration  time.Duration // `duration`, 0 when absent
	Tags      []string
	Category  string
	YouTube   string // canonical https://www.youtube.com/watch?v=ID, "" when there is no video
	YouTubeID string // the video's 11-character id
	Published bool   // `published`; true when absent
	IsNext    bool   // an upcoming episode, not in the feed yet
	Featured  bool

	GUID        string // override of the guid (else the slug)
	Audio       string // override of the enclosure URL
	AudioLength int64  // bytes
	AudioType   string
	Image       string
	Explicit    *bool // nil when the front matter does not say
	// AudioOffset is added to the video's times (notes, captions) to get
	// the audio file's: negative when the audio cuts the video's intro.
	AudioOffset    time.Duration
	HasAudioOffset bool

	Summary string   // the intro paragraph(s) before the first section, as plain text
	HTML    string   // the body as sanitised HTML, without the ## Notes section (see Reader)
	Guests  []Person // from ## Guests
	Hosts   []Person // from ## Prepared and Presented by (or Hosts, Presented by)
	Notes   []Line   // the lines of ## Notes, list markers removed
	Links   []Link   // from ## Links

	exact bool      // Date is an instant, not a calendar date
	keys  []keyLine // front-matter keys in file order
	body  Body
}

// Person is a guest or a host: "[Name](url)" or a plain "Name".
type Person struct {
	Name string
	URL  string // "" for a plain name
	Line int
}

// Line is one line of the body, with its 1-based line number in the file.
type Line struct {
	Num  int
	Text string
}

// Link is an entry of ## Links.
type Link struct {
	Title string
	URL   string
	Line  int
}

type keyLine struct {
	key  string
	line int
}

// Offset is the episode's audio offset: its own, else def (the show's).
func (e *Episode) Offset(def time.Duration) time.Duration {
	if e.HasAudioOffset {
		return e.AudioOffset
	}
	return def
}

// PubDate is when the episode goes out: its date at its own time of day
// (Clock), or at defaultClock when it has none, in loc (UTC when nil).
//
// The day never shifts: 2020-03-14 with 20:00 in Africa/Casablanca is
// 20:00 on the 14th there, whatever the zone of the machine running the
// build. A time of day that a daylight-saving jump skips moves forward by
// the length of the jump (02:30 becomes 03:30), still on the same day;
// time.Date alone may move it back, to the day before when the jump is at
// midnight (America/Havana, America/Santiago). A date written with a time
// and a zone is an exact instant and is returned as it is.
func (e *Episode) PubDate(loc *time.Location, defaultClock time.Duration) time.Time {
	if e.exact {
		return e.Date
	}
	if loc == nil {
		loc = time.UTC
	}
	clock := defaultClock
	if e.HasClock {
		clock = e.Clock
	}
	y, m, d := e.Date.Date()
	h, mi, s := int(clock/time.Hour), int(clock%time.Hour/time.Minute), int(clock%time.Minute/time.Second)
	t := time.Date(y, m, d, h, mi, s, 0, loc)
	if t.Day() == d && t.Hour() == h && t.Minute() == mi {
		return t
	}
	// The wall clock does not exist that day. Read it with the offset in
	// force before the jump (jumps are months apart, so 12 hours earlier
	// is before it).
	_, before := t.Add(-12 * time.Hour).Zone()
	u := time.Date(y, m, d, h, mi, s, 0, time.UTC).Add(-time.Duration(before) * time.Second).In(loc)
	if u.Day() == d || t.Day() != d {
		return u
	}
	return t
}

// KeyLine returns the file line of a front-matter key ("guid", "audio",
// "duration", …), so later stages can report problems with derived
// values where the volunteer can fix them. It returns 1, the line of the
// opening ---, when the key is absent.
func (e *Episode) KeyLine(key string) int {
	for _, k := range e.keys {
		if k.key == key {
			return k.line
		}
	}
	return 1
}

// Detach makes e hold no memory of the file's text: it drops Source, the
// body and what only writing the episode needs (Summary, HTML, Guests,
// Hosts, Notes, Links, Tags), and copies the strings it keeps, which
// shared the text's memory. A build holds every episode of a show this
// way between choosing its items and writing them, where the texts of
// 100,000 files would be 500 MB; it parses each one again to write it.
func (e *Episode) Detach() {
	e.Source, e.body, e.Summary, e.HTML = "", Body{}, "", ""
	e.Guests, e.Hosts, e.Notes, e.Links, e.Tags = nil, nil, nil, nil, nil
	for _, s := range []*string{&e.Slug, &e.Title, &e.Category, &e.YouTube, &e.YouTubeID, &e.GUID, &e.Audio, &e.AudioType, &e.Image} {
		*s = strings.Clone(*s)
	}
	keys := make([]keyLine, len(e.keys))
	for i, k := range e.keys {
		keys[i] = keyLine{strings.Clone(k.key), k.line}
	}
	e.keys = keys
}
