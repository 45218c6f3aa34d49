package s3

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
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
// media/, unless the folder has its own file of that name. Digests come from the cache when a file's size and mtime are
// those it was hashed with; the folder keeps an unchanged file's inode,
// hence its mtime, from one version to the next.
func scan(src publish.Source, cache *digestCache) ([]file, error) {
	var files []file
	seen := map[string]string{}
	add := func(root, under string, onlyKnown bool) error {
		return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !d.Type().IsRegular() {
				return nil
			}
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			key := under + filepath.ToSlash(rel)
			if strings.HasPrefix(key, manifestDir+"/") {
				return fmt.Errorf("%s: the name %s is castfeed's own in the bucket; rename it", p, manifestDir)
			}
			kind, ok := publish.KindOf(key)
			if !ok {
				if onlyKnown {
					return nil
				}
				kind = octetStream
			}
			if _, dup := seen[key]; dup {
				// The folder came first: its media/ holds the copies castfeed
				// tagged with chapters (pipeline/audio.go), which win over
				// media.dir's originals, as the server serves them.
				return nil
			}
			seen[key] = p
			fi, err := d.Info()
			if err != nil {
				return err
			}
			files = append(files, file{key: key, path: p, size: fi.Size(), mtime: fi.ModTime().UnixNano(), kind: kind})
			return nil
		})
	}
	if err := add(src.Dir, "", false); err != nil {
		return nil, fmt.Errorf("read the published folder: %w", err)
	}
	if src.MediaDir != "" {
		if err := add(src.MediaDir, "media/", true); err != nil {
			return nil, fmt.Errorf("read media.dir: %w", err)
		}
	}
	slices.SortFunc(files, func(a, b file) int { return strings.Compare(a.key, b.key) })
	if err := cache.fill(files); err != nil {
		return nil, err
	}
	return files, nil
}

// digestCache remembers the SHA-256 of local files by path, size and
// mtime, so that a refresh of a large show reads only the files that
// changed. It lives in the state folder; losing it costs one read of
// every file.
type digestCache struct {
	name    string // "" keeps it in memory only
	mu      sync.Mutex
	entries map[string]cachedDigest
	dirty   bool
}

type cachedDigest struct {
	Size   int64  `json:"size"`
	MTime  int64  `json:"mtime"`
	SHA256 string `json:"sha256"`
}

func openDigestCache(name string) *digestCache {
	c := &digestCache{name: name, entries: map[string]cachedDigest{}}
	if name == "" {
		return c
	}
	data, err := os.ReadFile(name)
	if err == nil && json.Unmarshal(data, &c.entries) != nil {
		c.entries = map[string]cachedDigest{} // damaged: hash everything again
	}
	return c
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
	keep := make(map[string]cachedDigest, len(files))
	for _, f := range files {
		if e, ok := c.entries[f.path]; ok {
			keep[f.path] = e
		}
	}
	data, err := json.Marshal(keep)
	if err != nil {
		return err
	}
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
