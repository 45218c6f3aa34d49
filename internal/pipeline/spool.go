package pipeline

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"hash/crc32"
	"os"
	"sync"

	"github.com/castfeed/castfeed/internal/rawfile"
)

// spool keeps the episodes' texts in a scratch file of the state folder
// between reading them and writing the feed: the build needs a text again
// only to encode its episode (show.complete) or keep it as the last good
// version, and a show of 100,000 episodes holds 500 MB of text, which
// with the garbage collector's headroom was 1 GB of memory.
type spool struct {
	mu  sync.Mutex
	f   *os.File
	w   *bufio.Writer
	off int64 // where the next text goes
	end int64 // what w has written to f
}

// text is an episode's text in the spool, with what identifies it without
// reading it back.
type text struct {
	off  int64
	n    int
	sum  [sha256.Size]byte
	crc  uint32 // as the zip of last good versions has it
	kept bool   // in the spool
	// path, for a text not in the spool, is the episode file that holds
	// it, unread because the read cache knew it (readCache.restoreByStat);
	// get reads it there. Neither: the episode has no text.
	path string
}

// known reports whether the text's digest is known.
func (t text) known() bool { return t.kept || t.path != "" }

// openSpool creates the scratch file in dir. It is unlinked at once where
// the system allows it, so that a killed build leaves nothing behind.
func openSpool(dir string) (*spool, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("state folder: %w", err)
	}
	f, err := os.CreateTemp(dir, ".texts-*")
	if err != nil {
		return nil, fmt.Errorf("state folder: %w; castfeed keeps the episodes' texts there during a build", err)
	}
	_ = os.Remove(f.Name()) // fails on Windows while open; close removes it there
	return &spool{f: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

// put appends b and returns where it is.
func (sp *spool) put(b []byte) (text, error) {
	t := text{n: len(b), sum: sha256.Sum256(b), crc: crc32.ChecksumIEEE(b), kept: true}
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if _, err := sp.w.Write(b); err != nil {
		return text{}, fmt.Errorf("state folder: keep an episode's text: %w", err)
	}
	t.off = sp.off
	sp.off += int64(len(b))
	return t, nil
}

// get reads a text back and checks it is the one put, or the one the
// read cache knew.
func (sp *spool) get(t text) (string, error) {
	if !t.kept {
		b, err := rawfile.Read(t.path)
		if err != nil {
			return "", err
		}
		if len(b) != t.n || sha256.Sum256(b) != t.sum {
			return "", fmt.Errorf("%s changed while castfeed was building; build again", t.path)
		}
		return string(b), nil
	}
	sp.mu.Lock()
	if t.off+int64(t.n) > sp.end {
		if err := sp.w.Flush(); err != nil {
			sp.mu.Unlock()
			return "", err
		}
		sp.end = sp.off
	}
	sp.mu.Unlock()
	b := make([]byte, t.n)
	if _, err := sp.f.ReadAt(b, t.off); err != nil {
		return "", fmt.Errorf("state folder: read an episode's text back: %w", err)
	}
	if sha256.Sum256(b) != t.sum {
		return "", fmt.Errorf("state folder: an episode's text changed in the scratch file")
	}
	return string(b), nil
}

func (sp *spool) close() {
	name := sp.f.Name()
	sp.f.Close()
	os.Remove(name)
}
