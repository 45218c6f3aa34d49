package transcript

import (
	"crypto/sha256"
	"encoding/binary"
	"io"
	"strings"
	"testing"
	"time"
)

// digestByWrites is Digest as it was written, a Write per field: the
// judge of the buffered one, whose digests the item cache keeps.
func digestByWrites(t *Transcript) (d [sha256.Size]byte) {
	h := sha256.New()
	str := func(v string) {
		h.Write(binary.AppendUvarint(nil, uint64(len(v))))
		io.WriteString(h, v)
	}
	str(t.Language)
	str(string(t.Kind))
	for _, c := range t.Cues {
		h.Write(binary.AppendVarint(binary.AppendVarint(nil, int64(c.Start)), int64(c.End)))
		str(c.Text)
	}
	h.Sum(d[:0])
	return d
}

// FuzzDigest: the buffered Digest is the digest of the same bytes, texts
// longer than its buffer and many cues included.
func FuzzDigest(f *testing.F) {
	f.Add("ar", "مرحبا", 3, 0)
	f.Add("", "", 0, 0)
	f.Add("en", "x", 2000, 5000)
	f.Fuzz(func(t *testing.T, lang, text string, cues, long int) {
		cues, long = min(max(cues, 0), 3000), min(max(long, 0), 20000)
		tr := &Transcript{Language: lang, Kind: Local}
		for i := range cues {
			tr.Cues = append(tr.Cues, Cue{time.Duration(i) * time.Second, time.Duration(-i), text + strings.Repeat("y", i%7*long/6)})
		}
		if got, want := tr.Digest(), digestByWrites(tr); got != want {
			t.Fatalf("Digest of %d cues of %q (+%d) = %x, want %x", cues, text, long, got, want)
		}
	})
}
