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
	"strings"
	"sync/atomic"
	"time"

	"github.com/castfeed/castfeed/diag"
	"github.com/castfeed/castfeed/episode"
	"github.com/castfeed/castfeed/feed"
	"github.com/castfeed/castfeed/internal/config"
	"github.com/castfeed/castfeed/internal/publish"
)

// Options are the inputs of one refresh besides the show's files.
type Options struct {
	Config      *config.Config
	Offline     bool // no network: no HTTP HEAD, no YouTube
	Force       bool // publish even if the safety checks refuse
	Logger      *slog.Logger
	HTTPClient  *http.Client
	Transcripts Transcripts // nil: no transcripts
	// YouTubeAudio downloads videos' audio when media.youtube is on; nil
	// means the transcripts' YouTube client (or one built from the config).
	YouTubeAudio AudioDownloader
	// Progress, if not nil, is called as episode files are read.
	Progress func(done, total int)
	Now      func() time.Time
	Version  string
	// Target is where the output folder is published once it holds the
	// new version; nil opens the one output.target names (OpenTarget),
	// with the storage keys from Getenv (nil: os.Getenv). DryRun has it
	// only plan.
	Target publish.Target
	Getenv func(string) string
	DryRun bool
	// WorkDir is the folder file names in diagnostics are relative to
	// (the current directory, as go vet does, so that editors and CI
	// problem matchers open them); "" names them relative to the
	// episodes folder's parent.
	WorkDir string
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
	// Publish is what publishing to Options.Target did; nil without one.
	Publish *publish.Report
	// Audio counts episodes by tagged-audio outcome (tagged, cached,
	// failed); empty without local MP3/M4A files.
	Audio map[string]int
	// YouTubeAudio counts episodes by download outcome (downloaded,
	// cached, deferred, blocked…); empty unless media.youtube is on.
	YouTubeAudio map[string]int
}

// ErrRefused is returned when publishing would harm subscribers (lost
// episodes, changed guids); --force overrides it.
var ErrRefused = errors.New("refresh refused")

