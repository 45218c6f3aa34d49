package transcript

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/castfeed/castfeed/internal/atomicfile"
)

// Digest identifies a transcript's content: its language, kind and cues.
// Equal digests mean equal files in every format.
func (t *Transcript) Digest() (d [sha256.Size]byte) {
	h := sha256.New()
	// The fields go through one buffer, in pieces of at most 4 KB, not a
	// Write (and an allocation) each: a build takes the digest of every
	// transcript it reads.
	b := make([]byte, 0, 4096+2*binary.MaxVarintLen64)
	str := func(v string) {
		b = binary.AppendUvarint(b, uint64(len(v)))
		for len(v) > 0 {
			n := min(len(v), cap(b)-len(b))
			b, v = append(b, v[:n]...), v[n:]
			if len(b) == cap(b) {
				h.Write(b)
				b = b[:0]
			}
		}
	}
	str(t.Language)
	str(string(t.Kind))
	for _, c := range t.Cues {
		if cap(b)-len(b) < 2*binary.MaxVarintLen64 {
			h.Write(b)
			b = b[:0]
		}
		b = binary.AppendVarint(binary.AppendVarint(b, int64(c.Start)), int64(c.End))
		str(c.Text)
	}
	h.Write(b)
	h.Sum(d[:0])
	return d
}

// localIndexFile, in the state folder, remembers the local caption files
// a Sync read. Its name cannot be an episode's state file (<slug>.json).
const localIndexFile = ".local-files"

// localIndex is what a Sync knows of local caption files from the last
// one: per path, the size and modification time the file had and the
// digest of the transcript it held. A file that still has that size and
// time is not read again: astisub tokenizes every line of a caption file,
// a one-hour file costs milliseconds, and a show of 10,000 episodes with
// their captions beside them would read them all on every refresh.
type localIndex struct {
	path string

	mu    sync.Mutex
	old   map[string]localFile // as the last Sync left it
	seen  map[string]localFile // what this Sync found
	dirty bool
}

type localFile struct {
	Language string `json:"language"`
	Size     int64  `json:"size"`
	ModNano  int64  `json:"mod_ns"`
	Digest   string `json:"digest"`
}

// racyWindow: a file modified this recently may be modified again within
// the same timestamp tick, unseen; it is not remembered (as git does with
// its index).
const racyWindow = 2 * time.Second

func openLocalIndex(stateDir string) *localIndex {
	x := &localIndex{old: map[string]localFile{}, seen: map[string]localFile{}}
	if stateDir == "" {
		return x
	}
	x.path = filepath.Join(stateDir, localIndexFile)
	if data, err := os.ReadFile(x.path); err == nil {
		// A damaged index is an empty one: every file is read again.
		_ = json.Unmarshal(data, &x.old)
	}
	return x
}

// lookup returns the digest remembered for path in language lang if the
// file fi still is what was read then.
func (x *localIndex) lookup(path, lang string, fi os.FileInfo) (d [sha256.Size]byte, ok bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	f, found := x.old[path]
	if !found || f.Language != lang || f.Size != fi.Size() || f.ModNano != fi.ModTime().UnixNano() {
		return d, false
	}
	b, err := hex.DecodeString(f.Digest)
	if err != nil || len(b) != len(d) {
		return d, false
	}
	copy(d[:], b)
	x.seen[path] = f
	return d, true
}

// remember records that path, as fi was before it was read, holds a
// transcript with digest d.
func (x *localIndex) remember(path, lang string, fi os.FileInfo, d [sha256.Size]byte, now time.Time) {
	if now.Sub(fi.ModTime()) < racyWindow {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.seen[path] = localFile{Language: lang, Size: fi.Size(), ModNano: fi.ModTime().UnixNano(), Digest: hex.EncodeToString(d[:])}
	x.dirty = true
}

// save keeps what this Sync found, when it differs from what the last one
// left: files no longer found are forgotten.
func (x *localIndex) save() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.path == "" || (!x.dirty && maps.Equal(x.old, x.seen)) {
		return nil
	}
	if len(x.seen) == 0 {
		if err := os.Remove(x.path); err != nil && !os.IsNotExist(err) {
			return err
		}
		return nil
	}
	data, err := json.Marshal(x.seen)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(x.path), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteBytes(x.path, data)
}
