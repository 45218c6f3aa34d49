package episode

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/castfeed/castfeed/internal/markdown"
)

// knownKeys are the front-matter keys castfeed reads.
const knownKeys = "title date time duration tags category youtube published isNext featured " +
	"episode season guid audio audio_length audio_type image explicit audio_offset"

func known(key string) bool {
	for k := range strings.FieldsSeq(knownKeys) {
		if k == key {
			return true
		}
	}
	return false
}

// decisive are the keys whose loss, to a misspelling, would change
// whether, when or as what an episode goes out, with what they decide.
// An unknown key that looks like one of them is an error rather than a
// warning: `publshed: false` read as a warning would publish a draft,
// and apps keep what they have downloaded. Other keys (tags, title…)
// only lose a detail, or are required anyway.
var decisive = map[string]string{
	"published": "whether the episode is published",
	"isNext":    "whether the episode is published",
	"date":      "when the episode is published",
	"time":      "when the episode is published",
	"guid":      "the episode's identity in podcast apps",
	"audio":     "which audio file the feed links",
	"explicit":  "whether apps mark the episode explicit",
}

// misplacedKey returns, for keys other tools use, what to write instead
// and the castfeed key meant, if one is.
func misplacedKey(key string) (hint, meant string) {
	switch strings.ToLower(key) {
	case "draft":
		return "castfeed does not read draft: write published: false to keep the episode out of the feed", "published"
	case "description", "summary", "excerpt", "subtitle":
		return "remove it: the summary is the paragraph after the front matter, before the first ## heading", ""
	case "slug", "permalink", "url":
		return "remove it: the episode's address comes from the file name", ""
	case "author", "authors", "host", "hosts", "guest", "guests", "speakers":
		return "list people in the notes, under ## Guests and ## Prepared and Presented by", ""
	case "cover", "thumbnail", "artwork":
		return "did you mean image?", "image"
	case "video", "youtube_url", "yt", "youtube_id", "video_url":
		return "did you mean youtube?", "youtube"
	case "number", "episode_number", "ep":
		return "did you mean episode?", "episode"
	case "pubdate", "publish_date", "published_at", "date_published":
		return "did you mean date?", "date"
	case "length", "size", "filesize":
		return "did you mean audio_length (bytes) or duration?", ""
	case "enclosure", "mp3", "audio_url", "media":
		return "did you mean audio?", "audio"
	}
	return "", ""
}

// falsy reports whether a field says false: `draft: false`, which a site
// generator's front matter carries on every published page, asks for
// nothing castfeed would not do anyway.
func falsy(f field) bool {
	switch strings.ToLower(strings.TrimSpace(f.text)) {
	case "false", "no", "off":
		return f.kind == scalar
	}
	return false
}

// conv converts front-matter fields into an Episode's values, reporting
// each problem at the line of its key.
type conv struct {
	p      *parse
	fields []field
	front  string // the front matter's text, for checks on raw lines
}

func (c *conv) get(key string) *field {
	for i := range c.fields {
		if c.fields[i].key == key {
			return &c.fields[i]
		}
	}
	return nil
}

// text returns a scalar's text. A list or mapping is an error at the
// key's line; an absent or null value is ("", nil) or ("", f).
func (c *conv) text(key string) (string, *field) {
	f := c.get(key)
	if f == nil {
		return "", nil
	}
	switch f.kind {
	case scalar:
		return f.text, f
	case null:
		return "", f
	}
	c.p.errorf(f.line, fmt.Sprintf("write one value after %s:, on the same line", key), "%s must be a single value, not %s", key, shape(f.kind))
	return "", nil
}

func shape(k kind) string {
	if k == seq {
		return "a list"
	}
	return "a nested mapping"
}

