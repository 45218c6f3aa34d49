// Package publish replaces the output folder as a whole, atomically, and
// only when something in it changed.
//
// A Tx is opened on the published folder; the build hands it every file of
// the new version. Files whose bytes equal the published ones are kept as
// they are (hard links, so their mtime and therefore Last-Modified and
// ETag stay put). A file given whole (WriteFile) is written only from the
// first real difference on; a file streamed (Create), too large to hold,
// is written into the new folder and, if equal to the published one,
// replaced by a link to it. Either way a rebuild that changes nothing
// touches no published file at all. Commit swaps the
// fully written sibling folder in with one rename (RENAME_EXCHANGE where
// the kernel has it), so a reader sees the old version or the new one,
// never a mix, and a failed or killed build leaves the old one intact.
package publish

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/castfeed/castfeed/internal/rawfile"
)

// Tx is one publication of the folder. WriteFile and Create are safe for
// concurrent use, so a build can write its files on every core; Commit
// and Abort come after them.
type Tx struct {
	dir   string // the published folder
	fresh bool   // nothing published yet: no file to compare with
	lock  *os.File

	mu      sync.Mutex
	tmp     string // the sibling being built; "" until the first change
	written map[string]bool
	pending []string // unchanged files to link once tmp exists
	open    map[string]bool
	changed bool
	done    bool

	dirMu sync.Mutex
	dirs  map[string]bool // folders already made in tmp

	// removed is closed once the previous version, swapped out by
	// Commit, is deleted and the lock released (see Wait).
	removed chan struct{}
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
	return &Tx{dir: dir, lock: lock, written: map[string]bool{}, open: map[string]bool{}, fresh: errors.Is(err, fs.ErrNotExist), dirs: map[string]bool{}}, nil
}

// WriteFile adds one file of the new version; name is slash-separated and
// relative to the folder.
func (t *Tx) WriteFile(name string, data []byte) error {
	if err := t.claim(name); err != nil {
		return err
	}
	if done, err := t.add(name, t.same(name, data)); done {
		return err
	}
	return t.write(name, data)
}

// WriteKnown is WriteFile for a file the caller knows the published
// folder holds with these very bytes, because its last publication wrote
// them there and the folder is still that one: a published regular file
// of the same size is kept without being read. A rebuild after one edit
// so reads none of the 36,000 unchanged files of a 10,000-episode show.
func (t *Tx) WriteKnown(name string, data []byte) error {
	if err := t.claim(name); err != nil {
		return err
	}
	same := false
	if !t.fresh {
		fi, err := os.Lstat(filepath.Join(t.dir, filepath.FromSlash(name)))
		same = err == nil && fi.Mode().IsRegular() && fi.Size() == int64(len(data))
	}
	if done, err := t.add(name, same); done {
		return err
	}
	return t.write(name, data)
}

// claim checks name and records that the new version has it.
func (t *Tx) claim(name string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return errors.New("publish: file written after Commit or Abort")
	}
	if !fs.ValidPath(name) || name == "." {
		return fmt.Errorf("publish: invalid file name %q", name)
	}
	if t.written[name] {
		return fmt.Errorf("publish: %s written twice", name)
	}
	t.written[name] = true
	return nil
}

// File is a file of the new version written as a stream (a feed too
// large to hold in memory). It is written into the new folder at once
// and compared with the published file as it is (see comparer); when
// they are equal, Close keeps the published one, so its mtime and ETag
// stay put.
type File struct {
	tx   *Tx
	name string
	f    *os.File
	cmp  *comparer // nil: nothing published to compare with
	*bufio.Writer
}

// comparer writes to the new file and compares, as it goes, with the
// published one: a feed of a large show is 50 MB, and comparing it after
// it is written, in the goroutine that waits on the encoders, made the
// first build after an upgrade (every feed the same) a tenth slower than
// a cold build.
type comparer struct {
	f       *os.File
	old     *os.File
	differ  bool
	scratch []byte
}

