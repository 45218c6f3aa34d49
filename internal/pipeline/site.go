package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/castfeed/castfeed/chapters"
	"github.com/castfeed/castfeed/episode"
	"github.com/castfeed/castfeed/feed"
	"github.com/castfeed/castfeed/internal/atomicfile"
	"github.com/castfeed/castfeed/internal/publish"
	"github.com/castfeed/castfeed/site"
	"github.com/castfeed/castfeed/transcript"
)

// pages writes the show's web pages (site.enabled) during one refresh:
// each episode's pages as the episode is written, on every core, and the
// show's pages, which list every episode, once all are.
type pages struct {
	site    *site.Site
	mu      sync.Mutex
	entries []site.Entry
	digests [][sha256.Size]byte // of the archive pages written, oldest first
}

// pagesFile, in the state folder, holds the digests of the archive pages
// the last build published, a line each in hex, oldest first.
const pagesFile = "pages"

func readPageDigests(stateDir string) [][sha256.Size]byte {
	data, err := os.ReadFile(filepath.Join(stateDir, pagesFile))
	if err != nil {
		return nil
	}
	var out [][sha256.Size]byte
	for line := range strings.Lines(string(data)) {
		var d [sha256.Size]byte
		if n, err := hex.Decode(d[:], []byte(strings.TrimSuffix(line, "\n"))); err != nil || n != len(d) {
			return nil
		}
		out = append(out, d)
	}
	return out
}

// save keeps the digests of the pages published, for the next build.
func (p *pages) save(stateDir string) error {
	if p == nil {
		return nil
	}
	var b []byte
	for _, d := range p.digests {
		b = append(hex.AppendEncode(b, d[:]), '\n')
	}
	return atomicfile.WriteBytes(filepath.Join(stateDir, pagesFile), b)
}

// startSite prepares the site's writer; with site.enabled off, s.pages
// stays nil and nothing of the site is written.
func (s *show) startSite() error {
	if !s.cfg.Site.Enabled {
		return nil
	}
	c := s.cfg.Site
	p := s.podcast()
	w, err := site.New(site.Show{
		Title: p.Title, Description: p.Description, Language: p.Language,
		BaseURL: s.cfg.Podcast.BaseURL, FeedURL: p.FeedURL, Image: p.Image,
		Author: p.Author, Copyright: p.Copyright, Link: s.cfg.Podcast.Link,
		Subscribe: site.Directories{ApplePodcasts: c.ApplePodcasts, Spotify: c.Spotify, PocketCasts: c.PocketCasts,
			Overcast: c.Overcast, AntennaPod: c.AntennaPod, YouTube: c.YouTube},
	})
	if err != nil {
		return err
	}
	s.pages = &pages{site: w}
	return nil
}

// showLink is the channel's <link>: podcast.link, else the site.
func (s *show) showLink() string {
	if s.cfg.Podcast.Link == "" && s.cfg.Site.Enabled {
		return s.url("index.html")
	}
	return s.cfg.Podcast.Link
}

// episodePages returns an episode's page and embed, and points the feed
// item's <link> at the page (its YouTube video is linked from there). t
// is the episode's transcript, shifted by its audio offset; nil for none.
func (s *show) episodePages(it *item, ep *episode.Episode, fi *feed.Item, cs []chapters.Chapter, t *transcript.Transcript) ([]outFile, error) {
	if s.pages == nil {
		return nil, nil
	}
	// index.html by name: object storage behind a CDN serves no folder.
	fi.Link = s.url("episodes", it.slug, "index.html")
	page := &site.Episode{
		Slug: it.slug, Title: fi.Title, PubDate: fi.PubDate,
		Duration: fi.Duration, Summary: fi.Summary, NotesHTML: fi.ContentHTML, Image: fi.Image,
		AudioURL: fi.Enclosure.URL, AudioType: fi.Enclosure.Type, YouTube: ep.YouTube,
		Guests: people(ep.Guests), Hosts: people(ep.Hosts),
	}
	page.Chapters = make([]site.Chapter, len(cs))
	for i, c := range cs {
		page.Chapters[i] = site.Chapter{Start: c.Start, Title: c.Title, URL: c.URL}
	}
	if t != nil {
		// The captions are in the language spoken: the page's.
		if t.Language != "" && len(t.Cues) > 0 {
			page.Language = t.Language
		}
		page.Cues = cues(t, append(page.Guests, page.Hosts...))
	}
	if len(cs) > 0 {
		page.Downloads = append(page.Downloads,
			site.Download{Label: "Chapters (JSON)", URL: "chapters.json", Type: "application/json+chapters"},
			site.Download{Label: "Chapters (WebVTT)", URL: "chapters.vtt", Type: "text/vtt"})
	}
	// The files beside the page, linked relatively like the rest of the
	// site.
	for _, t := range fi.Transcripts {
		name := t.URL[strings.LastIndexByte(t.URL, '/')+1:]
		page.Downloads = append(page.Downloads, site.Download{Label: "Transcript (" + formatNames[path.Ext(name)] + ")", URL: name, Type: t.Type})
	}
	files := s.pages.site.EpisodePages(page)
	entry, err := s.pages.site.Entry(page).MarshalBinary()
	if err != nil {
		return nil, err
	}
	out := make([]outFile, len(files), len(files)+1)
	for i, f := range files {
		// Episode files are written under episodes/<slug>/.
		out[i] = outFile{name: f.Name[strings.LastIndexByte(f.Name, '/')+1:], data: f.Data}
	}
	return append(out, outFile{name: entryFile, data: entry}), nil
}

