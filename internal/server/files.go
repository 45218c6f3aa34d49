package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strings"

	"github.com/castfeed/castfeed/internal/publish"
)

var errNoFolder = errors.New("no published folder")

// openIn opens name inside dir, refusing to leave it, and returns the
// version of the folder (zero if unknown), read before the file is opened
// (see servedVersion).
func openIn(dir, name string) (*os.File, folderVersion, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, folderVersion{}, fmt.Errorf("%w: %v", errNoFolder, err)
	}
	defer root.Close()
	var v folderVersion
	if fi, err := root.Stat("."); err == nil {
		v = versionOf(fi)
	}
	f, err := root.Open(name)
	return f, v, err
}

// notModified answers a conditional GET or HEAD of a file whose served
// version is still the published one with 304, from memory and one stat
// of the folder. Anything it is unsure of goes the long way.
func (s *Server) notModified(w http.ResponseWriter, r *http.Request, dir, name string) bool {
	inm := r.Header.Get("If-None-Match")
	// Only the published folder has a version; media files may be
	// replaced at any time, so they always take the long way.
	if inm == "" || r.Header.Get("Range") != "" || dir != s.opt.Dir {
		return false
	}
	s.mu.RLock()
	v, ok := s.served[name]
	s.mu.RUnlock()
	if !ok {
		return false
	}
	if fv := s.folderVersion(); fv == (folderVersion{}) || fv != v.folder {
		return false
	}
	etag, header := v.e.etag, v.e.etagHeader
	if v.e.gz != nil && acceptsGzip(r) {
		etag, header = v.e.gzETag, v.e.gzETagHeader
	}
	if !etagMatch(inm, etag) {
		return false
	}
	h := w.Header()
	h["Etag"] = header
	h["Last-Modified"] = v.lastModified
	w.WriteHeader(http.StatusNotModified)
	return true
}

// etagMatch implements If-None-Match's weak comparison (RFC 9110 13.1.2).
func etagMatch(header, etag string) bool {
	for header != "" {
		var t string
		t, header, _ = strings.Cut(header, ",")
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// inode is publish.Inode, 0 where the system has none.
func inode(fi fs.FileInfo) uint64 {
	ino, _ := publish.Inode(fi)
	return ino
}

// maxCached is the largest file whose digest and gzip are kept in memory.
const maxCached = 64 << 20

// serveFile serves name from dir, for GET and HEAD (the routes let no
// other method through).
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, dir, name string) {
	if !safeName(r, name) {
		http.NotFound(w, r)
		return
	}
	k := kindOf(name)
	if k == nil {
		http.NotFound(w, r)
		return
	}
	// A 304 carries what a cache needs to update its copy (RFC 9110
	// 15.4.5) and CORS; the rest only with a body.
	h := w.Header()
	h["Cache-Control"] = k.cacheControl
	if k.cors {
		h["Access-Control-Allow-Origin"] = anyOrigin
	}
	if k.compress {
		h["Vary"] = varyEncoding
	}
	if s.notModified(w, r, dir, name) {
		return
	}
	h["Content-Type"] = k.contentType
	h["X-Content-Type-Options"] = nosniff
	if k.cors {
		h["Access-Control-Expose-Headers"] = exposed
	}
	f, folder, err := openIn(dir, name)
	if errors.Is(err, errNoFolder) {
		s.log.Warn("open the published folder", "dir", dir, "error", err)
		http.Error(w, "feed not published yet", http.StatusServiceUnavailable)
		return
	}
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	e := s.entry(name, f, fi, k)
	if folder != (folderVersion{}) && dir == s.opt.Dir {
		lm := []string{fi.ModTime().UTC().Format(http.TimeFormat)}
		s.mu.Lock()
		s.served[name] = servedVersion{folder: folder, lastModified: lm, e: e}
		s.mu.Unlock()
	}
	if e.gz != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		h.Set("ETag", e.gzETag)
		http.ServeContent(w, r, name, fi.ModTime(), bytes.NewReader(e.gz))
		return
	}
	h.Set("ETag", e.etag)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		http.Error(w, "read error", http.StatusInternalServerError)
		return
	}
	http.ServeContent(w, r, name, fi.ModTime(), f)
}

// entry returns the cached ETag and gzip of this version of the file,
// computing them on first use. Text files get an ETag from a digest of
// their content, so an identical rebuild keeps it; media files, which
// can be large, one from their size and time.
func (s *Server) entry(name string, f *os.File, fi fs.FileInfo, k *kind) *entry {
	key := fileKey{path: name, size: fi.Size(), mtime: fi.ModTime().UnixNano(), ino: inode(fi)}
	s.mu.RLock()
	e, ok := s.cache[key]
	s.mu.RUnlock()
	if ok {
		return e
	}
	e = &entry{etag: fmt.Sprintf(`"%x-%x"`, fi.Size(), fi.ModTime().UnixNano())}
	if k.compress && fi.Size() <= maxCached {
		data, err := io.ReadAll(f)
		if err == nil && int64(len(data)) == fi.Size() {
			sum := sha256.Sum256(data)
			e.etag = `"` + hex.EncodeToString(sum[:16]) + `"`
			if gz := compress(data); len(gz) < len(data) {
				e.gz, e.gzETag = gz, `"`+hex.EncodeToString(sum[:16])+`-gz"`
			}
		}
	}
	e.etagHeader, e.gzETagHeader = []string{e.etag}, []string{e.gzETag}
	s.mu.Lock()
	s.cache[key] = e
	s.mu.Unlock()
	return e
}

func compress(data []byte) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write(data)
	zw.Close()
	return b.Bytes()
}

// acceptsGzip reads Accept-Encoding, honouring q=0.
func acceptsGzip(r *http.Request) bool {
	for rest := r.Header.Get("Accept-Encoding"); rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") && strings.TrimSpace(coding) != "*" {
			continue
		}
		q := strings.ReplaceAll(params, " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// safeName refuses what could lead out of the folder or to files that
// are not published: "..", hidden files (the publisher's temporary and
// lock files start with a dot), encoded slashes, backslashes and NULs.
// os.Root refuses symlinks that lead out on top of this.
func safeName(r *http.Request, name string) bool {
	raw := strings.ToLower(r.URL.RawPath)
	if strings.Contains(raw, "%2f") || strings.Contains(raw, "%5c") || strings.ContainsAny(name, "\\\x00") || name == "" {
		return false
	}
	for {
		seg, rest, more := strings.Cut(name, "/")
		if seg == "" || seg[0] == '.' {
			return false
		}
		if !more {
			return true
		}
		name = rest
	}
}

func (s *Server) preflight(w http.ResponseWriter, r *http.Request, name string) {
	if k := kindOf(name); k == nil || !k.cors {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Range, If-None-Match, If-Modified-Since")
	h.Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}
