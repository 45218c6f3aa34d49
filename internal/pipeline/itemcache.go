// The item cache: each item's encoded pieces (its RSS item, Atom entry,
// JSON item, chapters and transcript files) kept in the state folder, so
// that a refresh encodes only the items that changed and writes the feeds
// by joining cached pieces in order.
package pipeline

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/castfeed/castfeed/internal/atomicfile"
	"github.com/castfeed/castfeed/internal/wire"
)

// itemKey is the digest of everything that goes into an item's pieces:
// the castfeed binary, the config, the episode's text, guid, date and
// enclosure, and its transcript (see show.itemKey).
type itemKey [sha256.Size]byte

// pieces are what an item contributes to the output: its encoding in
// each feed (JSON without the comma that separates it from the item
// before), and its own files.
type pieces struct {
	key   itemKey // what they were made from
	feeds [len(feedFiles)][]byte
	files []outFile
	// tail, from the cache, holds the bytes of the files whose data is
	// nil, read only when one is needed (load): a refresh that keeps a
	// cached item's published files reads only its feed pieces, 110 of
	// the 258 MB of records of a 10,000-episode show.
	tail *recordTail
}

// length is the file's size, read or not.
func (f *outFile) length() int64 {
	if f.data != nil {
		return int64(len(f.data))
	}
	return f.size
}

// buffer returns n bytes of scratch, grown as needed, or new ones when
// scratch is nil.
func buffer(scratch *[]byte, n uint32) []byte {
	if scratch == nil {
		return make([]byte, n)
	}
	if uint32(cap(*scratch)) < n {
		*scratch = make([]byte, 2*n)
	}
	return (*scratch)[:n]
}

// recordTail is where the files' bytes of a record are.
type recordTail struct {
	f       *os.File
	off     int64
	n       uint32
	crc     uint32
	checked bool // the CRC is checked (see itemCache.read)
}

// load reads the bytes of the files still in the cache.
func (p *pieces) load() error { return p.loadInto(nil) }

// loadInto is load into a scratch buffer (nil: none); the files are good
// until its next use.
func (p *pieces) loadInto(scratch *[]byte) error {
	t := p.tail
	if t == nil {
		return nil
	}
	b := buffer(scratch, t.n)
	if _, err := t.f.ReadAt(b, t.off); err != nil {
		return err
	}
	if t.checked && crc32.ChecksumIEEE(b) != t.crc {
		return errBadRecord
	}
	if err := fillFiles(p.files, b); err != nil {
		return err
	}
	p.tail = nil
	return nil
}

// The cache lives in state.dir/items: packs of records appended to (one
// new pack per build that encodes anything), and an index of the records
// the last build used. Records no build uses any more are garbage; a pack
// with no used record is deleted, and when garbage outgrows the used
// records, the used ones are copied into a new pack and the old packs go.
//
// The index is a header line, a line with the stamp (outputStamp) of the
// output folder the build published with these records, then per record:
// key, pack number (4 bytes), offset (8), length (4), the length of its
// head (4: the feed pieces and the list of files, see encodePieces) and
// the CRC-32s of its head and of the rest (4 each), big-endian.
const (
	itemCacheDir    = "items"
	itemIndexHeader = "castfeed item index 3\n"
	stampLineSize   = len("output ") + 2*sha256.Size + 1
	indexEntrySize  = sha256.Size + 4 + 8 + 4 + 4 + 4 + 4
)

type recordLoc struct {
	pack         uint32
	off          int64
	n, head      uint32
	crc, tailCRC uint32
}

