package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
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
	err   error
	done  chan struct{}
}

// writeFeeds writes the three feeds and every episode's files. Items are
// encoded in chunks on every core while this goroutine appends the
// finished chunks, in feed order, to the feed files: the feeds are never
// whole in memory (a 100,000-episode show's RSS alone is 340 MB), and the
// encoding, the slowest part of a build, is not left to one core.
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

	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	// On any return: stop the producer and the workers, then wait for
	// them, so that none touches tx (or blocks) once we return.
	defer func() {
		cancel()
		wg.Wait()
	}()
	chunks := make([]chunk, (len(items)+chunkSize-1)/chunkSize)
	for i := range chunks {
		chunks[i].done = make(chan struct{})
	}
	workers := runtime.GOMAXPROCS(0)
	// free holds the buffers of written chunks for reuse, and bounds the
	// chunks in flight.
	free := make(chan [len(feedFiles)][]byte, 2*workers)
	for range cap(free) {
		free <- [len(feedFiles)][]byte{}
	}
	next := make(chan int)
	wg.Go(func() {
		defer close(next)
		for i := range chunks {
			select {
			case bufs := <-free:
				chunks[i].feeds = bufs
			case <-ctx.Done():
				return
			}
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	})
	for range workers {
		wg.Go(func() {
			for i := range next {
				c := &chunks[i]
				lo := i * chunkSize
				c.err = s.encodeChunk(tx, encs, c, items[lo:min(lo+chunkSize, len(items))], lo == 0)
				close(c.done)
			}
		})
	}
	for i := range chunks {
		c := &chunks[i]
		select {
		case <-c.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if c.err != nil {
			return c.err
		}
		for j, f := range files {
			if _, err := f.Write(c.feeds[j]); err != nil {
				return err
			}
		}
		free <- c.feeds
		c.feeds = [len(feedFiles)][]byte{}
	}
	for i, f := range files {
		f.Write(encs[i].Tail())
		files[i] = nil
		if err := f.Close(); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// encodeChunk encodes items into c and writes their own files.
func (s *show) encodeChunk(tx *publish.Tx, encs feed.Encoders, c *chunk, items []item, first bool) error {
	for j := range c.feeds {
		c.feeds[j] = c.feeds[j][:0]
	}
	var buf bytes.Buffer
	for k := range items {
		it := &items[k]
		fi, cs, files, err := s.complete(it)
		if err != nil {
			return err
		}
		if err := encs.AppendItem(c.feeds[:], fi, first && k == 0); err != nil {
			return fmt.Errorf("%s: %w", it.slug, err)
		}
		if err := s.writeEpisode(tx, &buf, it.slug, cs, files); err != nil {
			return err
		}
		if err := s.linkAudio(tx, it); err != nil {
			return err
		}
	}
	return nil
}

// writeEpisode writes an episode's chapters and transcripts.
func (s *show) writeEpisode(tx *publish.Tx, buf *bytes.Buffer, slug string, cs []chapters.Chapter, files []outFile) error {
	dir := "episodes/" + slug + "/"
	if len(cs) > 0 {
		for _, f := range []struct {
			name  string
			write func(io.Writer, []chapters.Chapter) error
		}{
			{"chapters.json", chapters.WriteJSON},
			{"chapters.vtt", chapters.WriteVTT},
		} {
			buf.Reset()
			if err := f.write(buf, cs); err != nil {
				return fmt.Errorf("%s: %w", slug, err)
			}
			if err := tx.WriteFile(dir+f.name, buf.Bytes()); err != nil {
				return err
			}
		}
	}
	for _, f := range files {
		if err := tx.WriteFile(dir+f.name, f.data); err != nil {
			return err
		}
	}
	return nil
}
