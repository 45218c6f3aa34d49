// Package publish replaces the output folder as a whole, atomically, and
// only when something in it changed.
//
// A Tx is opened on the published folder; the build hands it every file of
// the new version. Files whose bytes equal the published ones are kept as
// they are (hard links, so their mtime and therefore Last-Modified and
// ETag stay put). Nothing is written until the first real difference: a
// rebuild that changes nothing touches no file at all. Commit swaps the
// fully written sibling folder in with one rename (RENAME_EXCHANGE where
// the kernel has it), so a reader sees the old version or the new one,
// never a mix, and a failed or killed build leaves the old one intact.
package publish

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Tx is one publication of the folder. It is not safe for concurrent use;
// the build feeds it from one goroutine.
type Tx struct {
	dir     string // the published folder
	tmp     string // the sibling being built; "" until the first change
	lock    *os.File
	written map[string]bool
	pending []string // unchanged files to link once tmp exists
	changed bool
	done    bool
	fresh   bool            // nothing published yet: no file to compare with
	dirs    map[string]bool // folders already made in tmp
}

// Begin opens a publication of dir. It takes an exclusive lock beside dir
// (two castfeed processes never publish at once) and removes what a
// killed earlier build left behind.
func Begin(dir string) (*Tx, error) {
	dir = filepath.Clean(dir)
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("create output parent: %w", err)
	}
	lock, err := lockFile(filepath.Join(parent, "."+base+".lock"))
	if err != nil {
		return nil, err
	}
	stale, _ := filepath.Glob(filepath.Join(parent, "."+base+".tmp-*"))
	for _, s := range stale {
		if err := os.RemoveAll(s); err != nil {
			lock.Close()
			return nil, fmt.Errorf("remove leftover of an interrupted build: %w", err)
		}
	}
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		lock.Close()
		return nil, fmt.Errorf("output %s is a file, not a folder; set output.dir to a folder", dir)
	}
	_, err = os.Stat(dir)
	return &Tx{dir: dir, lock: lock, written: map[string]bool{}, fresh: errors.Is(err, fs.ErrNotExist), dirs: map[string]bool{}}, nil
}

// WriteFile adds one file of the new version; name is slash-separated and
// relative to the folder.
func (t *Tx) WriteFile(name string, data []byte) error {
	if t.done {
		return errors.New("publish: WriteFile after Commit or Abort")
	}
	if !fs.ValidPath(name) || name == "." {
		return fmt.Errorf("publish: invalid file name %q", name)
	}
	if t.written[name] {
		return fmt.Errorf("publish: %s written twice", name)
	}
	t.written[name] = true
	if t.tmp == "" && t.same(name, data) {
		t.pending = append(t.pending, name)
		return nil
	}
	if err := t.start(); err != nil {
		return err
	}
	if t.tmp != "" && t.same(name, data) {
		return t.link(name)
	}
	t.changed = true
	return t.write(name, data)
}

// same reports whether the published file name holds exactly data.
func (t *Tx) same(name string, data []byte) bool {
	if t.fresh {
		return false
	}
	p := filepath.Join(t.dir, filepath.FromSlash(name))
	fi, err := os.Lstat(p)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != int64(len(data)) {
		return false
	}
	old, err := os.ReadFile(p)
	return err == nil && bytes.Equal(old, data)
}

// start creates the sibling folder at the first difference and links the
// unchanged files seen so far into it.
func (t *Tx) start() error {
	if t.tmp != "" {
		return nil
	}
	parent, base := filepath.Split(t.dir)
	if parent == "" {
		parent = "."
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("create build folder: %w", err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	t.tmp = tmp
	for _, name := range t.pending {
		if err := t.link(name); err != nil {
			return err
		}
	}
	t.pending = nil
	return nil
}

func (t *Tx) link(name string) error {
	dst := filepath.Join(t.tmp, filepath.FromSlash(name))
	if err := t.mkdir(filepath.Dir(dst)); err != nil {
		return err
	}
	src := filepath.Join(t.dir, filepath.FromSlash(name))
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	// Hard links fail across some mounts; a copy is only slower.
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return t.write(name, data)
}

func (t *Tx) write(name string, data []byte) error {
	dst := filepath.Join(t.tmp, filepath.FromSlash(name))
	if err := t.mkdir(filepath.Dir(dst)); err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o644)
}

// mkdir makes dir in tmp once: a build writes thousands of files into a
// few thousand folders, and every MkdirAll costs system calls.
func (t *Tx) mkdir(dir string) error {
	if t.dirs[dir] {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	t.dirs[dir] = true
	return nil
}

// Commit publishes the new version if it differs from the published one
// and reports whether it did. A file of the published folder that the new
// version lacks counts as a difference.
func (t *Tx) Commit() (changed bool, err error) {
	if t.done {
		return false, errors.New("publish: Commit after Commit or Abort")
	}
	defer t.finish()
	if !t.changed {
		removed, err := t.removedFiles()
		if err != nil {
			return false, err
		}
		if len(removed) == 0 && t.exists() {
			return false, nil
		}
		if err := t.start(); err != nil {
			return false, err
		}
	}
	if err := syncFS(t.tmp); err != nil {
		return false, fmt.Errorf("flush build folder: %w", err)
	}
	if err := swap(t.tmp, t.dir); err != nil {
		return false, fmt.Errorf("publish %s: %w", t.dir, err)
	}
	// t.tmp now holds the previous version (or nothing); finish removes it.
	return true, nil
}

// Abort discards the new version; the published folder is untouched.
func (t *Tx) Abort() {
	if !t.done {
		t.finish()
	}
}

func (t *Tx) finish() {
	t.done = true
	if t.tmp != "" {
		os.RemoveAll(t.tmp)
	}
	t.lock.Close()
}

func (t *Tx) exists() bool {
	fi, err := os.Stat(t.dir)
	return err == nil && fi.IsDir()
}

// removedFiles lists published files the new version does not write.
func (t *Tx) removedFiles() ([]string, error) {
	var removed []string
	err := filepath.WalkDir(t.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == t.dir {
				return fs.SkipAll
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(t.dir, p)
		if name := filepath.ToSlash(rel); !t.written[name] {
			removed = append(removed, name)
		}
		return nil
	})
	slices.Sort(removed)
	return removed, err
}

// Files lists the published folder's files, slash-separated and sorted;
// tests and the safety checks use it.
func Files(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	slices.Sort(out)
	return out, err
}

// IsTemp reports whether name is a build folder of this package, so a
// server in the same parent folder can refuse to serve it.
func IsTemp(name string) bool {
	base := path.Base(filepath.ToSlash(name))
	return strings.HasPrefix(base, ".") && strings.Contains(base, ".tmp-")
}