// entryFile carries, among an episode's files, how the show's pages list
// it (site.Entry.MarshalBinary): the item cache keeps it with the pages,
// so an episode that is not encoded again is still listed. It is never
// published (takeEntry).
const entryFile = ".site-entry"

// takeEntry records the show's-page entry among an item's files, with
// the item's key; the entry is not published (writeEpisode leaves it
// out).
func (s *show) takeEntry(p *pieces) {
	i := slices.IndexFunc(p.files, func(f outFile) bool { return f.name == entryFile })
	if i < 0 || s.pages == nil {
		return
	}
	var e site.Entry
	if err := e.UnmarshalBinary(p.files[i].data); err == nil {
		e.Key = p.key
		s.pages.mu.Lock()
		s.pages.entries = append(s.pages.entries, e)
		s.pages.mu.Unlock()
	}
}

// formatNames name the transcript formats for people.
var formatNames = map[string]string{".vtt": "WebVTT", ".srt": "SubRip", ".json": "JSON", ".html": "HTML"}

// writeSite writes the show's pages and the site's assets, once every
// episode's pages are written.
func (s *show) writeSite(tx *publish.Tx) error {
	if s.pages == nil {
		return nil
	}
	// An archive page whose digest is the one the last build published
	// is kept as it is, unrendered, while the folder is that build's.
	last := readPageDigests(s.cfg.State.Dir)
	keep := func(name string, d [sha256.Size]byte) bool {
		k, _ := strconv.Atoi(strings.Split(name, "/")[1])
		if !s.cachePublished || k < 1 || k > len(last) || last[k-1] != d {
			return false
		}
		kept, err := tx.Keep(name)
		return kept && err == nil
	}
	files, digests, err := s.pages.site.ShowPages(s.pages.entries, keep)
	if err != nil {
		return err
	}
	s.pages.digests = digests
	for _, f := range append(s.pages.site.Assets(), files...) {
		if err := tx.WriteFile(f.Name, f.Data); err != nil {
			return err
		}
	}
	return nil
}

func people(ps []episode.Person) []site.Person {
	out := make([]site.Person, len(ps))
	for i, p := range ps {
		out[i] = site.Person{Name: p.Name, URL: p.URL}
	}
	return out
}

// cues turns a transcript into the page's cues. A cue that starts with
// the name of one of the episode's people and a colon ("Salma: …") has
// that person as its speaker; YouTube's captions carry no other mark of
// who speaks that survives their parsing.
func cues(t *transcript.Transcript, speakers []site.Person) []site.Cue {
	out := make([]site.Cue, len(t.Cues))
	for i, c := range t.Cues {
		out[i] = site.Cue{Start: c.Start, End: c.End, Text: c.Text}
		name, rest, ok := strings.Cut(c.Text, ": ")
		if !ok || len(name) > 60 {
			continue
		}
		for _, p := range speakers {
			first, _, _ := strings.Cut(p.Name, " ")
			if name == p.Name || name == first {
				out[i].Speaker, out[i].Text = name, strings.TrimSpace(rest)
				break
			}
		}
	}
	return out
}