// itemCache is safe for concurrent use by the encoding workers.
type itemCache struct {
	dir string
	// stamp is the output folder's stamp when the last build committed
	// the index: while the folder is still that one, a hit's files are
	// the published ones (see published).
	stamp string

	mu    sync.Mutex
	index map[itemKey]recordLoc // as the last build left it
	used  map[itemKey]recordLoc // what this build used or wrote
	// Each episode's record in the last build, and in this one: a build
	// that encodes an item again (a new castfeed, a config change)
	// compares its files with the last ones here, not on disk.
	lastBySlug, bySlug map[string]itemKey
	packs              map[uint32]*os.File // opened for reading
	sizes              map[uint32]int64    // every pack's size on disk
	next               uint32              // the pack this build appends to
	w                  *os.File            // nil until the first record
	bw                 *bufio.Writer
	off                int64
}

// openItemCache reads the index. A missing or damaged one is an empty
// cache: the build then encodes every item, as a cold build does.
func openItemCache(stateDir string) *itemCache {
	c := &itemCache{dir: filepath.Join(stateDir, itemCacheDir), index: map[itemKey]recordLoc{},
		used: map[itemKey]recordLoc{}, packs: map[uint32]*os.File{}, sizes: map[uint32]int64{},
		lastBySlug: map[string]itemKey{}, bySlug: map[string]itemKey{}}
	ents, _ := os.ReadDir(c.dir)
	for _, e := range ents {
		var n uint32
		if _, err := fmt.Sscanf(e.Name(), "pack-%08d", &n); err == nil && len(e.Name()) == len("pack-00000000") {
			if fi, err := e.Info(); err == nil {
				c.sizes[n] = fi.Size()
			}
			c.next = max(c.next, n+1)
		}
	}
	data, err := os.ReadFile(filepath.Join(c.dir, "index"))
	head := len(itemIndexHeader) + stampLineSize
	if err != nil || !bytes.HasPrefix(data, []byte(itemIndexHeader)) || len(data) < head || (len(data)-head)%indexEntrySize != 0 {
		return c
	}
	stamp := string(data[len(itemIndexHeader):head])
	if !strings.HasPrefix(stamp, "output ") || !strings.HasSuffix(stamp, "\n") {
		return c
	}
	c.stamp = stamp[len("output ") : len(stamp)-1]
	for b := data[head:]; len(b) > 0; b = b[indexEntrySize:] {
		var k itemKey
		copy(k[:], b)
		e := b[len(k):]
		loc := recordLoc{pack: binary.BigEndian.Uint32(e), off: int64(binary.BigEndian.Uint64(e[4:])),
			n: binary.BigEndian.Uint32(e[12:]), head: binary.BigEndian.Uint32(e[16:]),
			crc: binary.BigEndian.Uint32(e[20:]), tailCRC: binary.BigEndian.Uint32(e[24:])}
		if size, ok := c.sizes[loc.pack]; ok && loc.head <= loc.n && loc.off+int64(loc.n) <= size {
			c.index[k] = loc
		}
	}
	c.readSlugs()
	return c
}

// The slugs file lists, a line each, an episode's slug and the key of its
// record in the build that wrote the index.
const slugsFile = "slugs"

func (c *itemCache) readSlugs() {
	data, err := os.ReadFile(filepath.Join(c.dir, slugsFile))
	if err != nil {
		return
	}
	for line := range strings.Lines(string(data)) {
		slug, key, ok := strings.Cut(strings.TrimSuffix(line, "\n"), " ")
		var k itemKey
		if b, err := hex.DecodeString(key); ok && err == nil && len(b) == len(k) {
			copy(k[:], b)
			if _, live := c.index[k]; live {
				c.lastBySlug[slug] = k
			}
		}
	}
}

// previous returns the pieces the last build published for slug, if the
// cache has them.
func (c *itemCache) previous(slug string, scratch *[]byte) (*pieces, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	k, ok := c.lastBySlug[slug]
	c.mu.Unlock()
	if !ok {
		return nil, false
	}
	return c.read(k, scratch, false)
}

// get returns the pieces cached under k. A record that cannot be read or
// does not check out is a miss: the item is encoded again.
func (c *itemCache) get(slug string, k itemKey, scratch *[]byte) (*pieces, bool) {
	p, ok := c.read(k, scratch, true)
	if ok {
		c.mu.Lock()
		c.used[k] = c.index[k]
		c.bySlug[slug] = k
		c.mu.Unlock()
	}
	return p, ok
}