func (c *comparer) Write(p []byte) (int, error) {
	if !c.differ {
		if cap(c.scratch) < len(p) {
			c.scratch = make([]byte, len(p))
		}
		b := c.scratch[:len(p)]
		if _, err := io.ReadFull(c.old, b); err != nil || !bytes.Equal(b, p) {
			c.differ = true
		}
	}
	return c.f.Write(p)
}

// same reports whether what was written is the published file, whole.
func (c *comparer) same() bool {
	if c.differ {
		return false
	}
	var one [1]byte
	n, _ := c.old.Read(one[:])
	return n == 0 // the published file has no more
}

// Create adds a file of the new version, written through the returned
// File, which must be closed before Commit.
func (t *Tx) Create(name string) (*File, error) {
	if err := t.claim(name); err != nil {
		return nil, err
	}
	t.mu.Lock()
	err := t.start()
	t.open[name] = true
	t.mu.Unlock()
	if err != nil {
		return nil, err
	}
	dst := filepath.Join(t.tmp, filepath.FromSlash(name))
	if err := t.mkdir(filepath.Dir(dst)); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	file := &File{tx: t, name: name, f: f, Writer: bufio.NewWriterSize(f, 256<<10)}
	if !t.fresh {
		src := filepath.Join(t.dir, filepath.FromSlash(name))
		if fi, err := os.Lstat(src); err == nil && fi.Mode().IsRegular() {
			if old, err := os.Open(src); err == nil {
				file.cmp = &comparer{f: f, old: old}
				file.Writer = bufio.NewWriterSize(file.cmp, 256<<10)
			}
		}
	}
	return file, nil
}

// Close finishes the file.
func (f *File) Close() error {
	t := f.tx
	err := errors.Join(f.Flush(), f.f.Close())
	same := f.cmp != nil && f.cmp.same()
	if f.cmp != nil {
		f.cmp.old.Close()
	}
	t.mu.Lock()
	delete(t.open, f.name)
	t.mu.Unlock()
	if err != nil {
		return err
	}
	dst := f.f.Name()
	src := filepath.Join(t.dir, filepath.FromSlash(f.name))
	if same {
		// Keep the published file: its inode, hence mtime and ETag.
		if os.Remove(dst) == nil && os.Link(src, dst) == nil {
			return nil
		}
		return t.copyBack(f.name, src) // a copy of equal bytes if links fail
	}
	t.mu.Lock()
	t.changed = true
	t.mu.Unlock()
	return nil
}

// copyBack writes the published file's bytes into the new folder.
func (t *Tx) copyBack(name, src string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return t.write(name, data)
}

// sameFile reports whether the regular files a and b hold the same bytes.
func sameFile(a, b string) bool {
	fa, err := os.Open(a)
	if err != nil {
		return false
	}
	defer fa.Close()
	fb, err := os.Open(b)
	if err != nil {
		return false
	}
	defer fb.Close()
	sa, err1 := fa.Stat()
	sb, err2 := fb.Stat()
	if err1 != nil || err2 != nil || !sa.Mode().IsRegular() || sa.Size() != sb.Size() {
		return false
	}
	ba, bb := make([]byte, 256<<10), make([]byte, 256<<10)
	for {
		na, ea := io.ReadFull(fa, ba)
		nb, eb := io.ReadFull(fb, bb)
		if na != nb || !bytes.Equal(ba[:na], bb[:nb]) {
			return false
		}
		if ea != nil || eb != nil { // the end of both: their sizes are equal
			return (ea == io.EOF || ea == io.ErrUnexpectedEOF) && ea == eb
		}
	}
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
	// Every file of a rebuild is compared, 36,000 of them for a
	// 10,000-episode show: read with the size known and without
	// os.Open's poller calls (see rawfile).
	old, err := rawfile.ReadSized(p, fi.Size())
	return err == nil && bytes.Equal(old, data)
}

