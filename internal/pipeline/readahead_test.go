package pipeline

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadAhead: reads through the window return what reads of the file
// itself return, bytes and whether they came short, whatever the order.
func FuzzReadAhead(f *testing.F) {
	f.Add(uint16(3000), []byte{0, 0, 10, 0, 5, 0, 100, 0, 250, 11, 255, 255})
	f.Fuzz(func(t *testing.T, size uint16, reads []byte) {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(i * 7)
		}
		name := filepath.Join(t.TempDir(), "f")
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
		file, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer file.Close()
		ra := &readAhead{f: file, buf: make([]byte, 0, 64)} // a small window, to cross it often
		for len(reads) >= 4 {
			off, n := int64(binary.LittleEndian.Uint16(reads)), int(reads[2])%80
			reads = reads[4:]
			want := make([]byte, n)
			wn, werr := file.ReadAt(want, off)
			got := make([]byte, n)
			gn, gerr := ra.ReadAt(got, off)
			if gn != wn || (gerr == nil) != (werr == nil) || !bytes.Equal(got[:gn], want[:wn]) {
				t.Fatalf("ReadAt(%d bytes at %d): %d %v %q, the file gives %d %v %q", n, off, gn, gerr, got[:gn], wn, werr, want[:wn])
			}
		}
	})
}