// read decodes the head of the record under k of the last build's index;
// the files' bytes are read when needed (pieces.load). With a scratch
// buffer (nil: none) the head is read into it, and the pieces are good
// until its next use: a refresh reads 110 MB of heads at 10,000 episodes,
// and allocating them was a third of what it allocated.
//
// checked says whether the record's CRCs are checked: not when its bytes
// are only compared with an item's new ones (markPublished), where a
// damaged record compares unequal anyway, and checking cost the first
// build after an upgrade a CRC of every record.
func (c *itemCache) read(k itemKey, scratch *[]byte, checked bool) (*pieces, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	loc, ok := c.index[k]
	var f *os.File
	if ok {
		f, ok = c.pack(loc.pack)
	}
	c.mu.Unlock()
	if !ok {
		return nil, false
	}
	head := buffer(scratch, loc.head)
	if _, err := f.ReadAt(head, loc.off); err != nil || checked && crc32.ChecksumIEEE(head) != loc.crc {
		return nil, false
	}
	p, err := decodeHead(head)
	if err != nil {
		return nil, false
	}
	if loc.n > loc.head {
		p.tail = &recordTail{f: f, off: loc.off + int64(loc.head), n: loc.n - loc.head, crc: loc.tailCRC, checked: checked}
	} else if fillFiles(p.files, nil) != nil {
		return nil, false
	}
	return p, true
}

// pack returns pack n opened for reading; c.mu is held.
func (c *itemCache) pack(n uint32) (*os.File, bool) {
	if f, ok := c.packs[n]; ok {
		return f, f != nil
	}
	f, err := os.Open(c.packName(n))
	if err != nil {
		f = nil
	}
	c.packs[n] = f
	return f, f != nil
}

func (c *itemCache) packName(n uint32) string {
	return filepath.Join(c.dir, fmt.Sprintf("pack-%08d", n))
}

// put appends p under k to this build's pack.
func (c *itemCache) put(slug string, k itemKey, p *pieces) error {
	if c == nil {
		return nil
	}
	rec, head := encodePieces(p)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bySlug[slug] = k
	if _, ok := c.used[k]; ok {
		return nil // two equal items: one record
	}
	if c.w == nil {
		if err := os.MkdirAll(c.dir, 0o755); err != nil {
			return err
		}
		f, err := os.OpenFile(c.packName(c.next), os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			return err
		}
		c.w, c.bw, c.off = f, bufio.NewWriterSize(f, 256<<10), 0
	}
	if _, err := c.bw.Write(rec); err != nil {
		return err
	}
	c.used[k] = recordLoc{pack: c.next, off: c.off, n: uint32(len(rec)), head: uint32(head),
		crc: crc32.ChecksumIEEE(rec[:head]), tailCRC: crc32.ChecksumIEEE(rec[head:])}
	c.off += int64(len(rec))
	return nil
}

// published reports whether the records of the index are the files of
// the output folder as it is now, whose stamp is stamp: then a hit's
// files need not be compared with the published ones.
func (c *itemCache) published(stamp string) bool {
	return c != nil && c.stamp != "" && c.stamp == stamp
}

// commit makes what this build used the cache of the next one: it
// finishes this build's pack, compacts when garbage outgrows the used
// records, writes the index, with stamp, the output folder this build
// published, and deletes the packs nothing uses.
func (c *itemCache) commit(stamp string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.w != nil {
		err := errors.Join(c.bw.Flush(), c.w.Sync())
		c.packs[c.next], c.sizes[c.next] = c.w, c.off
		c.w = nil
		if err != nil {
			return err
		}
	}
	live := map[uint32]int64{}
	var liveBytes, allBytes int64
	for _, loc := range c.used {
		live[loc.pack] += int64(loc.n)
		liveBytes += int64(loc.n)
	}
	for n, size := range c.sizes {
		if live[n] > 0 {
			allBytes += size
		}
	}
	if allBytes > 2*liveBytes+(16<<20) {
		if err := c.compact(); err != nil {
			return err
		}
	}
	if err := c.writeIndex(stamp); err != nil {
		return err
	}
	if err := c.writeSlugs(); err != nil {
		return err
	}
	live = map[uint32]int64{}
	for _, loc := range c.used {
		live[loc.pack]++
	}
	for n := range c.sizes {
		if live[n] == 0 {
			if f := c.packs[n]; f != nil {
				f.Close()
			}
			delete(c.packs, n)
			os.Remove(c.packName(n))
		}
	}
	return nil
}

