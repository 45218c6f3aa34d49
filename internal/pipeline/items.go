// Items: which episodes go into the feed, with what guid, date and
// enclosure, and each one completed (HTML, chapters, transcripts) when
// it is written.
package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/castfeed/castfeed/chapters"
	"github.com/castfeed/castfeed/diag"
	"github.com/castfeed/castfeed/feed"
	"github.com/castfeed/castfeed/internal/config"
)

// item is an episode that goes into the feed, kept small: a show of
// 100,000 episodes holds all of its items at once, so the parse that
// decided it is dropped and complete parses its text again when it is
// written (writeFeeds), one chunk of items at a time.
type item struct {
	slug, name  string
	text        text // the episode's text, in the spool: parsed again, and kept as the last good version
	guid, title string
	pubDate     time.Time
	enclosure   feed.Enclosure
	// A tagged copy of local audio (audio.go): the file in the state
	// folder, its name in the output, and the audio's real duration.
	audioFile, audioName string
	duration             time.Duration
}

// complete parses the item's text again (it parsed before, so it parses
// now) and returns its whole feed item, HTML rendered, its chapters and
// its transcript files. cacheable is false when the transcript could not
// be read again as it was synced (see transcriptFiles).
func (s *show) complete(it *item) (fi feed.Item, cs []chapters.Chapter, files []outFile, cacheable bool, err error) {
	src, err := s.spool.get(it.text)
	if err != nil {
		return feed.Item{}, nil, nil, false, err
	}
	l := &loaded{name: it.name, slug: it.slug, data: []byte(src)}
	l.parse(s.reader, secondsToDuration(s.cfg.Media.AudioOffset))
	ep := l.ep
	if ep == nil {
		return feed.Item{}, nil, nil, false, fmt.Errorf("%s: the episode no longer parses", it.name)
	}
	html, err := s.reader.HTML(ep.Body())
	if err != nil {
		return feed.Item{}, nil, nil, false, fmt.Errorf("%s: the notes cannot be shown as HTML: %w", it.name, err)
	}
	fi = feed.Item{
		Title:       ep.Title,
		Link:        cmp.Or(ep.YouTube, s.cfg.Podcast.Link),
		GUID:        it.guid,
		PubDate:     it.pubDate,
		Summary:     ep.Summary,
		ContentHTML: html,
		Enclosure:   it.enclosure,
		Duration:    ep.Duration,
		Season:      ep.Season,
		Episode:     ep.Number,
		EpisodeType: "full",
		Explicit:    ep.Explicit,
		Image:       ep.Image,
		Keywords:    ep.Tags,
	}
	audioInto(it, &fi, l.chapters)
	if len(l.chapters) > 0 {
		fi.ChaptersURL = s.url("episodes", it.slug, "chapters.json")
		fi.Chapters = l.chapters
	}
	for _, p := range ep.Guests {
		fi.Persons = append(fi.Persons, feed.Person{Name: p.Name, Role: "guest", Href: p.URL})
	}
	for _, p := range ep.Hosts {
		fi.Persons = append(fi.Persons, feed.Person{Name: p.Name, Role: "host", Href: p.URL})
	}
	t, files, tags, cacheable := s.transcriptFiles(it.slug, ep.Offset(secondsToDuration(s.cfg.Media.AudioOffset)))
	fi.Transcripts = tags
	pages, err := s.episodePages(it, ep, &fi, l.chapters, t)
	if err != nil {
		return feed.Item{}, nil, nil, false, err
	}
	return fi, l.chapters, append(files, pages...), cacheable, nil
}

// checkEvery is how many episodes, items or files a loop handles between
// looks at its context: a few milliseconds of work at most, so that a
// cancelled build returns well within a second even at 100,000 episodes.
const checkEvery = 256

// items turns loaded episodes into feed items. It returns the earliest
// future publication time (a scheduled episode), so the next refresh after
// it rebuilds even if no file changed. It stops when ctx is done.
func (s *show) items(ctx context.Context, eps []*loaded) ([]item, time.Time, diag.List, error) {
	cfg := s.cfg
	loc, _ := time.LoadLocation(cfg.Podcast.Timezone)
	clock := parseClock(cfg.Podcast.PublishTime)
	tmpl, _ := cfg.MediaTemplate()
	r := s.reader
	offset := secondsToDuration(cfg.Media.AudioOffset)

	var (
		items   []item
		diags   diag.List
		nextDue time.Time
		guids   = guidSet{}
	)
	lens := s.state.lengths
	for i, l := range eps {
		if i%checkEvery == 0 && ctx.Err() != nil {
			return nil, time.Time{}, nil, ctx.Err()
		}
		diags = append(diags, l.diags...)
		if l.ep == nil {
			// Bad input loses nothing: a published episode whose file is
			// now broken stays in the feed as it last was.
			good := s.state.lastGood(l.slug)
			if good == nil {
				continue
			}
			prev := &loaded{name: l.name, slug: l.slug, data: good}
			prev.parse(r, offset)
			if prev.ep == nil {
				continue
			}
			if err := prev.keep(s.spool); err != nil {
				return nil, time.Time{}, nil, err
			}
			diags = append(diags, keptLastGood(l))
			l = prev
		}
		ep := l.ep
		if !ep.Published || ep.IsNext {
			continue
		}
		pub := ep.PubDate(loc, clock)
		if pub.After(s.now) {
			if nextDue.IsZero() || pub.Before(nextDue) {
				nextDue = pub
			}
			continue
		}
		guid, dupe := guids.claim(l)
		if dupe != nil {
			dupe.Message += "; this episode is left out"
			diags = append(diags, *dupe)
			continue
		}
		enc, d := s.enclosure(ctx, l, tmpl, lens)
		diags = append(diags, d...)
		it := item{slug: l.slug, name: l.name, text: l.text, guid: guid, title: ep.Title, pubDate: pub, enclosure: enc}
		diags = append(diags, s.tagAudio(ctx, &it, l)...)
		diags = append(diags, s.transcriptDiags(l)...)
		items = append(items, it)
	}
	return items, nextDue, diags, nil
}

