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
	feeds [len(feedFiles)][]byte
}

// writeFeeds writes the three feeds and every episode's files. Items are
// encoded in chunks on every core while this goroutine appends the
// finished chunks, in feed order, to the feed files (see ordered): the
// feeds are never whole in memory (a 100,000-episode show's RSS alone is
// 340 MB), and the encoding, the slowest part of a build, is not left to
// one core. An item whose pieces are in the item cache is not encoded
// again.
func (s *show) writeFeeds(ctx context.Context, tx *publish.Tx, p *feed.Podcast, items []item) error {
	slices.SortStableFunc(items, func(a, b item) int {
		return feed.Order(&feed.Item{PubDate: a.pubDate, GUID: a.guid}, &feed.Item{PubDate: b.pubDate, GUID: b.guid})
	})
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
		e, err := feed.NewEncoder(ff.format, p, newest)
		if err != nil {
			return err
		}
		f, err := tx.Create(ff.name)
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
			return s.encodeChunk(tx, encs, c, items[lo:min(lo+chunkSize, len(items))], lo == 0)
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
	s.log.Debug("feeds encoded", "items", len(items), "encoded", s.encoded.Load())
	return ctx.Err()
}

// encodeChunk puts the pieces of items into c, in order, and writes
// their own files; first says items[0] is the feed's first.
func (s *show) encodeChunk(tx *publish.Tx, encs feed.Encoders, c *chunk, items []item, first bool) error {
	for j := range c.feeds {
		c.feeds[j] = c.feeds[j][:0]
	}
	for k := range items {
		it := &items[k]
		p, err := s.pieces(encs, it)
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
		if err := s.writeEpisode(tx, it.slug, s.takeEntry(p.files)); err != nil {
			return err
		}
	}
	return nil
}

// pieces returns an item's pieces from the cache, or encodes them (and
// caches them).
func (s *show) pieces(encs feed.Encoders, it *item) (*pieces, error) {
	key := s.itemKey(it)
	if p, ok := s.cache.get(key); ok {
		return p, nil
	}
	fi, cs, files, err := s.complete(it)
	if err != nil {
		return nil, err
	}
	s.encoded.Add(1)
	p := &pieces{}
	if err := encs.AppendItem(p.feeds[:], fi, true); err != nil {
		return nil, fmt.Errorf("%s: %w", it.slug, err)
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
				return nil, fmt.Errorf("%s: %w", it.slug, err)
			}
			p.files = append(p.files, outFile{name: f.name, data: bytes.Clone(buf.Bytes())})
		}
	}
	p.files = append(p.files, files...)
	if err := s.cache.put(key, p); err != nil {
		// The cache only saves work; this build's output is complete.
		s.log.Warn("cannot cache an encoded item", "episode", it.slug, "error", err)
	}
	return p, nil
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
	for _, v := range []string{it.slug, it.name, it.guid, it.pubDate.Format(time.RFC3339Nano), it.enclosure.URL, it.enclosure.Type, it.source} {
		str(v)
	}
	h.Write(binary.AppendVarint(nil, it.enclosure.Length))
	if r, ok := s.transcripts[it.slug]; ok && r.Transcript != nil {
		t := r.Transcript
		str(t.Language)
		str(string(t.Kind))
		for _, c := range t.Cues {
			h.Write(binary.AppendVarint(binary.AppendVarint(nil, int64(c.Start)), int64(c.End)))
			str(c.Text)
		}
	}
	var k itemKey
	h.Sum(k[:0])
	return k
}

// writeEpisode writes an episode's own files: chapters and transcripts.
func (s *show) writeEpisode(tx *publish.Tx, slug string, files []outFile) error {
	dir := "episodes/" + slug + "/"
	for _, f := range files {
		if err := tx.WriteFile(dir+f.name, f.data); err != nil {
			return err
		}
	}
	return nil
}
