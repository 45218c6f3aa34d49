package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"runtime"
	"slices"
	"time"

	"github.com/castfeed/castfeed/chapters"
	"github.com/castfeed/castfeed/feed"
	"github.com/castfeed/castfeed/internal/publish"
)

// feedFiles are the three feeds, in the order of their formats.
var feedFiles = [...]struct {
	name   string
	format feed.Format
}{{"feed.xml", feed.RSS}, {"feed.atom", feed.Atom}, {"feed.json", feed.JSON}}

// chunkSize is how many items a worker encodes at a time: enough to make
// handing out work cheap, few enough that the chunks in flight stay small.
const chunkSize = 64

// chunk is the encoded feeds of chunkSize consecutive items.
type chunk struct {
	feeds   [len(feedFiles)][]byte
	scratch []byte // the head of the item record being read (itemCache.read)
	// The last build's record of an item encoded again, read to compare
	// its files (markPublished): the first build after an upgrade reads
	// every record, 2.5 GB at 100,000 episodes, which allocated anew made
	// the collector's work grow faster than the show.
	oldHead, oldTail []byte
}

// writeFeeds writes the three feeds, their archive pages (see
// feedPages) and every episode's files.
func (s *show) writeFeeds(ctx context.Context, tx *publish.Tx, p *feed.Podcast, items []item) error {
	slices.SortStableFunc(items, func(a, b item) int {
		return feed.Order(&feed.Item{PubDate: a.pubDate, GUID: a.guid}, &feed.Item{PubDate: b.pubDate, GUID: b.guid})
	})
	for _, pg := range s.feedPages(items) {
		if err := s.writePage(ctx, tx, p, pg); err != nil {
			return err
		}
	}
	s.log.Debug("feeds encoded", "items", len(items), "encoded", s.encoded.Load())
	return ctx.Err()
}

