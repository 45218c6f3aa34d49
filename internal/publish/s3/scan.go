package s3

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/castfeed/castfeed/internal/publish"
)

// file is one file of the local version, as it should be in the bucket.
type file struct {
	key   string // relative to the prefix, slash-separated
	path  string // on disk
	size  int64
	mtime int64 // nanoseconds, with size the stamp the digest cache trusts
	sum   string
	kind  publish.Kind
}

// octetStream is the kind of a file castfeed's table does not know: the
// bucket still gets it, so that nothing a page names is missing.
var octetStream = publish.Kind{ContentType: "application/octet-stream", CacheControl: publish.AssetCache}

// scan lists the files of src with their digests: the folder at the
// root, the media folder's files (those the server would serve) under
// media/, unless the folder has its own file of that name. Digests come
// from the cache when a file's size and mtime are those it was hashed
// with; the folder keeps an unchanged file's inode, hence its mtime, from
// one version to the next.
func scan(src publish.Source, cache *digestCache) ([]file, error) {
	files, err := local(src)
	if err != nil {
		return nil, err
	}
	if err := cache.fill(files); err != nil {
		return nil, err
	}
	return files, nil
}

// local lists the files of src as scan does, without their digests.
func local(src publish.Source) ([]file, error) {
	found, err := walk(src.Dir)
	if err != nil {
		return nil, fmt.Errorf("read the published folder: %w", err)
	}
	files := make([]file, 0, len(found))
	for _, f := range found {
		if strings.HasPrefix(f.key, manifestDir+"/") {
			return nil, fmt.Errorf("%s: the name %s is castfeed's own in the bucket; rename it", f.path, manifestDir)
		}
		kind, ok := publish.KindOf(f.key)
		if !ok {
			kind = octetStream
		}
		f.kind = kind
		files = append(files, f)
	}
	if src.MediaDir != "" {
		media, err := walk(src.MediaDir)
		if err != nil {
			return nil, fmt.Errorf("read media.dir: %w", err)
		}
		inFolder := make(map[string]bool, len(files))
		for _, f := range files {
			inFolder[f.key] = true
		}
		for _, f := range media {
			f.key = "media/" + f.key
			kind, ok := publish.KindOf(f.key)
			// The folder comes first: its media/ holds the copies castfeed
			// tagged with chapters (pipeline/audio.go), which win over
			// media.dir's originals, as the server serves them.
			if !ok || inFolder[f.key] {
				continue
			}
			f.kind = kind
			files = append(files, f)
		}
	}
	slices.SortFunc(files, func(a, b file) int { return strings.Compare(a.key, b.key) })
	return files, nil
}

// walk lists the regular files under root (symbolic links are not
// followed), with their keys relative to root. (Reading the folders on
// two cores instead was no faster on a busy machine: a show of 10,000
// episodes has 10,000 folders, and the time goes to the kernel's work for
// an open, a read and a stat a file.)
func walk(root string) ([]file, error) {
	var files []file
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		files = append(files, file{key: filepath.ToSlash(rel), path: p, size: fi.Size(), mtime: fi.ModTime().UnixNano()})
		return nil
	})
	return files, err
}

// digestCache remembers the SHA-256 of local files by path, size and
// mtime, so that a refresh of a large show reads only the files that
// changed. It lives in the state folder; losing it costs one read of
// every file.
//
// It is a text file, digestCacheHeader then one line a file,
// "<sha256> <size> <mtime ns> <path>": a show of 10,000 episodes has
// 40,000 files, and encoding/json took a tenth of a second to read them
// and as long to write them, on every publish. Another content (a damaged
// file, the JSON of older versions) is dropped, and every file hashed
// again once.
type digestCache struct {
	name    string // "" keeps it in memory only
	mu      sync.Mutex
	entries map[string]cachedDigest
	dirty   bool
}

const digestCacheHeader = "castfeed digest cache 2\n"