// Run performs one refresh. It is long because it is the refresh itself,
// read top to bottom: each stage is a call (read, transcripts, items,
// safety, publish, state), and what stays here is the order of the stages
// and what each failure means for the published feed, which a reader
// should see in one place.
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
	defer st.goods.close()
	media, err := mediaFiles(cfg.Media.Dir)
	if err != nil {
		return nil, err
	}

	inputs, err := inputsDigest(ctx, opt, media)
	if err != nil {
		return nil, err
	}
	fp := fingerprint(inputs, opt)
	if st.build.upToDate(fp, cfg.Output.Dir, now(), opt.Transcripts != nil && !opt.Offline, cfg.Media.YouTube && !opt.Offline) {
		res.UpToDate = true
		res.Published = st.build.Published
		log.Info("nothing changed since the last build", "episodes", res.Published)
		return res, syncTarget(ctx, opt, log, res, true)
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
	sp, err := openSpool(cfg.State.Dir)
	if err != nil {
		return nil, err
	}
	defer sp.close()
	salt, err := itemSalt(opt)
	if err != nil {
		return nil, err
	}
	reads := openReadCache(cfg.State.Dir, salt)
	defer reads.close()
	eps, err := loadAll(ctx, reader, cfg, files, displayName(cfg.Episodes.Dir, opt.WorkDir), opt.Progress, sp, reads)
	if err != nil {
		return nil, err
	}
	reads.forget()
	log.Debug("episode files read", "files", len(files), "parsed", len(files)-int(reads.hits.Load()))
	s := &show{opt: opt, cfg: cfg, log: log, now: now(), state: st, reader: reader, media: media,
		salt: salt, cache: openItemCache(cfg.State.Dir), spool: sp}
	defer s.cache.close()
	s.cachePublished = s.cache.published(outputStamp(cfg.Output.Dir))
	var transcriptsDue time.Time
	if opt.Transcripts != nil {
		s.transcripts, transcriptsDue = s.syncTranscripts(ctx, eps)
		res.Transcripts = s.outcomes
		if err := ctx.Err(); err != nil {
			return res, err
		}
	}
	lap("read")
	var audioDue time.Time
	items, nextDue, diags, err := s.items(ctx, eps)
	if err != nil {
		return res, err
	}
	lap("items")
	withdrawn, err := s.checkSafety(items, eps)
	diags = append(append(cfg.Warnings(), diags...), withdrawn...)
	res.Diagnostics = diags
	res.Published = len(items)
	res.Audio = s.audioCounts()
	res.YouTubeAudio, audioDue = s.youtubeCounts()
	logProblems(ctx, log, diags, eps)
	if err != nil {
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
	// The last good texts (a zip of every episode file, rewritten when
	// one changed: 0.1 s at 10,000 episodes) are kept while the rest of
	// the state is saved; neither reads what the other writes.
	kept := make(chan error, 1)
	go func() { kept <- st.keepLastGood(ctx, items, sp) }()
	saved := errors.Join(st.save(), s.audio.save(), s.youtube.save(), reads.save(), s.pages.save(cfg.State.Dir))
	stamp := outputStamp(cfg.Output.Dir)
	cached := s.cache.commit(stamp)
	if err := <-kept; ctx.Err() != nil {
		// Published, but not remembered: the next refresh builds again.
		return res, ctx.Err()
	} else if err != nil {
		log.Warn("cannot keep the last good versions of the episodes", "error", err)
	}
	if saved != nil {
		return res, fmt.Errorf("save state: %w", saved)
	}
	if cached != nil {
		log.Warn("cannot keep the encoded items for the next refresh", "error", cached)
	}
	lap("state")
	// The fingerprint is taken again now that transcripts and lengths are
	// saved, so that the next refresh finds exactly these inputs; the
	// episode files count as they were before reading (inputsDigest).
	fp = fingerprint(inputs, opt)
	st.build = buildRecord{Inputs: fp, Output: stamp, NextDue: nextDue,
		TranscriptsDue: transcriptsDue, AudioDue: audioDue, Published: len(items)}
	if err := st.saveBuild(); err != nil {
		return res, fmt.Errorf("save state: %w", err)
	}
	return res, syncTarget(ctx, opt, log, res, false)
}

// logProblems logs the problems of the files read anew by this refresh
// (all of them in a cold build), each with the file:line: severity:
// message; hint text lint prints, and counts those of unchanged files in
// one line: a realistic show of 10,000 episodes has 17,000, the same
// every night, which buried what changed and took a tenth of a one-edit
// refresh to log.
func logProblems(ctx context.Context, log *slog.Logger, diags diag.List, eps []*loaded) {
	unchanged := map[string]bool{}
	for _, l := range eps {
		if !l.parsed {
			unchanged[l.name] = true
		}
	}
	old, oldFiles := 0, map[string]bool{}
	for _, d := range diags {
		if unchanged[d.File] {
			old++
			oldFiles[d.File] = true
			continue
		}
		lvl := slog.LevelWarn
		if d.Severity == diag.Error {
			lvl = slog.LevelError
		}
		log.Log(ctx, lvl, "episode problem", "diagnostic", d.String())
	}
	if old > 0 {
		log.Warn("problems in files unchanged since the last build", "problems", old, "files", len(oldFiles),
			"hint", "castfeed lint lists them all")
	}
}

// displayName returns how a file is named in messages: relative to
// workDir (its absolute path when that is shorter, as go vet does), or,
// without a workDir, relative to the episodes folder's parent.
func displayName(dir, workDir string) func(string) string {
	if workDir == "" {
		parent := filepath.Dir(filepath.Clean(dir))
		return func(p string) string {
			if rel, err := filepath.Rel(parent, p); err == nil {
				return filepath.ToSlash(rel)
			}
			return p
		}
	}
	// filepath.Abs asks for the working folder each time, two stat calls
	// a file: it is asked once.
	cwd, cwdErr := os.Getwd()
	return func(p string) string {
		abs := p
		if !filepath.IsAbs(p) {
			if cwdErr != nil {
				return filepath.ToSlash(p)
			}
			abs = filepath.Join(cwd, p)
		}
		if rel, err := filepath.Rel(workDir, abs); err == nil && len(rel) <= len(abs) {
			return filepath.ToSlash(rel)
		}
		return filepath.ToSlash(abs)
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
	transcripts map[string]*episodeTranscript
	outcomes    map[string]int
	pages       *pages     // nil: no site (site.enabled off)
	media       mediaIndex // media.dir, listed once; nil until then
	salt        [32]byte   // see itemSalt
	cache       *itemCache // encoded items; nil: none
	encoded     atomic.Int64
	audio       *audioCache   // tagged copies of local audio (audio.go); nil until needed
	youtube     *youtubeAudio // downloads of videos' audio (youtube_audio.go); nil until needed
	// cachePublished: the output folder is the one the item cache was
	// committed with, so a cached item's files are published as they are.
	cachePublished bool
	spool          *spool // the episodes' texts (see loadAll)
}

// publish writes the output folder.
func (s *show) publish(ctx context.Context, items []item) (bool, error) {
	tx, err := publish.Begin(s.cfg.Output.Dir)
	if err != nil {
		return false, err
	}
	committed := false
	defer func() {
		switch {
		case committed: // Commit finished the publication, whatever it returned
		case ctx.Err() != nil:
			// Stopping must not wait for the staging folder to be
			// deleted; the next refresh's Begin removes it.
			tx.Abandon()
		default:
			tx.Abort()
		}
	}()
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
	changed, err := tx.Commit()
	committed = true
	return changed, err
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