// convert turns the front matter's fields into the Episode's values, one
// case per key. It stays one switch, longer than most functions here,
// because each key is a few lines and a reader looks a key up by name.
func (p *parse) convert(ep *Episode, fields []field, front string) {
	c := &conv{p: p, fields: fields, front: front}
	ep.keys = make([]keyLine, len(fields))
	for i, f := range fields {
		ep.keys[i] = keyLine{f.key, f.line}
		if known(f.key) {
			continue
		}
		hint, meant := misplacedKey(f.key)
		if hint == "" {
			hint = "remove it, or check its spelling"
			if meant = suggest(f.key); meant != "" {
				hint = fmt.Sprintf("did you mean %s?", meant)
			}
		}
		if what, ok := decisive[meant]; ok && !(meant == "published" && strings.EqualFold(f.key, "draft") && falsy(f)) {
			then := "; until the key is fixed or removed, the file is left out of the feed (or kept at its last published version)"
			if strings.HasSuffix(hint, "?") {
				then = " Until the key is fixed or removed, the file is left out of the feed (or kept at its last published version)"
			}
			p.errorf(f.line, hint+then,
				"unknown front-matter key %q looks like %s, which decides %s: castfeed will not guess", f.key, meant, what)
			continue
		}
		p.warnf(f.line, hint, "unknown front-matter key %q is ignored", f.key)
	}

	c.title(ep)
	c.date(ep)
	c.duration(ep)
	if s, f := c.text("time"); strings.TrimSpace(s) != "" {
		if d, ok := parseClock(s); ok {
			ep.Clock, ep.HasClock = d, true
			if ep.exact {
				p.warnf(f.line, "remove time:, or write the date as YYYY-MM-DD to publish at this time of day", "time is not used: the date already gives the time and zone of publication")
			}
		} else {
			p.warnf(f.line, "write it as 20:30, 20h30 or 8pm; meanwhile the show's publish time is used", "time %q is not a time of day", s)
		}
	}
	ep.Tags = c.tags()
	ep.Category, _ = c.text("category")
	ep.Category = strings.TrimSpace(ep.Category)
	if s, f := c.text("youtube"); strings.TrimSpace(s) != "" {
		if id, ok := VideoID(s); ok {
			ep.YouTubeID, ep.YouTube = id, "https://www.youtube.com/watch?v="+id
		} else {
			p.warnf(f.line, "paste the link from the video's Share button, like https://youtu.be/… or https://www.youtube.com/watch?v=…", "youtube %q is not a link to a YouTube video; the episode is read without one", s)
		}
	}
	ep.Published = c.boolean("published", true)
	ep.IsNext = c.boolean("isNext", false)
	ep.Featured = c.boolean("featured", false)
	if s, f := c.text("explicit"); f != nil && f.kind == scalar {
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true", "yes", "explicit":
			ep.Explicit = new(true)
		case "false", "no", "clean":
			ep.Explicit = new(false)
		default:
			p.errorf(f.line, "write explicit: true or explicit: false (or clean)", "explicit is %q, not true or false", s)
		}
	}
	ep.GUID = c.str("guid")
	ep.Audio = c.str("audio")
	ep.AudioType = c.str("audio_type")
	ep.Image = c.str("image")
	if n, f, ok := c.integer("audio_length", "the audio file's size in bytes, like 48123456"); ok {
		if n < 0 {
			p.errorf(f.line, "give the audio file's size in bytes, or remove the line", "audio_length %d is negative", n)
		} else {
			ep.AudioLength = n
		}
	}
	// Apple and Podcasting 2.0 number seasons and episodes from 1: a 0 or
	// a negative number is left out of the feed rather than sent.
	if n, f, ok := c.integer("season", "the season's number"); ok {
		switch {
		case n <= 0:
			p.warnf(f.line, "number seasons from 1, or remove the line", "season %d is not a season number (they start at 1) and is ignored", n)
		case n > 10_000:
			p.errorf(f.line, "give the season's number, like 2", "season %d is out of range", n)
		default:
			ep.Season = int(n)
		}
	}
	if n, f, ok := c.integer("episode", "the episode's number"); ok {
		switch {
		case n <= 0:
			what := "the episode has no number"
			if ep.Number > 0 {
				what = fmt.Sprintf("the number in the file name, %d, is used", ep.Number)
			}
			p.warnf(f.line, "number episodes from 1, or remove the line", "episode %d is not an episode number (they start at 1) and is ignored; %s", n, what)
		case n > 1_000_000:
			p.errorf(f.line, "give the episode's number, like 42", "episode %d is out of range", n)
		default:
			ep.Number = int(n)
		}
	}
	c.audioOffset(ep)
}

