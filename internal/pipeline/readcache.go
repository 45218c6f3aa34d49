package pipeline

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/castfeed/castfeed/diag"
	"github.com/castfeed/castfeed/episode"
	"github.com/castfeed/castfeed/internal/publish"
	"github.com/castfeed/castfeed/internal/rawfile"
	"github.com/castfeed/castfeed/internal/wire"
)

// readCache remembers what reading each episode file found, its detached
// episode (episode.MarshalBinary) and its diagnostics, keyed by a digest
// of the file's bytes, its name in messages and what parsing depends on
// (the item salt: castfeed's binary and the config). A refresh still
// reads every file, to digest it and keep its text in the spool, but
// parses only those that changed: parsing every file again was the
// largest part of a refresh after one edit (0.35 s of CPU at 10,000
// episodes).
//
// A file whose size, mtime and inode are those it had when the cache
// was written, and whose mtime is well before that (see racyWindow), is
// not even read: its text is read only if its item must be encoded again
// (text.path). Reading every file was most of what reading a show cost
// once parsing was skipped.
//
// state.dir/read-cache holds readCacheMagic, then for each file its key
// (32 bytes), the length of its entry as a uvarint, and the entry: the
// file's name, size, mtime, inode, text length, CRC-32 and SHA-256 (see
// appendStat), then its record (see encodeRead). Only the files of the last build are kept: this build's
// records go to a new file as the files are read (holding them until the
// end was 60 MB at 100,000 episodes), which replaces the old one at save
// unless every record is the old one's.
type readCache struct {
	name string
	salt [sha256.Size]byte
	old  map[[sha256.Size]byte][]byte // nil once reading is done (forget)
	had  int                          // records in the old file
	// byName is what the old file says of each episode file, and written
	// when it was.
	byName  map[string]fileSeen
	written time.Time

	mu    sync.Mutex
	f     *os.File      // the new file; nil until the first record
	w     *bufio.Writer // writes to f
	err   error         // the first failure to write it
	added int           // records parsed anew
	moved int           // records restored whose file's stat changed (a touch)
	hits  atomic.Int64  // files not parsed again
}

const readCacheMagic = "castfeed read-cache 2\n"

// fileSeen is what the read cache knows of an episode file without
// reading it.
type fileSeen struct {
	size, mtime int64
	ino         uint64
	n           int
	crc         uint32
	sum         [sha256.Size]byte
}

func statOf(fi os.FileInfo) fileSeen {
	ino, _ := publish.Inode(fi)
	return fileSeen{size: fi.Size(), mtime: fi.ModTime().UnixNano(), ino: ino}
}

// racyWindow: a file modified this close to the cache's writing may have
// changed again within its mtime's granularity, so it is read (as git
// treats its index's "racily clean" entries).
const racyWindow = 2 * time.Second

func appendStat(b []byte, name string, st fileSeen) []byte {
	b = wire.AppendString(b, name)
	b = binary.AppendVarint(b, st.size)
	b = binary.AppendVarint(b, st.mtime)
	b = binary.AppendUvarint(b, st.ino)
	b = binary.AppendUvarint(b, uint64(st.n))
	b = binary.BigEndian.AppendUint32(b, st.crc)
	return append(b, st.sum[:]...)
}

func readStat(r *wire.Reader) (string, fileSeen) {
	name := r.String()
	st := fileSeen{size: r.Varint(), mtime: r.Varint(), ino: r.Uvarint(), n: int(r.Uvarint())}
	for range 4 {
		st.crc = st.crc<<8 | uint32(r.Byte())
	}
	for i := range st.sum {
		st.sum[i] = r.Byte()
	}
	return name, st
}

// openReadCache reads the cache of dir; a missing or damaged one is an
// empty cache (every file is parsed, as in a cold build).
func openReadCache(dir string, salt [sha256.Size]byte) *readCache {
	c := &readCache{name: filepath.Join(dir, "read-cache"), salt: salt, old: map[[sha256.Size]byte][]byte{}, byName: map[string]fileSeen{}}
	stale, _ := filepath.Glob(filepath.Join(dir, ".read-cache-*"))
	for _, name := range stale {
		os.Remove(name) // of a killed build
	}
	fi, err := os.Stat(c.name)
	if err != nil {
		return c
	}
	c.written = fi.ModTime()
	data, err := rawfile.Read(c.name)
	if err != nil || !bytes.HasPrefix(data, []byte(readCacheMagic)) {
		return c
	}
	data = data[len(readCacheMagic):]
	for len(data) > 0 {
		if len(data) < sha256.Size {
			clear(c.old)
			clear(c.byName)
			return c
		}
		key := [sha256.Size]byte(data[:sha256.Size])
		n, k := binary.Uvarint(data[sha256.Size:])
		data = data[sha256.Size:]
		if k <= 0 || n > uint64(len(data)-k) {
			clear(c.old) // damaged: trust none of it
			clear(c.byName)
			return c
		}
		r := wire.NewReader(data[k : k+int(n)])
		name, st := readStat(r)
		if !r.OK() {
			clear(c.old)
			clear(c.byName)
			return c
		}
		c.old[key] = r.Rest()
		c.byName[name] = st
		data = data[k+int(n):]
	}
	c.had = len(c.old)
	return c
}

// forget lets the old records go, once every file is read.
func (c *readCache) forget() {
	if c != nil {
		c.old, c.byName = nil, nil
	}
}