// add does what adding name takes when its bytes are (same) or are not
// those of the published file: while every file so far is the published
// one, nothing is written and name waits in pending; at the first
// difference the new folder is started, and an unchanged file is linked
// into it. done reports that name needs nothing more.
func (t *Tx) add(name string, same bool) (done bool, err error) {
	t.mu.Lock()
	if t.tmp == "" && same {
		t.pending = append(t.pending, name)
		t.mu.Unlock()
		return true, nil
	}
	err = t.start()
	if !same {
		t.changed = true
	}
	t.mu.Unlock()
	if err != nil {
		return true, err
	}
	if same {
		return true, t.link(name)
	}
	return false, nil
}

// start creates the sibling folder at the first difference and links the
// unchanged files seen so far into it. t.mu is held.
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
	return rawfile.WriteFile(dst, data, 0o644) // see rawfile: 40,000 files a cold build
}

// mkdir makes dir in tmp once: a build writes thousands of files into a
// few thousand folders, and every MkdirAll costs system calls.
func (t *Tx) mkdir(dir string) error {
	t.dirMu.Lock()
	made := t.dirs[dir]
	t.dirMu.Unlock()
	if made {
		return nil
	}
	// Mostly the parent exists: one mkdir, not MkdirAll's stat first.
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	t.dirMu.Lock()
	t.dirs[dir] = true
	t.dirMu.Unlock()
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
	if len(t.open) > 0 {
		return false, fmt.Errorf("publish: Commit with files still open: %v", slices.Sorted(maps.Keys(t.open)))
	}
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
	// t.tmp now holds the previous version (or nothing). Deleting it is
	// the caller's time too: 36,000 files of a 10,000-episode show take
	// 0.15 s, 8% of its build. So it goes on in the background while the
	// caller saves its state, and Wait waits for it.
	t.done = true
	t.removed = make(chan struct{})
	go func(old string) {
		removeTree(old)
		t.lock.Close()
		close(t.removed)
	}(t.tmp)
	t.tmp = ""
	return true, nil
}

// removeTree deletes dir as os.RemoveAll does, the entries of its
// subfolders on every core: the caller waits for it, and one core takes
// 0.15 s to delete the 36,000 files of a 10,000-episode show, a folder
// per episode.
func removeTree(dir string) {
	var paths []string
	top, _ := os.ReadDir(dir)
	for _, e := range top {
		p := filepath.Join(dir, e.Name())
		sub, err := os.ReadDir(p)
		if !e.IsDir() || err != nil {
			paths = append(paths, p)
			continue
		}
		for _, s := range sub {
			paths = append(paths, filepath.Join(p, s.Name()))
		}
	}
	var wg sync.WaitGroup
	next := make(chan string)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for p := range next {
				os.RemoveAll(p)
			}
		})
	}
	for _, p := range paths {
		next <- p
	}
	close(next)
	wg.Wait()
	os.RemoveAll(dir)
}

// Wait returns once what Commit swapped out is deleted and the lock is
// released, so that the next Begin finds neither. It returns at once
// after an Abort or a Commit that published nothing.
func (t *Tx) Wait() {
	if t.removed != nil {
		<-t.removed
	}
}

// Abort discards the new version; the published folder is untouched.
// After a Commit it only waits, as Wait does, so that `defer tx.Abort()`
// is right whatever happened.
func (t *Tx) Abort() {
	switch {
	case t.removed != nil:
		t.Wait()
	case !t.done:
		t.finish()
	}
}

// Abandon is Abort without removing the partly written new version: a
// build stopped by a signal returns at once instead of deleting a folder
// of maybe 300,000 files first, and the next Begin removes it as the
// leftover of an interrupted build (IsTemp tells a server not to serve
// it). The published folder is untouched.
func (t *Tx) Abandon() {
	if !t.done {
		t.done = true
		t.lock.Close()
	}
}

func (t *Tx) finish() {
	if t.removed != nil {
		return // Commit swapped and hands the rest to the background
	}
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