// url joins base_url and path elements.
func (s *show) url(elem ...string) string {
	return s.cfg.Podcast.URL(elem...)
}

// enclosure finds the audio URL, length and type of an episode.
func (s *show) enclosure(ctx context.Context, l *loaded, tmpl *template.Template, lens *lengths) (feed.Enclosure, diag.List) {
	ep := l.ep
	var diags diag.List
	enc := feed.Enclosure{URL: ep.Audio, Length: ep.AudioLength, Type: ep.AudioType}
	if enc.URL == "" {
		var b strings.Builder
		err := tmpl.Execute(&b, config.TemplateData{Slug: l.slug, Number: ep.Number, Title: ep.Title,
			Date: ep.PubDate(time.UTC, 0), YouTubeID: ep.YouTubeID, BaseURL: strings.TrimSuffix(s.cfg.Podcast.BaseURL, "/")})
		if err != nil {
			diags = append(diags, diag.Diagnostic{File: l.name, Severity: diag.Error, Message: fmt.Sprintf("media.url_template fails for this episode: %v", err)})
		}
		enc.URL = b.String()
	}
	if enc.Length == 0 {
		if f, ok := s.mediaFile(l.slug); ok {
			enc.Length = f.size
			if enc.Type == "" {
				enc.Type = audioTypes[f.ext]
			}
		}
	}
	if enc.Length == 0 {
		if r, ok := lens.get(enc.URL); ok {
			enc.Length = r.Length
			if enc.Type == "" {
				enc.Type = r.Type
			}
		} else if !s.opt.Offline && s.opt.HTTPClient != nil {
			r, err := head(ctx, s.opt.HTTPClient, enc.URL, s.cfg.Media.HeadTimeout)
			if err == nil {
				r.Checked = s.now
				lens.put(enc.URL, r)
				enc.Length = r.Length
				if enc.Type == "" {
					enc.Type = r.Type
				}
			} else {
				s.log.Warn("cannot learn the audio file's length", "episode", l.slug, "url", enc.URL, "error", err)
			}
		}
	}
	if enc.Length == 0 {
		diags = append(diags, unknownLength(l))
	}
	if enc.Type == "" {
		enc.Type = typeOf(enc.URL, s.cfg.Media.Type)
	}
	return enc, diags
}

// keptLastGood says, at the line of the file's first error, that the
// feed keeps the episode as it was last published.
func keptLastGood(l *loaded) diag.Diagnostic {
	line := 1
	if i := slices.IndexFunc(l.diags, func(d diag.Diagnostic) bool { return d.Severity == diag.Error }); i >= 0 && l.diags[i].Line > 0 {
		line = l.diags[i].Line
	}
	return diag.Diagnostic{File: l.name, Line: line, Severity: diag.Warning,
		Message: "the feed keeps this episode's last published version until the file is fixed",
		Hint:    fmt.Sprintf("fix the error at line %d; subscribers see no change meanwhile", line)}
}

func unknownLength(l *loaded) diag.Diagnostic {
	return diag.Diagnostic{File: l.name, Line: l.ep.KeyLine("audio"), Severity: diag.Warning,
		Message: "the audio file's length is unknown; the enclosure says 0 bytes, which some apps reject",
		Hint:    "add audio_length (bytes) to the front matter, put the file in media.dir, or run a build online so castfeed can ask the server"}
}

func parseClock(s string) time.Duration {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
}

// guidSet hands out guids: the front matter's guid, else the file's slug,
// never the title (a retitled episode must not look new to apps).
type guidSet map[string]string // guid → file that has it

// claim returns l's guid, and an error if another file has it already.
func (g guidSet) claim(l *loaded) (string, *diag.Diagnostic) {
	guid := l.ep.GUID
	if guid == "" {
		guid = l.slug
	}
	if other, dup := g[guid]; dup {
		return guid, &diag.Diagnostic{File: l.name, Line: l.ep.KeyLine("guid"), Severity: diag.Error,
			Message: fmt.Sprintf("guid %q is already used by %s", guid, other),
			Hint:    "give each episode its own guid, or remove the guid key to use the file name"}
	}
	g[guid] = l.name
	return guid, nil
}
