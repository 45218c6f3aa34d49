// Package publish updates the output folder to a new version, only where
// something in it changed, so that no reader ever finds a feed naming a
// file that is not there.
//
// A Tx is opened on the published folder; the build hands it every file of
// the new version. Files whose bytes equal the published ones are left as
// they are, so their mtime and therefore Last-Modified and ETag stay put. A
// file that differs is written into a sibling staging folder; a file given
// whole (WriteFile) is compared before anything is written, a file streamed
// (Create), too large to hold, is compared as it is written. Commit then
// moves the staged files into the folder, each with one rename (a reader
// sees a file's old bytes or its new ones, never a mix): everything else
// first, the feeds last, and only then removes the files the new version
// no longer has, as the bucket does (s3). A feed is so never ahead of what
// it names, and a rebuild that changes one episode touches that episode's
// files and the feeds, not the 36,000 files of a 10,000-episode show.
//
// The first publication, into a folder that does not exist yet, renames the
// whole staging folder into place. A failed or killed build leaves the
// published folder as it was, except for a Commit killed between its
// renames: the folder then holds some new files beside the old feeds,
// which name only files that are there, and Partial reports it until the
// next Commit completes.
package publish

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/castfeed/castfeed/internal/rawfile"
)

// Tx is one publication of the folder. WriteFile and Create are safe for
// concurrent use, so a build can write its files on every core; Commit
// and Abort come after them.
type Tx struct {
	dir   string // the published folder
	fresh bool   // nothing published yet: no file to compare with
	lock  *os.File

	// known is the published folder's files and their sizes, from the
	// list the last Commit left beside it (see manifest.go); nil when
	// that list is missing or describes another version of the folder.
	known map[string]int64

	mu      sync.Mutex
	tmp     string           // the staging folder; "" until the first change
	written map[string]int64 // the new version's files and sizes (-1: still open)
	staged  []string         // files of tmp, to move into dir at Commit
	open    map[string]bool
	done    bool

	dirMu sync.Mutex
	dirs  map[string]bool // folders already made (in tmp while writing, in dir at Commit)

	// placed, if set (by tests), is called by Commit after each file it
	// moved into the folder or removed from it.
	placed func(name string)
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
	t := &Tx{dir: dir, lock: lock, written: map[string]int64{}, open: map[string]bool{}, fresh: errors.Is(err, fs.ErrNotExist), dirs: map[string]bool{}}
	if !t.fresh {
		t.known = readManifest(dir)
	}
	return t, nil
}

// partialName is the mark, beside the folder, of a Commit that began to
// move files into it and has not finished.
func partialName(dir string) string {
	parent, base := filepath.Split(filepath.Clean(dir))
	return filepath.Join(parent, "."+base+".partial")
}

// Partial reports whether a Commit into dir was interrupted between its
// renames, so that the folder may hold some files of a newer version than
// its feeds. Whoever trusts the folder to be what it last published (the
// pipeline's item cache) must compare it instead; the next Commit that
// completes clears the mark.
func Partial(dir string) bool {
	_, err := os.Lstat(partialName(dir))
	return err == nil
}

// WriteFile adds one file of the new version; name is slash-separated and
// relative to the folder.
func (t *Tx) WriteFile(name string, data []byte) error {
	if err := t.claim(name, int64(len(data))); err != nil {
		return err
	}
	if t.same(name, data) {
		return nil
	}
	return t.write(name, data)
}

// WriteKnown is WriteFile for a file of size bytes that the caller knows
// the published folder holds with these very bytes, because its last
// publication wrote them there and the folder is still that one: a
// published regular file of that size is kept without being read, and
// data is called for the bytes only otherwise. A rebuild after one edit
// so reads none of the 36,000 unchanged files of a 10,000-episode show,
// and its caller need not read them either (the item cache).
func (t *Tx) WriteKnown(name string, size int64, data func() ([]byte, error)) error {
	if err := t.claim(name, size); err != nil {
		return err
	}
	if published, ok := t.publishedSize(name); ok && published == size {
		return nil
	}
	b, err := data()
	if err != nil {
		return err
	}
	if int64(len(b)) != size {
		return fmt.Errorf("publish: %s has %d bytes, not the %d announced", name, len(b), size)
	}
	return t.write(name, b)
}

// Keep adds the published file name to the new version as it is, when
// the folder has it, and reports whether it did: the caller knows the
// file is what it would write (the site's pages of an unchanged digest).
func (t *Tx) Keep(name string) (bool, error) {
	size, ok := t.publishedSize(name)
	if !ok {
		return false, nil
	}
	return true, t.claim(name, size)
}

