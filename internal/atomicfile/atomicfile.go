// Package atomicfile writes a file so that a reader, or the next run after
// a crash, finds the old version or the new one, never half of either:
// a temporary file beside the target, fsync, then rename (the pattern of
// litestream's WriteLTXFile). The state folder's files are written so.
package atomicfile

import (
	"bufio"
	"errors"
	"io"
	"os"
	"path/filepath"
)

// Write writes name through write, creating its folder if needed. The
// temporary file starts with a dot, so the server never serves it, and is
// removed on any error.
func Write(name string, write func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // a no-op once renamed
	bw := bufio.NewWriterSize(f, 256<<10)
	if err := errors.Join(write(bw), bw.Flush()); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// WriteBytes writes data to name atomically.
func WriteBytes(name string, data []byte) error {
	return Write(name, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
