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

	"github.com/castfeed/castfeed/diag"
	"github.com/castfeed/castfeed/episode"
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
// state.dir/read-cache holds readCacheMagic, then for each file its key
// (32 bytes), the length of its record as a uvarint, and the record (see
// encodeRead). Only the files of the last build are kept: this build's
// records go to a new file as the files are read (holding them until the
// end was 60 MB at 100,000 episodes), which replaces the old one at save
// unless every record is the old one's.
type readCache struct {
	name string
	salt [sha256.Size]byte
	old  map[[sha256.Size]byte][]byte // nil once reading is done (forget)
	had  int                          // records in the old file

	mu    sync.Mutex
	f     *os.File      // the new file; nil until the first record
	w     *bufio.Writer // writes to f
	err   error         // the first failure to write it
	added int           // records parsed anew
	hits  atomic.Int64  // files not parsed again
}

const readCacheMagic = "castfeed read-cache 1\n"

// openReadCache reads the cache of dir; a missing or damaged one is an
// empty cache (every file is parsed, as in a cold build).
func openReadCache(dir string, salt [sha256.Size]byte) *readCache {
	c := &readCache{name: filepath.Join(dir, "read-cache"), salt: salt, old: map[[sha256.Size]byte][]byte{}}
	stale, _ := filepath.Glob(filepath.Join(dir, ".read-cache-*"))
	for _, name := range stale {
		os.Remove(name) // of a killed build
	}
	data, err := rawfile.Read(c.name)
	if err != nil || !bytes.HasPrefix(data, []byte(readCacheMagic)) {
		return c
	}
	data = data[len(readCacheMagic):]
	for len(data) > 0 {
		if len(data) < sha256.Size {
			clear(c.old)
			return c
		}
		key := [sha256.Size]byte(data[:sha256.Size])
		n, k := binary.Uvarint(data[sha256.Size:])
		data = data[sha256.Size:]
		if k <= 0 || n > uint64(len(data)-k) {
			clear(c.old) // damaged: trust none of it
			return c
		}
		c.old[key] = data[k : k+int(n)]
		data = data[k+int(n):]
	}
	c.had = len(c.old)
	return c
}

// forget lets the old records go, once every file is read.
func (c *readCache) forget() {
	if c != nil {
		c.old = nil
	}
}

// add writes a record of this build to the new file.
func (c *readCache) add(k [sha256.Size]byte, rec []byte, parsed bool) {
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
	c.w.Write(k[:])
	c.w.Write(binary.AppendUvarint(nil, uint64(len(rec))))
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
// it could. l.text must be in the spool: its digest is the file's.
func (c *readCache) restore(l *loaded) bool {
	if c == nil || !l.text.kept {
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
	c.add(k, rec, false)
	return true
}

// remember records what parsing l found. A file whose diagnostics name
// another file (none do today) is not remembered.
func (c *readCache) remember(l *loaded) {
	if c == nil || !l.text.kept {
		return
	}
	rec, ok := encodeRead(l)
	if !ok {
		return
	}
	c.add(c.key(l), rec, true)
}

// save makes this build's records the cache, unless they are the last
// build's; close then removes what is left.
func (c *readCache) save() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.f == nil || c.added == 0 && int(c.hits.Load()) == c.had {
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
