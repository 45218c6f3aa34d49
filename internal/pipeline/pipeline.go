// Package pipeline is one refresh of the show: read the episode files, make
// chapters and transcripts, build the feed, and publish the output folder
// atomically. `castfeed build`, the scheduler of `castfeed serve` and
// `castfeed lint` (through Check) all go through here.
//
// The partial-failure policy lives here: a broken episode file is reported
// and skipped (or, if it was published before, its last good version is
// kept); a refresh that would drop published episodes or change their guid
// is refused; a failed refresh leaves the published folder as it was.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/castfeed/castfeed/chapters"
	"github.com/castfeed/castfeed/diag"
	"github.com/castfeed/castfeed/episode"
	"github.com/castfeed/castfeed/feed"
	"github.com/castfeed/castfeed/internal/config"
	"github.com/castfeed/castfeed/internal/publish"
	"github.com/castfeed/castfeed/transcript"
)

// Options are the inputs of one refresh besides the show's files.
type Options struct {
	Config *config.Config
	// ConfigDigest identifies the config file's bytes; a change forces a
	// rebuild even when no episode changed.
	ConfigDigest string
	Offline      bool // no network: no HTTP HEAD, no YouTube
	Force        bool // publish even if the safety checks refuse
	Logger       *slog.Logger
	HTTPClient   *http.Client
	Transcripts  Transcripts // nil: no transcripts
	// Progress, if not nil, is called as episode files are read.
	Progress func(done, total int)
	Now      func() time.Time
	Version  string
}

// Result says what a refresh did.
type Result struct {
	Files       int       // episode files found
	Published   int       // items in the feed
	Diagnostics diag.List // problems found in the show's files
	Changed     bool      // the output folder was replaced
	UpToDate    bool      // nothing changed since the last build; no work done
	// Transcripts counts episodes by transcript outcome (fetched, cached,
	// blocked…); empty without transcripts.
	Transcripts map[string]int
}

// ErrRefused is returned when publishing would harm subscribers (lost
// episodes, changed guids); --force overrides it.
var ErrRefused = errors.New("refresh refused")

// Run performs one refresh.
func Run(ctx context.Context, opt Options) (*Result, error) {
	cfg := opt.Config
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	files, err := listEpisodes(cfg.Episodes.Dir)
	if err != nil {
		return nil, err
	}
	res := &Result{Files: len(files)}

	st := openState(cfg.State.Dir)
	if err := st.load(); err != nil {
		return nil, err
	}

	inputs, err := inputsDigest(opt)
	if err != nil {
		return nil, err
	}
	fp := fingerprint(inputs, opt)
	if st.build.upToDate(fp, cfg.Output.Dir, now(), opt.Transcripts != nil && !opt.Offline) {
		res.UpToDate = true
		res.Published = st.build.Published
		log.Info("nothing changed since the last build", "episodes", res.Published)
		return res, nil
	}

	stage := time.Now()
	// lap logs how long a stage took, for whoever tunes a large show.
	lap := func(name string) {
		log.Debug("build stage", "stage", name, "duration_ms", time.Since(stage).Milliseconds())
		stage = time.Now()
	}
	// Episodes are read without HTML: each one's is rendered when the
	// episode is written (see writeFeeds), never all at once.
	reader := episode.NewReader().WithoutHTML()
	eps, err := loadAll(ctx, reader, cfg, files, displayName(cfg.Episodes.Dir), opt.Progress, true)
	if err != nil {
		return nil, err
	}
	s := &show{opt: opt, cfg: cfg, log: log, now: now(), state: st, reader: reader}
	var transcriptsDue time.Time
	if opt.Transcripts != nil {
		s.transcripts, transcriptsDue = s.syncTranscripts(ctx, eps)
		res.Transcripts = s.outcomes
		if err := ctx.Err(); err != nil {
			return res, err
		}
	}
	lap("read")
	items, nextDue, diags := s.items(ctx, eps)
	lap("items")
	res.Diagnostics = diags
	res.Published = len(items)
	for _, d := range diags {
		lvl := slog.LevelWarn
		if d.Severity == diag.Error {
			lvl = slog.LevelError
		}
		log.Log(ctx, lvl, "episode problem", "file", d.File, "line", d.Line, "problem", d.Message, "hint", d.Hint)
	}

	if err := s.checkSafety(items, files); err != nil {
		if !opt.Force {
			return res, err
		}
		log.Warn("publishing despite the safety check (--force)", "error", err)
	}

	changed, err := s.publish(ctx, items)
	lap("publish")
	if err != nil {
		return res, err
	}
	res.Changed = changed

	// Remember what is published only once it is.
	st.published = map[string]publishedEpisode{}
	for _, it := range items {
		st.published[it.slug] = publishedEpisode{GUID: it.guid, Title: it.title}
	}
	if err := st.keepLastGood(items); err != nil {
		log.Warn("cannot keep the last good versions of the episodes", "error", err)
	}
	if err := st.save(); err != nil {
		return res, fmt.Errorf("save state: %w", err)
	}
	lap("state")
	// The fingerprint is taken again now that transcripts and lengths are
	// saved, so that the next refresh finds exactly these inputs; the
	// episode files count as they were before reading (inputsDigest).
	fp = fingerprint(inputs, opt)
	st.build = buildRecord{Inputs: fp, Output: outputStamp(cfg.Output.Dir), NextDue: nextDue,
		TranscriptsDue: transcriptsDue, Published: len(items)}
	if err := st.saveBuild(); err != nil {
		return res, fmt.Errorf("save state: %w", err)
	}
	return res, nil
}