// compact copies the used records into one new pack; c.mu is held.
func (c *itemCache) compact() error {
	keys := make([]itemKey, 0, len(c.used))
	for k := range c.used {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b itemKey) int {
		x, y := c.used[a], c.used[b]
		if x.pack != y.pack {
			return int(x.pack) - int(y.pack)
		}
		return int(x.off - y.off)
	})
	n := c.next + 1
	f, err := os.OpenFile(c.packName(n), os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	moved := make(map[itemKey]recordLoc, len(keys))
	var off int64
	for _, k := range keys {
		loc := c.used[k]
		src, ok := c.pack(loc.pack)
		if !ok {
			continue
		}
		rec := make([]byte, loc.n)
		if _, err := src.ReadAt(rec, loc.off); err != nil {
			continue // lost: the item is encoded again next time
		}
		if _, err := bw.Write(rec); err != nil {
			f.Close()
			return err
		}
		loc.pack, loc.off = n, off
		moved[k] = loc
		off += int64(loc.n)
	}
	if err := errors.Join(bw.Flush(), f.Sync()); err != nil {
		f.Close()
		return err
	}
	c.used, c.packs[n], c.sizes[n], c.next = moved, f, off, n
	return nil
}

func (c *itemCache) writeSlugs() error {
	slugs := slices.Sorted(maps.Keys(c.bySlug))
	return atomicfile.Write(filepath.Join(c.dir, slugsFile), func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		for _, s := range slugs {
			k := c.bySlug[s]
			if _, ok := c.used[k]; !ok {
				continue // not cached (see show.pieces)
			}
			bw.WriteString(s)
			bw.WriteByte(' ')
			bw.WriteString(hex.EncodeToString(k[:]))
			bw.WriteByte('\n')
		}
		return bw.Flush()
	})
}

func (c *itemCache) writeIndex(stamp string) error {
	keys := make([]itemKey, 0, len(c.used))
	for k := range c.used {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b itemKey) int { return bytes.Compare(a[:], b[:]) })
	return atomicfile.Write(filepath.Join(c.dir, "index"), func(w io.Writer) error {
		if _, err := io.WriteString(w, itemIndexHeader); err != nil {
			return err
		}
		if len(stamp) != 2*sha256.Size {
			stamp = strings.Repeat("0", 2*sha256.Size) // no folder: never trusted
		}
		if _, err := io.WriteString(w, "output "+stamp+"\n"); err != nil {
			return err
		}
		var e [indexEntrySize]byte
		for _, k := range keys {
			loc := c.used[k]
			copy(e[:], k[:])
			binary.BigEndian.PutUint32(e[len(k):], loc.pack)
			binary.BigEndian.PutUint64(e[len(k)+4:], uint64(loc.off))
			binary.BigEndian.PutUint32(e[len(k)+12:], loc.n)
			binary.BigEndian.PutUint32(e[len(k)+16:], loc.head)
			binary.BigEndian.PutUint32(e[len(k)+20:], loc.crc)
			binary.BigEndian.PutUint32(e[len(k)+24:], loc.tailCRC)
			if _, err := w.Write(e[:]); err != nil {
				return err
			}
		}
		return nil
	})
}

