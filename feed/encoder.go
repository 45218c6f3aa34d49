package feed

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/feeds"
)

// Format is one of the feed formats castfeed writes.
type Format int

const (
	RSS  Format = iota // feed.xml: RSS 2.0 with the podcast namespaces
	Atom               // feed.atom
	JSON               // feed.json: JSON Feed 1.1
)

// Encoder writes a podcast in one format in pieces: Head, every item
// newest first, Tail. A show of 100,000 episodes so never has a whole
// feed in memory, and its items can be encoded on every core: AppendItem
// is safe for concurrent use. Head and Tail are the document that
// gorilla/feeds writes for the show without items; the items between them
// are written by xmlitem.go (RSS, Atom) and jsonitem.go (JSON). The tests
// hold the joined pieces to the document that gorilla, encoding/xml and
// encoding/json write for the whole feed at once: the same bytes in JSON,
// the same elements, attributes and text in RSS and Atom.
type Encoder struct {
	format     Format
	p          *Podcast
	ns         uuid.UUID // Atom and JSON entry ids
	head, tail []byte
	scratch    sync.Pool // *[]byte, see appendItem
}

// Where the items go: each format's items are the last children of its
// outer elements, so the document without items ends with exactly these
// closing lines, and the items are written before them.
const (
	rssClose  = "\n  </channel>\n</rss>"
	atomClose = "\n</feed>"
	jsonClose = "}\n"
)

// NewEncoder prepares p's head and tail in format f. updated is the
// newest item's date (lastBuildDate, Atom's updated); p.Items is not
// read.
func NewEncoder(f Format, p *Podcast, updated time.Time) (*Encoder, error) {
	e := &Encoder{format: f, p: p, ns: uuid.MustParse(GUID(p.FeedURL))}
	var b bytes.Buffer
	var closing string
	switch f {
	case RSS:
		if err := feeds.WriteXML(rssDoc(p, updated), &b); err != nil {
			return nil, err
		}
		closing = rssClose
	case Atom:
		if err := feeds.WriteXML(atomDoc(p, updated), &b); err != nil {
			return nil, err
		}
		closing = atomClose
	case JSON:
		// Compact: feed.json is for programs, and indenting it cost a
		// build of 10,000 episodes 40 MB of allocations.
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(jsonDoc(p, updated)); err != nil {
			return nil, err
		}
		closing = jsonClose
	default:
		return nil, fmt.Errorf("feed: unknown format %d", f)
	}
	doc := b.Bytes()
	if !bytes.HasSuffix(doc, []byte(closing)) {
		// Only a change in gorilla/feeds or encoding/* could cause this.
		return nil, fmt.Errorf("feed: format %d does not end as expected: %q", f, doc[max(0, len(doc)-40):])
	}
	e.head = doc[:len(doc)-len(closing)]
	switch f {
	case RSS, Atom:
		e.tail = []byte(closing + "\n")
	case JSON:
		e.head = append(e.head, `,"items":[`...)
		e.tail = []byte("]" + jsonClose)
	}
	return e, nil
}

// Head is the document up to its first item.
func (e *Encoder) Head() []byte { return e.head }

// Tail is the document after its last item. (JSON Feed requires "items"
// even when there is none, which gorilla would leave out: it is there.)
func (e *Encoder) Tail() []byte {
	return e.tail
}

// AppendItem appends the encoding of it to dst; first says it is the
// feed's first (newest) item.
func (e *Encoder) AppendItem(dst []byte, it Item, first bool) ([]byte, error) {
	return e.appendItem(dst, it, textOf(it), first)
}

// Encoders encode items in several formats at once, sharing the work
// their encodings have in common.
type Encoders []*Encoder

// AppendItem appends the encoding of it by es[i] to dst[i]; first says it
// is the feed's first (newest) item.
func (es Encoders) AppendItem(dst [][]byte, it Item, first bool) error {
	t := textOf(it)
	for i, e := range es {
		var err error
		if dst[i], err = e.appendItem(dst[i], it, t, first); err != nil {
			return err
		}
	}
	return nil
}

func (e *Encoder) appendItem(dst []byte, it Item, t text, first bool) ([]byte, error) {
	// The item is written into a buffer kept between items, then copied:
	// dst is often empty (a build keeps each item's bytes apart), and
	// growing it while the item is written copied it a dozen times.
	buf, _ := e.scratch.Get().(*[]byte)
	if buf == nil {
		buf = new([]byte)
	}
	b := (*buf)[:0]
	var err error
	switch e.format {
	case RSS:
		b = appendRSSItem(b, e.p, it, t)
	case Atom:
		b = appendAtomEntry(b, e.ns, it, t)
	case JSON:
		if !first {
			b = append(b, ',')
		}
		b, err = appendJSONItem(b, e.ns, it, t)
	}
	if err == nil {
		dst = append(dst, b...)
	}
	*buf = b
	e.scratch.Put(buf)
	return dst, err
}

// write encodes p whole in format f.
func write(w io.Writer, f Format, p *Podcast) error {
	items := sorted(p.Items)
	e, err := NewEncoder(f, p, updated(items))
	if err != nil {
		return err
	}
	if _, err := w.Write(e.Head()); err != nil {
		return err
	}
	var buf []byte
	for i, it := range items {
		if buf, err = e.AppendItem(buf[:0], it, i == 0); err != nil {
			return err
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	_, err = w.Write(e.Tail())
	return err
}