// add writes the record of l's file to the new file, with st, what it
// knows of the file.
func (c *readCache) add(k [sha256.Size]byte, l *loaded, st fileSeen, rec []byte, parsed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if parsed {
		c.added++
	}
	if c.err != nil {
		return
	}
	if c.f == nil {
		if c.f, c.err = os.CreateTemp(filepath.Dir(c.name), ".read-cache-*"); c.err != nil {
			return
		}
		c.w = bufio.NewWriterSize(c.f, 1<<20)
		c.w.WriteString(readCacheMagic)
	}
	st.n, st.crc, st.sum = l.text.n, l.text.crc, l.text.sum
	head := appendStat(nil, l.name, st)
	c.w.Write(k[:])
	c.w.Write(binary.AppendUvarint(nil, uint64(len(head)+len(rec))))
	c.w.Write(head)
	_, c.err = c.w.Write(rec)
}

// key identifies what reading l's file finds: its bytes (the spool's
// digest of them), its name, and the salt.
func (c *readCache) key(l *loaded) [sha256.Size]byte {
	h := sha256.New()
	h.Write(c.salt[:])
	h.Write(binary.AppendUvarint(nil, uint64(len(l.name))))
	h.Write([]byte(l.name))
	h.Write(l.text.sum[:])
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k
}

// restore fills l as reading its file did last time, and reports whether
// it could. l.text must be known: its digest is the file's. st is the
// file's stat before it was read.
func (c *readCache) restore(l *loaded, st fileSeen) bool {
	if c == nil || !l.text.known() {
		return false
	}
	k := c.key(l)
	rec, ok := c.old[k]
	if !ok {
		return false
	}
	ep, diags, err := decodeRead(rec, l.name)
	if err != nil {
		return false
	}
	l.ep, l.diags = ep, diags
	c.hits.Add(1)
	if known, ok := c.byName[l.name]; ok && (known.size != st.size || known.mtime != st.mtime || known.ino != st.ino) {
		c.mu.Lock()
		c.moved++ // the new stat must be written, or the file is read every time
		c.mu.Unlock()
	}
	c.add(k, l, st, rec, false)
	return true
}

// restoreByStat is restore for a file that is not read: its stat must be
// the one the cache knows, and older than the cache by racyWindow. l.text
// then names the file (text.path).
func (c *readCache) restoreByStat(l *loaded, path string, fi os.FileInfo) bool {
	if c == nil {
		return false
	}
	known, ok := c.byName[l.name]
	st := statOf(fi)
	if !ok || known.size != st.size || known.mtime != st.mtime || known.ino != st.ino ||
		!fi.ModTime().Before(c.written.Add(-racyWindow)) {
		return false
	}
	saved := l.text
	l.text = text{n: known.n, sum: known.sum, crc: known.crc, path: path}
	if !c.restore(l, st) {
		l.text = saved
		return false
	}
	return true
}

// remember records what parsing l found. A file whose diagnostics name
// another file (none do today) is not remembered.
func (c *readCache) remember(l *loaded, st fileSeen) {
	if c == nil || !l.text.known() {
		return
	}
	rec, ok := encodeRead(l)
	if !ok {
		return
	}
	c.add(c.key(l), l, st, rec, true)
}

// save makes this build's records the cache, unless they are the last
// build's; close then removes what is left.
func (c *readCache) save() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.f == nil || c.added == 0 && c.moved == 0 && int(c.hits.Load()) == c.had {
		return nil
	}
	err := errors.Join(c.err, c.w.Flush(), c.f.Sync(), c.f.Close())
	if err == nil {
		err = os.Rename(c.f.Name(), c.name)
	}
	if err != nil {
		os.Remove(c.f.Name())
	}
	c.f = nil
	return err
}

// close removes the new file if save did not take it.
func (c *readCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.f != nil {
		c.f.Close()
		os.Remove(c.f.Name())
		c.f = nil
	}
}

// encodeRead encodes l's diagnostics (without their file, which is l's)
// and, when it has one, its episode: the count of diagnostics, then each
// one's line, severity (a byte), message and hint (see wire); then a
// byte, 1 when the episode follows.
func encodeRead(l *loaded) ([]byte, bool) {
	b := binary.AppendUvarint(make([]byte, 0, 512), uint64(len(l.diags)))
	for _, d := range l.diags {
		if d.File != l.name || d.Severity < 0 || d.Severity > 255 {
			return nil, false
		}
		b = binary.AppendVarint(b, int64(d.Line))
		b = append(b, byte(d.Severity))
		b = wire.AppendString(b, d.Message)
		b = wire.AppendString(b, d.Hint)
	}
	if l.ep == nil {
		return append(b, 0), true
	}
	ep, err := l.ep.MarshalBinary()
	if err != nil {
		return nil, false
	}
	return append(append(b, 1), ep...), true
}

var errReadRecord = errors.New("damaged read-cache record")

// decodeRead decodes what encodeRead encoded, the diagnostics in file.
func decodeRead(rec []byte, file string) (*episode.Episode, diag.List, error) {
	r := wire.NewReader(rec)
	var diags diag.List
	if n := r.Count(4); n > 0 { // a diagnostic takes 4 bytes at least
		diags = make(diag.List, n)
		for i := range diags {
			diags[i] = diag.Diagnostic{File: file, Line: int(r.Varint()), Severity: diag.Severity(r.Byte()), Message: r.String(), Hint: r.String()}
		}
	}
	has := r.Byte()
	switch {
	case !r.OK():
		return nil, nil, errReadRecord
	case has == 0 && r.Len() == 0:
		return nil, diags, nil
	case has != 1:
		return nil, nil, errReadRecord
	}
	ep := &episode.Episode{}
	if err := ep.UnmarshalBinary(r.Rest()); err != nil {
		return nil, nil, errors.Join(errReadRecord, err)
	}
	return ep, diags, nil
}