// close closes the packs; a build that did not commit removes the pack it
// was writing, and the index stays as the last build left it.
func (c *itemCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.w != nil {
		c.w.Close()
		os.Remove(c.w.Name())
		c.w = nil
	}
	for _, f := range c.packs {
		if f != nil {
			f.Close()
		}
	}
	c.packs = map[uint32]*os.File{}
}

// Feed pieces are named by a NUL, which no file name has.
var feedPieceNames = [len(feedFiles)]string{"\x00rss", "\x00atom", "\x00json"}

// encodePieces lays p out as a record: a head, then the files' bytes.
// The head is the number of parts, then the feed pieces, each a name and
// bytes with their lengths as uvarints, then the files, each a name, a
// size, and a byte saying whether the bytes follow in the head (the
// show's-page entry, which every refresh reads) or in the rest. It
// returns the record and the length of its head.
func encodePieces(p *pieces) ([]byte, int) {
	n := 0
	for _, f := range p.feeds {
		n += len(f) + 16
	}
	for _, f := range p.files {
		n += len(f.name) + len(f.data) + 24
	}
	b := make([]byte, 0, n)
	b = binary.AppendUvarint(b, uint64(len(p.feeds)+len(p.files)))
	for i, f := range p.feeds {
		b = wire.AppendString(b, feedPieceNames[i])
		b = wire.AppendBytes(b, f)
	}
	for _, f := range p.files {
		b = wire.AppendString(b, f.name)
		if inHead(f.name) {
			b = wire.AppendBytes(append(b, 1), f.data)
			continue
		}
		b = binary.AppendUvarint(append(b, 0), uint64(len(f.data)))
	}
	head := len(b)
	for _, f := range p.files {
		if !inHead(f.name) {
			b = append(b, f.data...)
		}
	}
	return b, head
}

// inHead tells the files whose bytes a record keeps in its head.
func inHead(name string) bool { return name == entryFile }

var errBadRecord = errors.New("damaged item record")

// decodeHead reads a record's head; the pieces share its memory, and the
// files whose bytes are in the rest have a size and no data.
func decodeHead(head []byte) (*pieces, error) {
	r := wire.NewReader(head)
	count := r.Count(2) // a part takes 2 bytes at least
	if count < len(feedFiles) {
		return nil, errBadRecord
	}
	p := &pieces{}
	for i := range p.feeds {
		if string(r.Bytes()) != feedPieceNames[i] {
			return nil, errBadRecord
		}
		p.feeds[i] = r.Bytes()
	}
	for range count - len(p.feeds) {
		name := r.Bytes()
		if len(name) == 0 || bytes.IndexByte(name, 0) >= 0 {
			return nil, errBadRecord
		}
		f := outFile{name: string(name)}
		switch inline := r.Byte(); {
		case inline == 1 && inHead(f.name):
			if f.data = r.Bytes(); f.data == nil {
				f.data = []byte{}
			}
		case inline == 0 && !inHead(f.name):
			f.size = int64(r.Uvarint())
		default:
			return nil, errBadRecord
		}
		p.files = append(p.files, f)
	}
	if !r.Done() {
		return nil, errBadRecord
	}
	return p, nil
}

// fillFiles gives the files without data their bytes, in order, from
// tail, which must hold exactly those.
func fillFiles(files []outFile, tail []byte) error {
	for i := range files {
		f := &files[i]
		if f.data != nil {
			continue
		}
		if f.size > int64(len(tail)) {
			return errBadRecord
		}
		f.data, tail = tail[:f.size:f.size], tail[f.size:]
	}
	if len(tail) != 0 {
		return errBadRecord
	}
	return nil
}

// decodePieces reads a whole record whose head is head bytes long.
func decodePieces(rec []byte, head int) (*pieces, error) {
	if head < 0 || head > len(rec) {
		return nil, errBadRecord
	}
	p, err := decodeHead(rec[:head])
	if err != nil {
		return nil, err
	}
	if err := fillFiles(p.files, rec[head:]); err != nil {
		return nil, err
	}
	return p, nil
}