// Holds reports whether the published folder holds a regular file name
// of size bytes (see publishedSize), so that a caller who knows its bytes
// are those need not read them to call WriteKnown.
func (t *Tx) Holds(name string, size int64) bool {
	published, ok := t.publishedSize(name)
	return ok && published == size
}

// publishedSize returns the size of the published regular file name:
// from the list of the folder's files when it holds, else by Lstat (a
// rebuild after one edit of a 10,000-episode show so makes no system call
// for the 36,000 files it keeps).
func (t *Tx) publishedSize(name string) (int64, bool) {
	if t.fresh {
		return 0, false
	}
	if t.known != nil {
		size, ok := t.known[name]
		return size, ok
	}
	fi, err := os.Lstat(filepath.Join(t.dir, filepath.FromSlash(name)))
	if err != nil || !fi.Mode().IsRegular() {
		return 0, false
	}
	return fi.Size(), true
}

// claim checks name and records that the new version has it, with size
// bytes (-1: not known yet).
func (t *Tx) claim(name string, size int64) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return errors.New("publish: file written after Commit or Abort")
	}
	if !fs.ValidPath(name) || name == "." {
		return fmt.Errorf("publish: invalid file name %q", name)
	}
	if _, dup := t.written[name]; dup {
		return fmt.Errorf("publish: %s written twice", name)
	}
	t.written[name] = size
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
	if err := t.claim(name, -1); err != nil {
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
	err := f.Flush()
	size := int64(-1)
	if fi, serr := f.f.Stat(); serr == nil {
		size = fi.Size()
	}
	err = errors.Join(err, f.f.Close())
	same := f.cmp != nil && f.cmp.same()
	if f.cmp != nil {
		f.cmp.old.Close()
	}
	t.mu.Lock()
	delete(t.open, f.name)
	t.written[f.name] = size
	if err == nil && !same {
		t.staged = append(t.staged, f.name)
	}
	t.mu.Unlock()
	if err == nil && same {
		// Keep the published file: its inode, hence mtime and ETag.
		return os.Remove(f.f.Name())
	}
	return err
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
	if size, ok := t.publishedSize(name); !ok || size != int64(len(data)) {
		return false
	}
	// Every file of a rebuild is compared, 36,000 of them for a
	// 10,000-episode show: read with the size known and without
	// os.Open's poller calls (see rawfile).
	old, err := rawfile.ReadSized(filepath.Join(t.dir, filepath.FromSlash(name)), int64(len(data)))
	return err == nil && bytes.Equal(old, data)
}

// start creates the staging folder at the first difference. t.mu is
// held.
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
	return nil
}

// stage returns where name goes in the staging folder, its folder made,
// and records that Commit moves it into place.
func (t *Tx) stage(name string) (string, error) {
	t.mu.Lock()
	err := t.start()
	t.staged = append(t.staged, name)
	t.mu.Unlock()
	if err != nil {
		return "", err
	}
	dst := filepath.Join(t.tmp, filepath.FromSlash(name))
	return dst, t.mkdir(filepath.Dir(dst))
}

func (t *Tx) write(name string, data []byte) error {
	dst, err := t.stage(name)
	if err != nil {
		return err
	}
	return rawfile.WriteFile(dst, data, 0o644) // see rawfile: 40,000 files a cold build
}

// mkdir makes dir once: a build writes thousands of files into a few
// thousand folders, and every MkdirAll costs system calls.
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
// version lacks counts as a difference. The staged files go in first, the
// feeds last, the files no longer in the version are removed after them
// (see the package comment).
func (t *Tx) Commit() (changed bool, err error) {
	if t.done {
		return false, errors.New("publish: Commit after Commit or Abort")
	}
	defer t.finish()
	if len(t.open) > 0 {
		return false, fmt.Errorf("publish: Commit with files still open: %v", slices.Sorted(maps.Keys(t.open)))
	}
	if !t.exists() {
		// Nothing published yet: the staging folder becomes the folder,
		// in one rename.
		if err := t.start(); err != nil {
			return false, err
		}
		if err := syncFS(t.tmp); err != nil {
			return false, fmt.Errorf("flush build folder: %w", err)
		}
		if err := os.Rename(t.tmp, t.dir); err != nil {
			return false, fmt.Errorf("publish %s: %w", t.dir, err)
		}
		t.tmp = ""
		return true, t.settle(false)
	}
	before, err := os.Stat(t.dir)
	if err != nil {
		return false, err
	}
	removed, err := t.removedFiles()
	if err != nil {
		return false, err
	}
	if len(t.staged) == 0 && len(removed) == 0 {
		// Every file of the folder is the new version's: the mark of an
		// interrupted Commit, if any, no longer holds.
		return false, t.settle(t.known != nil)
	}
	if t.tmp != "" {
		if err := syncFS(t.tmp); err != nil {
			return false, fmt.Errorf("flush build folder: %w", err)
		}
	}
	if err := rawfile.WriteFile(partialName(t.dir), nil, 0o644); err != nil {
		return false, fmt.Errorf("publish %s: %w", t.dir, err)
	}
	// Sorted, the feeds after everything they may name.
	slices.SortFunc(t.staged, func(a, b string) int {
		if fa, fb := isFeed(a), isFeed(b); fa != fb {
			if fa {
				return 1
			}
			return -1
		}
		return strings.Compare(a, b)
	})
	for _, name := range t.staged {
		if err := t.place(name); err != nil {
			return false, fmt.Errorf("publish %s: %w", name, err)
		}
		if t.placed != nil {
			t.placed(name)
		}
	}
	if err := t.remove(removed); err != nil {
		return false, fmt.Errorf("publish %s: %w", t.dir, err)
	}
	if err := t.stampVersion(before); err != nil {
		return false, fmt.Errorf("publish %s: %w", t.dir, err)
	}
	return true, t.settle(false)
}

