package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/castfeed/castfeed/chapters"
	"github.com/castfeed/castfeed/diag"
	"github.com/castfeed/castfeed/episode"
	"github.com/castfeed/castfeed/internal/config"
	"github.com/castfeed/castfeed/internal/rawfile"
)

// loaded is one episode file after reading: the parsed episode (nil when
// the file cannot be published) and its repaired chapters.
type loaded struct {
	name     string // file name as shown in messages
	slug     string
	data     []byte // the file's bytes, until parsed
	text     text   // the episode's text, in the build's spool (see loadAll)
	ep       *episode.Episode
	chapters []chapters.Chapter
	diags    diag.List
	parsed   bool // read anew, not from the read cache
}

// listEpisodes returns the .md files of dir, sorted. README.md and files
// starting with "." or "_" are not episodes.
func listEpisodes(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read episodes folder: %w; check episodes.dir in the config", err)
	}
	var names []string
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".md") || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_") || strings.EqualFold(n, "README.md") {
			continue
		}
		names = append(names, filepath.Join(dir, n))
	}
	slices.Sort(names)
	return names, nil
}

// loadAll reads and parses files on every core. The result keeps the
// order of files. progress, if not nil, is told each finished file. Each
// loaded episode keeps only what choosing the feed's items needs (see
// loaded.keep), and its text goes to sp; without a spool (lint, which
// needs no text afterwards) the text is dropped. With a read cache (nil:
// none), a file read as it was last time is not parsed again.
func loadAll(ctx context.Context, r *episode.Reader, cfg *config.Config, files []string, display func(string) string, progress func(done, total int), sp *spool, rc *readCache) ([]*loaded, error) {
	offset := secondsToDuration(cfg.Media.AudioOffset)
	out := make([]*loaded, len(files))
	var (
		wg      sync.WaitGroup
		next    = make(chan int)
		mu      sync.Mutex
		done    int
		spooled error // the first failure to keep a text
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				l, err := loadOne(r, files[i], display(files[i]), offset, sp, rc)
				out[i] = l
				if err == nil {
					err = l.keep(sp)
				}
				if progress != nil || err != nil {
					mu.Lock()
					done++
					if progress != nil {
						progress(done, len(files))
					}
					if spooled == nil {
						spooled = err
					}
					mu.Unlock()
				}
			}
		})
	}
	var err error
feed:
	for i := range files {
		select {
		case next <- i:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err == nil {
		err = spooled
	}
	return out, err
}

// loadOne reads one file, keeps its text in sp (nil: nowhere) and parses
// it, unless rc has what parsing it found. The error is the spool's; a
// file that cannot be read is a diagnostic.
func loadOne(r *episode.Reader, path, name string, defaultOffset time.Duration, sp *spool, rc *readCache) (*loaded, error) {
	l := &loaded{name: name, slug: strings.TrimSuffix(filepath.Base(path), ".md")}
	var st fileSeen
	if rc != nil && sp != nil {
		fi, err := os.Stat(path) // a link's target: its bytes are what is read
		if err == nil && rc.restoreByStat(l, path, fi) {
			return l, nil
		}
		if err == nil {
			st = statOf(fi) // before reading: a later change shows as another stat
		}
	}
	data, err := rawfile.Read(path)
	if err != nil {
		l.diags = diag.List{{File: name, Severity: diag.Error, Message: fmt.Sprintf("cannot read the file: %v", err), Hint: "check its permissions"}}
		l.parsed = true // its problem is news each time
		return l, nil
	}
	if sp != nil {
		// The file as it is: parsing it again (show.complete) or keeping
		// it as the last good version starts from its bytes.
		if l.text, err = sp.put(data); err != nil {
			return l, err
		}
	}
	if rc.restore(l, st) {
		return l, nil
	}
	l.data = data
	l.parse(r, defaultOffset)
	l.parsed = true
	rc.remember(l, st)
	return l, nil
}

// parse fills ep, chapters and diags from data.
func (l *loaded) parse(r *episode.Reader, defaultOffset time.Duration) {
	ep, diags := r.Parse(l.name, l.data)
	l.ep, l.diags, l.data = ep, diags, nil // ep.Source has the text
	if ep == nil {
		return
	}
	cs, cd := Chapters(ep, ep.Offset(defaultOffset))
	l.chapters = cs
	ep.Notes = nil // the chapters are made: a large show need not keep the notes too
	l.diags = append(l.diags, cd.InFile(l.name)...)
}

// Chapters builds an episode's chapters from its notes, with the audio
// offset applied; the diagnostics have no File. A build and `castfeed
// chapters` both make them here.
func Chapters(ep *episode.Episode, offset time.Duration) ([]chapters.Chapter, diag.List) {
	notes := make([]chapters.Note, len(ep.Notes))
	for i, n := range ep.Notes {
		notes[i] = chapters.Note{Line: n.Num, Text: n.Text}
	}
	return chapters.Build(notes, chapters.Options{Duration: ep.Duration, Offset: offset})
}

// keep puts the episode's text in sp (nil: nowhere) unless it is there
// already, and forgets what only writing the episode needs, which the
// build parses again from the text then (show.complete): a show of
// 100,000 episodes holds every loaded episode until its items are
// chosen. The episode's diagnostics are kept.
func (l *loaded) keep(sp *spool) error {
	l.chapters = nil
	if l.ep == nil {
		return nil
	}
	var err error
	if sp != nil && !l.text.known() {
		l.text, err = sp.put([]byte(l.ep.Source))
	}
	l.ep.Detach()
	return err
}

// source returns the episode's text: the spool's, or the episode's own
// when it was read without a spool.
func (l *loaded) source(sp *spool) (string, error) {
	if l.text.known() {
		return sp.get(l.text)
	}
	return l.ep.Source, nil
}

func secondsToDuration(s float64) time.Duration {
	return time.Duration(s * float64(time.Second))
}