// displayName returns how a file is named in messages: relative to the
// episodes folder's parent, as volunteers see it in their repository.
func displayName(dir string) func(string) string {
	parent := filepath.Dir(filepath.Clean(dir))
	return func(p string) string {
		if rel, err := filepath.Rel(parent, p); err == nil {
			return filepath.ToSlash(rel)
		}
		return p
	}
}

// show holds what one refresh works with.
type show struct {
	opt         Options
	cfg         *config.Config
	log         *slog.Logger
	now         time.Time
	state       *state
	reader      *episode.Reader // without HTML; see complete
	transcripts map[string]transcript.Result
	outcomes    map[string]int
	pages       *pages // nil: no site (site.enabled off)
}

// item is an episode that goes into the feed, kept small: a show of
// 100,000 episodes holds all of its items at once, so the parse that
// decided it is dropped and complete parses its text again when it is
// written (writeFeeds), one chunk of items at a time.
type item struct {
	slug, name  string
	source      string // the episode's text: parsed again, and kept as the last good version
	guid, title string
	pubDate     time.Time
	enclosure   feed.Enclosure
}

// complete parses the item's text again (it parsed before, so it parses
// now) and returns its whole feed item, HTML rendered, its chapters and
// its transcript files.
func (s *show) complete(it *item) (feed.Item, []chapters.Chapter, []outFile, error) {
	l := &loaded{name: it.name, slug: it.slug, data: []byte(it.source)}
	l.parse(s.reader, secondsToDuration(s.cfg.Media.AudioOffset))
	ep := l.ep
	if ep == nil {
		return feed.Item{}, nil, nil, fmt.Errorf("%s: the episode no longer parses", it.name)
	}
	html, err := s.reader.HTML(ep.Body())
	if err != nil {
		return feed.Item{}, nil, nil, fmt.Errorf("%s: the notes cannot be shown as HTML: %w", it.name, err)
	}
	fi := feed.Item{
		Title:       ep.Title,
		Link:        firstNonEmpty(ep.YouTube, s.cfg.Podcast.Link),
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
	if len(l.chapters) > 0 {
		fi.ChaptersURL = s.url("episodes", it.slug, "chapters.json")
		fi.Chapters = make([]feed.Chapter, len(l.chapters))
		for i, c := range l.chapters {
			fi.Chapters[i] = feed.Chapter{Start: c.Start, Title: c.Title, URL: c.URL}
		}
	}
	for _, p := range ep.Guests {
		fi.Persons = append(fi.Persons, feed.Person{Name: p.Name, Role: "guest", Href: p.URL})
	}
	for _, p := range ep.Hosts {
		fi.Persons = append(fi.Persons, feed.Person{Name: p.Name, Role: "host", Href: p.URL})
	}
	files, tags := s.transcriptFiles(it.slug, ep.Offset(secondsToDuration(s.cfg.Media.AudioOffset)))
	fi.Transcripts = tags
	pages, err := s.episodePages(it, ep, &fi, l.chapters)
	if err != nil {
		return feed.Item{}, nil, nil, err
	}
	return fi, l.chapters, append(files, pages...), nil
}

// items turns loaded episodes into feed items. It returns the earliest
// future publication time (a scheduled episode), so the next refresh after
// it rebuilds even if no file changed.
func (s *show) items(ctx context.Context, eps []*loaded) ([]item, time.Time, diag.List) {
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
	for _, l := range eps {
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
			diags = append(diags, diag.Diagnostic{File: l.name, Severity: diag.Warning,
				Message: "the feed keeps this episode's last published version until the file is fixed"})
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
		it := item{slug: l.slug, name: l.name, source: ep.Source, guid: guid, title: ep.Title, pubDate: pub, enclosure: enc}
		diags = append(diags, s.transcriptDiags(l)...)
		items = append(items, it)
	}
	return items, nextDue, diags
}

// url joins base_url and path elements.
func (s *show) url(elem ...string) string {
	return strings.TrimSuffix(s.cfg.Podcast.BaseURL, "/") + "/" + strings.Join(elem, "/")
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
		if size, ext, ok := mediaFile(s.cfg.Media.Dir, l.slug); ok {
			enc.Length = size
			if enc.Type == "" {
				enc.Type = audioTypes[ext]
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

func unknownLength(l *loaded) diag.Diagnostic {
	return diag.Diagnostic{File: l.name, Line: l.ep.Line("audio"), Severity: diag.Warning,
		Message: "the audio file's length is unknown; the enclosure says 0 bytes, which some apps reject",
		Hint:    "add audio_length (bytes) to the front matter, put the file in media.dir, or run a build online so castfeed can ask the server"}
}

// publish writes the output folder.
func (s *show) publish(ctx context.Context, items []item) (bool, error) {
	tx, err := publish.Begin(s.cfg.Output.Dir)
	if err != nil {
		return false, err
	}
	defer tx.Abort()
	if img := s.cfg.Podcast.Image; img != "" && !strings.Contains(img, "://") {
		data, err := os.ReadFile(img)
		if err != nil {
			return false, fmt.Errorf("podcast.image: %w; put the cover image there or give its URL", err)
		}
		if err := tx.WriteFile(filepath.Base(img), data); err != nil {
			return false, err
		}
	}
	if err := s.startSite(); err != nil {
		return false, err
	}
	if err := s.writeFeeds(ctx, tx, s.podcast(), items); err != nil {
		return false, err
	}
	if err := s.writeSite(tx); err != nil {
		return false, err
	}
	return tx.Commit()
}

// podcast fills the feed model's channel from the config.
func (s *show) podcast() *feed.Podcast {
	c := s.cfg.Podcast
	p := &feed.Podcast{
		Title:       c.Title,
		Description: c.Description,
		Link:        s.showLink(),
		Language:    c.Language,
		Copyright:   c.Copyright,
		Author:      c.Author,
		FeedURL:     s.url("feed.xml"),
		OwnerName:   c.Owner.Name,
		OwnerEmail:  c.Owner.Email,
		Image:       c.Image,
		Explicit:    c.Explicit,
		Type:        c.Type,
		Locked:      c.Locked,
		LockedOwner: c.Owner.Email,
		Generator:   "castfeed " + s.opt.Version,
		Hubs:        c.WebSubHubs,
	}
	if c.Image != "" && !strings.Contains(c.Image, "://") {
		p.Image = s.url(filepath.Base(c.Image))
	}
	for _, cat := range c.Categories {
		p.Categories = append(p.Categories, feed.Category{Name: cat.Name, Sub: cat.Subcategories})
	}
	return p
}

// checkSafety refuses a feed that would hurt subscribers: an episode that
// was published changing its guid (apps would download it again), a
// published episode vanishing although its file still exists, or more
// than serve.max_shrink of the published episodes vanishing at once.
func (s *show) checkSafety(items []item, files []string) error {
	prev := s.state.published
	if len(prev) == 0 {
		return nil
	}
	now := map[string]item{}
	for _, it := range items {
		now[it.slug] = it
	}
	exists := map[string]bool{}
	for _, f := range files {
		exists[strings.TrimSuffix(filepath.Base(f), ".md")] = true
	}
	var problems []string
	vanished := 0
	slugs := make([]string, 0, len(prev))
	for slug := range prev {
		slugs = append(slugs, slug)
	}
	slices.Sort(slugs)
	for _, slug := range slugs {
		p := prev[slug]
		it, ok := now[slug]
		switch {
		case ok && it.guid != p.GUID:
			problems = append(problems, fmt.Sprintf("episode %s would change its guid from %q to %q: every app would download it again; restore guid: %s in its front matter", slug, p.GUID, it.guid, p.GUID))
		case !ok && exists[slug]:
			problems = append(problems, fmt.Sprintf("episode %s (%q) was published and its file still exists, but it would leave the feed (published: false, isNext, a future date or a broken file)", slug, p.Title))
		case !ok:
			vanished++
		}
	}
	if limit := s.cfg.Serve.MaxShrink * float64(len(prev)); float64(vanished) > limit {
		problems = append(problems, fmt.Sprintf("%d of %d published episodes would vanish (their files are gone), more than serve.max_shrink (%.0f%%)", vanished, len(prev), s.cfg.Serve.MaxShrink*100))
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s; the published feed is kept; if this is intended, run again with --force", ErrRefused, strings.Join(problems, "; "))
}

func parseClock(s string) time.Duration {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
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
		return guid, &diag.Diagnostic{File: l.name, Line: l.ep.Line("guid"), Severity: diag.Error,
			Message: fmt.Sprintf("guid %q is already used by %s", guid, other),
			Hint:    "give each episode its own guid, or remove the guid key to use the file name"}
	}
	g[guid] = l.name
	return guid, nil
}