func (c *conv) title(ep *Episode) {
	s, f := c.text("title")
	switch {
	case f == nil && c.get("title") == nil:
		c.p.errorf(1, `add a line title: "…" to the front matter`, "the episode has no title")
		return
	case f == nil: // a list or mapping, reported
		return
	case strings.TrimSpace(s) == "":
		c.p.errorf(f.line, "write the episode's title after title:", "the title is empty")
		return
	}
	ep.Title = markdown.Collapse(s)
	if t, changed := c.p.r.plainTitle(ep.Title); changed {
		if t == "" {
			c.p.errorf(f.line, "write the title in words; podcast apps show titles as plain text", "the title is only HTML markup")
			return
		}
		c.p.warnf(f.line, "podcast apps show titles as plain text: remove the markup", "the title contains HTML markup, which is removed")
		ep.Title = t
	}
	c.titleLimits(ep.Title, f.line)
	// An unquoted "#" after a space starts a YAML comment, which silently
	// cuts titles like "Tech News & AMA #12".
	if raw := c.rawLine(f.line); !strings.Contains(s, "#") {
		v := strings.TrimSpace(raw[strings.IndexByte(raw, ':')+1:])
		for strings.HasPrefix(v, "&") || strings.HasPrefix(v, "!") { // an anchor or a tag
			_, v, _ = strings.Cut(v, " ")
			v = strings.TrimSpace(v)
		}
		if v != "" && !strings.ContainsRune(`"'|>`, rune(v[0])) && strings.Contains(v, " #") {
			c.p.warnf(f.line, `put the title in quotes: title: "…"`, "the title is cut at \" #\", which YAML reads as the start of a comment")
		}
	}
}

// maxTitle is Apple Podcasts' limit on a title, in characters.
const maxTitle = 255

// titleLimits warns about a title Apple cuts or apps show as empty.
func (c *conv) titleLimits(t string, line int) {
	if n := utf8.RuneCountInString(t); n > maxTitle {
		c.p.warnf(line, fmt.Sprintf("keep the title under %d characters; put the rest in the summary, the paragraph after the front matter", maxTitle),
			"the title is %d characters long; Apple Podcasts accepts at most %d", n, maxTitle)
	}
	if !strings.ContainsFunc(t, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		c.p.warnf(line, "write the title in words: apps list, search and read titles aloud", "the title %q has no letters or digits", t)
	}
}