// settle ends a publication: the folder's files are listed for the next
// one (unless listed, the list holds already) and the mark of an
// interrupted Commit is cleared. A list that cannot be written is no
// error: it names an older version of the folder, so the next
// publication does without it.
func (t *Tx) settle(listed bool) error {
	if !listed {
		writeManifest(t.dir, t.written)
	}
	return clearPartial(t.dir)
}

// stampVersion sets the folder's mtime, once every file of the new
// version is in place: a server tells versions apart by it without
// opening a file (internal/server). It always moves, even where the file
// system keeps whole seconds and two publications fall in one.
func (t *Tx) stampVersion(before fs.FileInfo) error {
	now := time.Now()
	if err := os.Chtimes(t.dir, now, now); err != nil {
		return err
	}
	after, err := os.Stat(t.dir)
	if err != nil || !after.ModTime().Equal(before.ModTime()) {
		return err
	}
	next := before.ModTime().Add(time.Second)
	return os.Chtimes(t.dir, next, next)
}

// isFeed reports whether name is one of the show's feeds, which go into
// the folder last.
func isFeed(name string) bool {
	k, _ := KindOf(name)
	return !strings.Contains(name, "/") && k.CacheControl == FeedCache
}

// place moves a staged file into the published folder, replacing the
// published one in one rename.
func (t *Tx) place(name string) error {
	src := filepath.Join(t.tmp, filepath.FromSlash(name))
	dst := filepath.Join(t.dir, filepath.FromSlash(name))
	err := os.Rename(src, dst)
	if errors.Is(err, fs.ErrNotExist) {
		// A new folder (a new episode's): made once, then the rename.
		if err := t.mkdir(filepath.Dir(dst)); err != nil {
			return err
		}
		err = os.Rename(src, dst)
	}
	return err
}

// remove deletes the published files of removed, then the folders they
// leave empty.
func (t *Tx) remove(removed []string) error {
	dirs := map[string]bool{}
	for _, name := range removed {
		if err := os.Remove(filepath.Join(t.dir, filepath.FromSlash(name))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if t.placed != nil {
			t.placed(name)
		}
		for d := path.Dir(name); d != "."; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	// Deepest first; a folder that still has files stays.
	for _, d := range slices.SortedFunc(maps.Keys(dirs), func(a, b string) int {
		return cmp.Or(strings.Count(b, "/")-strings.Count(a, "/"), strings.Compare(a, b))
	}) {
		os.Remove(filepath.Join(t.dir, filepath.FromSlash(d)))
	}
	return nil
}

// clearPartial removes the mark of an interrupted Commit (see Partial).
func clearPartial(dir string) error {
	if err := os.Remove(partialName(dir)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Abort discards the new version; the published folder is untouched.
// After a Commit it does nothing, so that `defer tx.Abort()` is right
// whatever happened.
func (t *Tx) Abort() {
	if !t.done {
		t.finish()
	}
}

// Abandon is Abort without removing the partly written staging folder: a
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
	t.done = true
	if t.tmp != "" {
		os.RemoveAll(t.tmp) // after a Commit, only the staging folder's empty folders
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
	if t.known != nil {
		for name := range t.known {
			if _, ok := t.written[name]; !ok {
				removed = append(removed, name)
			}
		}
		slices.Sort(removed)
		return removed, nil
	}
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
		if name := filepath.ToSlash(rel); !has(t.written, name) {
			removed = append(removed, name)
		}
		return nil
	})
	slices.Sort(removed)
	return removed, err
}

func has(m map[string]int64, name string) bool {
	_, ok := m[name]
	return ok
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