type cachedDigest struct {
	Size   int64
	MTime  int64
	SHA256 string
}

func openDigestCache(name string) *digestCache {
	c := &digestCache{name: name, entries: map[string]cachedDigest{}}
	if name == "" {
		return c
	}
	if data, err := os.ReadFile(name); err == nil {
		if e, ok := parseDigests(data); ok {
			c.entries = e
		}
	}
	return c
}

// parseDigests reads what appendDigests wrote; ok is false when data is
// anything else.
func parseDigests(data []byte) (_ map[string]cachedDigest, ok bool) {
	rest, ok := bytes.CutPrefix(data, []byte(digestCacheHeader))
	if !ok {
		return nil, false
	}
	entries := make(map[string]cachedDigest, bytes.Count(rest, []byte{'\n'}))
	for len(rest) > 0 {
		line, after, ok := bytes.Cut(rest, []byte{'\n'})
		if !ok {
			return nil, false // cut short
		}
		rest = after
		sum, line, _ := bytes.Cut(line, []byte{' '})
		size, line, _ := bytes.Cut(line, []byte{' '})
		mtime, name, ok := bytes.Cut(line, []byte{' '})
		var d cachedDigest
		var err1, err2 error
		d.Size, err1 = strconv.ParseInt(string(size), 10, 64)
		d.MTime, err2 = strconv.ParseInt(string(mtime), 10, 64)
		if !ok || len(sum) != 2*sha256.Size || err1 != nil || err2 != nil || len(name) == 0 {
			return nil, false
		}
		d.SHA256 = string(sum)
		entries[string(name)] = d
	}
	return entries, true
}

// appendDigests appends the cache's lines for the files to buf; a path
// with a line break is left out (hashed on each publish).
func appendDigests(buf []byte, files []file, entries map[string]cachedDigest) []byte {
	buf = append(buf, digestCacheHeader...)
	for _, f := range files {
		e, ok := entries[f.path]
		if !ok || strings.ContainsAny(f.path, "\n\r") {
			continue
		}
		buf = append(buf, e.SHA256...)
		buf = append(buf, ' ')
		buf = strconv.AppendInt(buf, e.Size, 10)
		buf = append(buf, ' ')
		buf = strconv.AppendInt(buf, e.MTime, 10)
		buf = append(buf, ' ')
		buf = append(buf, f.path...)
		buf = append(buf, '\n')
	}
	return buf
}

// fill sets the digest of every file, hashing on all cores those the
// cache cannot vouch for.
func (c *digestCache) fill(files []file) error {
	var todo []int
	for i := range files {
		f := &files[i]
		if e, ok := c.entries[f.path]; ok && e.Size == f.size && e.MTime == f.mtime {
			f.sum = e.SHA256
			continue
		}
		todo = append(todo, i)
	}
	var (
		wg   sync.WaitGroup
		next = make(chan int)
		errs = make([]error, len(files))
	)
	for range min(runtime.GOMAXPROCS(0), max(len(todo), 1)) {
		wg.Go(func() {
			for i := range next {
				f := &files[i]
				f.sum, errs[i] = hashFile(f.path)
				if errs[i] == nil {
					c.mu.Lock()
					c.entries[f.path] = cachedDigest{f.size, f.mtime, f.sum}
					c.dirty = true
					c.mu.Unlock()
				}
			}
		})
	}
	for _, i := range todo {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

// save writes the cache, keeping only the files of this version.
func (c *digestCache) save(files []file) error {
	if c.name == "" {
		return nil
	}
	if !c.dirty && len(c.entries) == len(files) {
		return nil
	}
	data := appendDigests(make([]byte, 0, len(files)*160), files, c.entries)
	if err := os.MkdirAll(filepath.Dir(c.name), 0o755); err != nil {
		return err
	}
	tmp := c.name + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, c.name)
}

func hashFile(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func sum(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}