// rawLine returns the front matter's text at a file line.
func (c *conv) rawLine(line int) string {
	s := c.front
	for range line - frontLine {
		_, s, _ = strings.Cut(s, "\n")
	}
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func (c *conv) date(ep *Episode) {
	s, f := c.text("date")
	switch {
	case f == nil && c.get("date") == nil:
		c.p.errorf(1, "add a line date: YYYY-MM-DD to the front matter, like date: 2024-03-09", "the episode has no date")
		return
	case f == nil:
		return
	case strings.TrimSpace(s) == "":
		c.p.errorf(f.line, "write the date as YYYY-MM-DD, like date: 2024-03-09", "the date is empty")
		return
	}
	d, err := parseDate(s)
	if err != nil {
		c.p.errorf(f.line, err.hint, "date %q %s", strings.TrimSpace(s), err.msg)
		return
	}
	if y := d.t.Year(); y < 2000 || y > 2100 {
		c.p.errorf(f.line, "check the year", "date %s is not plausible for an episode (before 2000 or after 2100)", d.t.Format("2006-01-02"))
		return
	}
	ep.Date, ep.exact = d.t, d.exact
	if d.hasClock {
		ep.Clock, ep.HasClock = d.clock, true
	}
}

func (c *conv) duration(ep *Episode) {
	s, f := c.text("duration")
	if f == nil && c.get("duration") != nil {
		return // a list or mapping, reported
	}
	line := 1
	if f != nil {
		line = f.line
	}
	if strings.TrimSpace(s) == "" {
		c.p.warnf(line, `add duration: "1:02:40" (H:MM:SS): podcast apps show it, and notes past the end are dropped by it`, "the episode has no duration")
		return
	}
	d, err := parseDuration(s)
	switch {
	case err != nil:
		c.p.errorf(line, `write it as "1:02:40" (H:MM:SS), "58:10" (MM:SS) or a number of seconds`, "duration %q %v", strings.TrimSpace(s), err)
	case d > 24*time.Hour:
		c.p.errorf(line, `write it as H:MM:SS, like "1:02:40"; check that hours and minutes are not swapped`, "duration %s is longer than a day", strings.TrimSpace(s))
	case d == 0:
		c.p.warnf(line, `write the episode's length, like "1:02:40", or remove the line`, "the duration is zero")
	default:
		ep.Duration = d
	}
}

// tags reads a list, or a comma-separated text, of tags. A single value
// such as `tags: 5` is read as one tag: it is clear what was meant.
func (c *conv) tags() []string {
	f := c.get("tags")
	if f == nil {
		return nil
	}
	var out []string
	add := func(s string) {
		for t := range strings.SplitSeq(s, ",") {
			if t = strings.TrimSpace(t); t != "" {
				out = append(out, t)
			}
		}
	}
	switch f.kind {
	case scalar:
		add(f.text)
	case seq:
		out = make([]string, 0, len(f.items))
		for _, it := range f.items {
			switch it.kind {
			case scalar:
				if t := strings.TrimSpace(it.text); t != "" {
					out = append(out, t)
				}
			case seq, other:
				c.p.warnf(f.line, `write tags as a list of words: tags: ["go", "podcasts"]`, "tags: an item that is %s is ignored", shape(it.kind))
			}
		}
	case other:
		c.p.warnf(f.line, `write tags as a list of words: tags: ["go", "podcasts"]`, "tags is a mapping and is ignored")
	}
	return out
}

func (c *conv) str(key string) string {
	s, _ := c.text(key)
	return strings.TrimSpace(s)
}

func (c *conv) boolean(key string, def bool) bool {
	s, f := c.text(key)
	if f == nil || f.kind != scalar {
		return def
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "on":
		return true
	case "false", "no", "off":
		return false
	}
	c.p.errorf(f.line, fmt.Sprintf("write %s: true or %s: false", key, key), "%s is %q, not true or false", key, s)
	return def
}

func (c *conv) integer(key, what string) (int64, *field, bool) {
	s, f := c.text(key)
	if f == nil || f.kind != scalar {
		return 0, f, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		c.p.errorf(f.line, "give "+what+", or remove the line", "%s is %q, not a whole number", key, s)
		return 0, f, false
	}
	return n, f, true
}

func (c *conv) audioOffset(ep *Episode) {
	s, f := c.text("audio_offset")
	if f == nil || f.kind != scalar {
		return
	}
	const hint = "give the shift in seconds, like -12.5 when the audio leaves out the video's first 12.5 seconds"
	x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	switch {
	case err != nil || math.IsNaN(x) || math.IsInf(x, 0):
		c.p.errorf(f.line, hint, "audio_offset is %q, not a number of seconds", s)
	case math.Abs(x) > 3600:
		c.p.errorf(f.line, hint, "audio_offset %s s is more than an hour", strings.TrimSpace(s))
	default:
		ep.AudioOffset = time.Duration(math.Round(x * float64(time.Second)))
		ep.HasAudioOffset = true
	}
}