// writePage writes one document in the three formats, and its items'
// files. Items are encoded in chunks on every core while this goroutine
// appends the finished chunks, in feed order, to the files (see
// ordered): the feeds are never whole in memory (a 100,000-episode
// show's RSS alone is 340 MB), and the encoding, the slowest part of a
// build, is not left to one core. An item whose pieces are in the item
// cache is not encoded again.
func (s *show) writePage(ctx context.Context, tx *publish.Tx, p *feed.Podcast, pg feedPage) error {
	items := pg.items
	var newest time.Time
	if len(items) > 0 {
		newest = items[0].pubDate
	}
	var (
		encs  = make(feed.Encoders, len(feedFiles))
		files [len(feedFiles)]*publish.File
	)
	defer func() {
		for _, f := range files {
			if f != nil {
				f.Close()
			}
		}
	}()
	for i, ff := range feedFiles {
		doc := p
		if pg.links != nil {
			c := *p
			c.Page = &feed.Page{Self: s.url(pg.names[i]), Links: pg.links(i)}
			doc = &c
		}
		e, err := feed.NewEncoder(ff.format, doc, newest)
		if err != nil {
			return err
		}
		f, err := tx.Create(pg.names[i])
		if err != nil {
			return err
		}
		encs[i], files[i] = e, f
		f.Write(e.Head())
	}
	workers := runtime.GOMAXPROCS(0)
	err := ordered(ctx, (len(items)+chunkSize-1)/chunkSize, workers, 2*workers,
		func(i int, c *chunk) error {
			lo := i * chunkSize
			return s.encodeChunk(ctx, tx, encs, c, items[lo:min(lo+chunkSize, len(items))], lo == 0)
		},
		func(_ int, c *chunk) error {
			for j, f := range files {
				if _, err := f.Write(c.feeds[j]); err != nil {
					return err
				}
			}
			return nil
		})
	if err != nil {
		return err
	}
	for i, f := range files {
		f.Write(encs[i].Tail())
		files[i] = nil
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}

// encodeChunk puts the pieces of items into c, in order, and writes
// their own files; first says items[0] is the feed's first. It looks at
// ctx between items: encoding a chunk can take a second under load.
func (s *show) encodeChunk(ctx context.Context, tx *publish.Tx, encs feed.Encoders, c *chunk, items []item, first bool) error {
	for j := range c.feeds {
		c.feeds[j] = c.feeds[j][:0]
	}
	for k := range items {
		if err := ctx.Err(); err != nil {
			return err
		}
		it := &items[k]
		p, cached, err := s.pieces(tx, encs, it, c)
		if err != nil {
			return err
		}
		for j, f := range p.feeds {
			// JSON items are cached without the comma before them.
			if feedFiles[j].format == feed.JSON && !(first && k == 0) {
				c.feeds[j] = append(c.feeds[j], ',')
			}
			c.feeds[j] = append(c.feeds[j], f...)
		}
		s.takeEntry(p)
		if err := s.writeEpisode(tx, it.slug, p, cached && s.cachePublished); err != nil {
			return err
		}
		if err := s.linkAudio(tx, it); err != nil {
			return err
		}
	}
	return nil
}

// pieces returns an item's pieces from the cache (cached), or encodes
// them (and caches them). A cached item's files are read only when the
// output folder does not hold them as published; a record whose files
// cannot be read is a miss.
func (s *show) pieces(tx *publish.Tx, encs feed.Encoders, it *item, c *chunk) (p *pieces, cached bool, err error) {
	key := s.itemKey(it)
	if p, ok := s.cache.get(it.slug, key, &c.scratch); ok && (s.cachePublished && s.holds(tx, it.slug, p) || p.load() == nil) {
		p.key = key
		return p, true, nil
	}
	fi, cs, files, cacheable, err := s.complete(it)
	if err != nil {
		return nil, false, err
	}
	s.encoded.Add(1)
	p = &pieces{key: key}
	if err := encs.AppendItem(p.feeds[:], fi, true); err != nil {
		return nil, false, fmt.Errorf("%s: %w", it.slug, err)
	}
	if len(cs) > 0 {
		var buf bytes.Buffer
		for _, f := range []struct {
			name  string
			write func(io.Writer, []chapters.Chapter) error
		}{
			{"chapters.json", chapters.WriteJSON},
			{"chapters.vtt", chapters.WriteVTT},
		} {
			buf.Reset()
			if err := f.write(&buf, cs); err != nil {
				return nil, false, fmt.Errorf("%s: %w", it.slug, err)
			}
			p.files = append(p.files, outFile{name: f.name, data: bytes.Clone(buf.Bytes())})
		}
	}
	p.files = append(p.files, files...)
	s.markPublished(it.slug, p, c)
	if !cacheable {
		return p, false, nil
	}
	if err := s.cache.put(it.slug, key, p); err != nil {
		// The cache only saves work; this build's output is complete.
		s.log.Warn("cannot cache an encoded item", "episode", it.slug, "error", err)
	}
	return p, false, nil
}

// markPublished marks the files of an item encoded again that are byte
// for byte the ones the last build published for it, found in its cache
// record rather than read from the output folder: the first build after
// a new castfeed or a config change encodes every item again, and most
// of their 36,000 files (at 10,000 episodes) come out the same.
func (s *show) markPublished(slug string, p *pieces, c *chunk) {
	if !s.cachePublished {
		return
	}
	old, ok := s.cache.previous(slug, &c.oldHead)
	if !ok || old.loadInto(&c.oldTail) != nil {
		return
	}
	for i := range p.files {
		f := &p.files[i]
		j := slices.IndexFunc(old.files, func(o outFile) bool { return o.name == f.name })
		f.published = j >= 0 && bytes.Equal(old.files[j].data, f.data)
	}
}

// itemKey digests everything an item's pieces depend on: the build's
// salt (castfeed binary and config), the episode's text, slug, guid,
// date (with its zone, which the feeds print) and enclosure, and its
// transcript.
func (s *show) itemKey(it *item) itemKey {
	h := sha256.New()
	h.Write(s.salt[:])
	str := func(v string) {
		h.Write(binary.AppendUvarint(nil, uint64(len(v))))
		io.WriteString(h, v)
	}
	for _, v := range []string{it.slug, it.name, it.guid, it.pubDate.Format(time.RFC3339Nano), it.enclosure.URL, it.enclosure.Type} {
		str(v)
	}
	h.Write(it.text.sum[:])
	h.Write(binary.AppendVarint(nil, it.enclosure.Length))
	h.Write(binary.AppendVarint(nil, int64(it.duration))) // a tagged copy's, see audioInto
	if et, ok := s.transcripts[it.slug]; ok && et.has {
		h.Write(et.digest[:])
	}
	var k itemKey
	h.Sum(k[:0])
	return k
}

// holds reports whether the output folder holds every file of a cached
// item with its size.
func (s *show) holds(tx *publish.Tx, slug string, p *pieces) bool {
	dir := "episodes/" + slug + "/"
	for _, f := range p.files {
		if f.name != entryFile && !tx.Holds(dir+f.name, f.length()) {
			return false
		}
	}
	return true
}

// writeEpisode writes an episode's own files (chapters, transcripts,
// pages; not its show's-page entry, see takeEntry). A file the output
// folder is known to hold (all of a cached item's, while the folder is
// the one the cache was committed with; see markPublished) is kept
// without being read, from the folder or from the cache.
func (s *show) writeEpisode(tx *publish.Tx, slug string, p *pieces, published bool) error {
	dir := "episodes/" + slug + "/"
	for i := range p.files {
		f := &p.files[i]
		if f.name == entryFile {
			continue
		}
		var err error
		if published || f.published {
			err = tx.WriteKnown(dir+f.name, f.length(), func() ([]byte, error) { err := p.load(); return f.data, err })
		} else if err = p.load(); err == nil {
			err = tx.WriteFile(dir+f.name, f.data)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
