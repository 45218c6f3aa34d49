// Package server serves the published folder to podcast apps: strong
// ETags and conditional GETs (304), gzip compressed once per file version
// rather than per request, byte ranges, CORS for web players, and no way
// out of the folder. It also answers /healthz, /readyz, /metrics and the
// authenticated refresh endpoint.
//
// The folder is replaced by an atomic directory swap, so the server never
// keeps it open: each request opens the folder anew (os.OpenRoot, which
// also refuses symlinks that lead outside) and then reads one complete
// version of its file, even if a swap happens meanwhile.
package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/castfeed/castfeed/internal/metrics"
)

// Options configure a Server.
type Options struct {
	Dir      string // the published folder
	MediaDir string // optional: served under /media/
	Logger   *slog.Logger
	Metrics  *metrics.Metrics  // may be nil
	Registry *metrics.Registry // served at /metrics; nil: 404
	// Ready tells /readyz whether a feed has been published; nil means
	// "feed.xml exists".
	Ready func() bool
	// Refresh starts a refresh in the background and reports whether it
	// did (false: one is already running).
	Refresh func() bool
	// RefreshToken is the bearer token of POST /-/refresh; "" turns the
	// endpoint off.
	RefreshToken string
}

// Server serves the folder.
type Server struct {
	opt   Options
	log   *slog.Logger
	mu    sync.RWMutex // cache and served
	cache map[fileKey]*entry
	// served remembers, per file of the published folder, the version
	// last served and the folder it was in, so that a conditional GET of
	// an unchanged file is answered 304 after one stat of the folder,
	// without opening it.
	served map[string]servedVersion
	// requests counts requests by method and status without a lookup:
	// podcast apps poll all day.
	requests [len(methods)][600]atomic.Pointer[metrics.CounterValue]
	// folder caches the published folder's inode for folderTTL, so that
	// a burst of conditional GETs costs one stat, not one each.
	folder atomic.Pointer[folderStamp]
}

// folderStamp is the published folder's inode and when it was read.
type folderStamp struct {
	ino uint64
	at  time.Time
}

// folderTTL bounds how long a 304 may be answered for a folder that
// another process (a separate "castfeed build") has just replaced; the
// server's own refreshes call Published, which takes effect at once.
const folderTTL = 250 * time.Millisecond

// folderInode returns the published folder's inode, stat'ing it at most
// once per folderTTL.
func (s *Server) folderInode() uint64 {
	old := s.folder.Load()
	now := time.Now()
	if old != nil && now.Sub(old.at) < folderTTL {
		return old.ino
	}
	fi, err := os.Stat(s.opt.Dir)
	if err != nil {
		return 0
	}
	ino := inode(fi)
	// Kept unless Published forgot the folder meanwhile (it stores a new
	// pointer, so the swap fails): this stat may predate the swap that
	// Published announced.
	s.folder.CompareAndSwap(old, &folderStamp{ino, now})
	return ino
}

// servedVersion is a file version and the inode of the folder it was read
// from. The publisher never changes a file in place: a new version comes
// with a new folder (an atomic swap), hence a new inode.
type servedVersion struct {
	folder       uint64
	lastModified []string // the header, formatted once
	e            *entry
}

// fileKey identifies one version of one file: a rebuilt file gets a new
// inode (or size, or time), so a cached entry never outlives its file.
type fileKey struct {
	path  string
	size  int64
	mtime int64
	ino   uint64
}

// entry is what is computed once per file version.
type entry struct {
	etag   string
	gz     []byte // nil when not compressible or not worth it
	gzETag string
	// The ETag headers, made once: net/http only reads them.
	etagHeader, gzETagHeader []string
}

// New returns a server.
func New(opt Options) *Server {
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Server{opt: opt, log: log, cache: map[fileKey]*entry{}, served: map[string]servedVersion{}}
}

// Published forgets cached versions of files: called after each publish
// so that memory holds only the current folder.
func (s *Server) Published() {
	s.mu.Lock()
	s.cache = map[fileKey]*entry{}
	s.served = map[string]servedVersion{}
	s.mu.Unlock()
	s.folder.Store(&folderStamp{}) // a new pointer: see folderInode
}

// NewHTTPServer returns an http.Server with limits against slow and
// abusive clients. WriteTimeout is long because an episode's audio may
// take many minutes to download on a phone.
func NewHTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
}

// Handler routes requests. The routes are few and fixed, so a switch
// does it: the published files, nearly every request, skip the pattern
// matching of http.ServeMux. Paths are not cleaned: a name with an empty,
// "." or ".." segment is refused (see safeName).
func (s *Server) Handler() http.Handler {
	return s.observe(http.HandlerFunc(s.route))
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	switch p := r.URL.Path; {
	case p == "/healthz":
		if getOnly(w, r) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, "ok\n")
		}
	case p == "/readyz":
		if getOnly(w, r) {
			s.readyz(w, r)
		}
	case p == "/metrics" && s.opt.Registry != nil:
		if getOnly(w, r) {
			s.opt.Registry.Handler().ServeHTTP(w, r)
		}
	case p == "/-/refresh":
		s.refresh(w, r)
	case p == "/" && !s.hasSite():
		http.Redirect(w, r, "/feed.xml", http.StatusFound)
	case strings.HasPrefix(p, "/media/") && s.opt.MediaDir != "":
		s.serveFile(w, r, s.opt.MediaDir, p[len("/media/"):])
	case strings.HasSuffix(p, "/"):
		// A folder of the site is its page, as on any static host.
		s.serveFile(w, r, s.opt.Dir, p[1:]+"index.html")
	case strings.HasPrefix(p, "/"):
		s.serveFile(w, r, s.opt.Dir, p[1:])
	default:
		http.NotFound(w, r)
	}
}

// hasSite reports whether the published folder has the show's page;
// without one, / leads to the feed.
func (s *Server) hasSite() bool {
	_, err := os.Stat(filepath.Join(s.opt.Dir, "index.html"))
	return err == nil
}

// getOnly answers 405 to what is neither GET nor HEAD, and reports
// whether the request may go on.
func getOnly(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return false
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ready := false
	if s.opt.Ready != nil {
		ready = s.opt.Ready()
	} else {
		_, err := os.Stat(path.Join(s.opt.Dir, "feed.xml"))
		ready = err == nil
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if !ready {
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "no feed published yet\n")
		return
	}
	io.WriteString(w, "ready\n")
}

// refresh is POST /-/refresh with "Authorization: Bearer <token>". It
// answers 202 when a refresh started, 409 when one is already running.
func (s *Server) refresh(w http.ResponseWriter, r *http.Request) {
	if s.opt.RefreshToken == "" || s.opt.Refresh == nil {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "use POST", http.StatusMethodNotAllowed)
		return
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(token), []byte(s.opt.RefreshToken)) != 1 {
		w.Header().Set("WWW-Authenticate", `Bearer realm="castfeed"`)
		http.Error(w, "missing or wrong bearer token", http.StatusUnauthorized)
		return
	}
	if !s.opt.Refresh() {
		http.Error(w, "a refresh is already running", http.StatusConflict)
		return
	}
	w.WriteHeader(http.StatusAccepted)
	io.WriteString(w, "refresh started\n")
}

// kind is how a file is served. Header values are slices made once:
// net/http only reads them, and this runs for every poll of every
// podcast app.
type kind struct {
	contentType  []string
	cacheControl []string
	cors         bool
	compress     bool
}

var (
	nosniff      = []string{"nosniff"}
	anyOrigin    = []string{"*"}
	exposed      = []string{"Content-Length, Content-Range, ETag, Last-Modified"}
	varyEncoding = []string{"Accept-Encoding"}
)

func newKind(contentType, cacheControl string, compress bool) *kind {
	return &kind{[]string{contentType}, []string{cacheControl}, true, compress}
}

// Kinds by file name, then by extension; never by the host's MIME tables.
var (
	feedCache  = "public, max-age=300" // apps poll; a new episode shows within minutes
	assetCache = "public, max-age=3600"
	mediaCache = "public, max-age=86400"
	kindByName = map[string]*kind{
		"feed.xml":      newKind("application/rss+xml; charset=utf-8", feedCache, true),
		"feed.atom":     newKind("application/atom+xml; charset=utf-8", feedCache, true),
		"feed.json":     newKind("application/feed+json; charset=utf-8", feedCache, true),
		"chapters.json": newKind("application/json+chapters; charset=utf-8", assetCache, true),
	}
	kindByExt = map[string]*kind{
		".json": newKind("application/json; charset=utf-8", assetCache, true),
		".vtt":  newKind("text/vtt; charset=utf-8", assetCache, true),
		".srt":  newKind("application/x-subrip; charset=utf-8", assetCache, true),
		".html": newKind("text/html; charset=utf-8", assetCache, true),
		".css":  newKind("text/css; charset=utf-8", assetCache, true),
		".js":   newKind("text/javascript; charset=utf-8", assetCache, true),
		".txt":  newKind("text/plain; charset=utf-8", assetCache, true),
		".xml":  newKind("application/xml; charset=utf-8", assetCache, true),
		".png":  newKind("image/png", mediaCache, false),
		".jpg":  newKind("image/jpeg", mediaCache, false),
		".jpeg": newKind("image/jpeg", mediaCache, false),
		".webp": newKind("image/webp", mediaCache, false),
		".mp3":  newKind("audio/mpeg", mediaCache, false),
		".m4a":  newKind("audio/mp4", mediaCache, false),
		".mp4":  newKind("video/mp4", mediaCache, false),
		".aac":  newKind("audio/aac", mediaCache, false),
		".ogg":  newKind("audio/ogg", mediaCache, false),
		".oga":  newKind("audio/ogg", mediaCache, false),
		".opus": newKind("audio/opus", mediaCache, false),
		".flac": newKind("audio/flac", mediaCache, false),
		".wav":  newKind("audio/wav", mediaCache, false),
	}
)

// kindOf tells how name is served; nil: not at all.
func kindOf(name string) *kind {
	if k := kindByName[path.Base(name)]; k != nil {
		return k
	}
	return kindByExt[strings.ToLower(path.Ext(name))]
}

var errNoFolder = errors.New("no published folder")

// openIn opens name inside dir, refusing to leave it, and returns the
// inode of the folder it was found in (0 if unknown). A publish swaps the
// folder: when the folder we opened was swapped out (and is being
// removed) before we opened the file, we try again in the new one.
func openIn(dir, name string) (*os.File, uint64, error) {
	var err error
	for range 3 {
		root, rerr := os.OpenRoot(dir)
		if rerr != nil {
			return nil, 0, fmt.Errorf("%w: %v", errNoFolder, rerr)
		}
		var f *os.File
		f, err = root.Open(name)
		var folder uint64
		if err == nil {
			if fi, serr := root.Stat("."); serr == nil {
				folder = inode(fi)
			}
		}
		root.Close()
		if err == nil || !errors.Is(err, fs.ErrNotExist) {
			return f, folder, err
		}
	}
	return nil, 0, err
}

// notModified answers a conditional GET or HEAD of a file whose served
// version is still the published one with 304, from memory and one stat
// of the folder. Anything it is unsure of goes the long way.
func (s *Server) notModified(w http.ResponseWriter, r *http.Request, dir, name string) bool {
	inm := r.Header.Get("If-None-Match")
	// Only the published folder is swapped on change; media files may be
	// replaced in place, so they always take the long way.
	if inm == "" || r.Header.Get("Range") != "" || dir != s.opt.Dir {
		return false
	}
	s.mu.RLock()
	v, ok := s.served[name]
	s.mu.RUnlock()
	if !ok {
		return false
	}
	if ino := s.folderInode(); ino == 0 || ino != v.folder {
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

func inode(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Ino
	}
	return 0
}

// maxCached is the largest file whose digest and gzip are kept in memory.
const maxCached = 64 << 20

// serveFile serves name from dir: GET, HEAD and CORS preflights only.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, dir, name string) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodOptions:
		s.preflight(w, r, name)
		return
	default:
		w.Header().Set("Allow", "GET, HEAD, OPTIONS")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
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
	if folder != 0 && dir == s.opt.Dir {
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

// observe counts requests by status and logs them at debug level.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		debug := s.log.Enabled(r.Context(), slog.LevelDebug)
		var start time.Time
		if debug {
			start = time.Now()
		}
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		if s.opt.Metrics != nil {
			s.countRequest(r.Method, sw.code)
		}
		if debug {
			s.log.Debug("http", "method", r.Method, "path", r.URL.Path, "status", sw.code, "duration_ms", time.Since(start).Milliseconds())
		}
	})
}

// methods are the metric's method labels; the last stands for any other,
// so that the label set stays small whatever clients send.
var methods = [...]string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodOptions, "other"}

// countRequest adds one to the requests of method answered code.
func (s *Server) countRequest(method string, code int) {
	m := slices.Index(methods[:len(methods)-1], method)
	if m < 0 {
		m = len(methods) - 1
	}
	if code < 0 || code >= len(s.requests[m]) {
		code = 0
	}
	p := &s.requests[m][code]
	c := p.Load()
	if c == nil {
		c = s.opt.Metrics.HTTPRequests.With(strconv.Itoa(code), methods[m])
		p.Store(c)
	}
	c.Inc()
}

type statusWriter struct {
	http.ResponseWriter
	code        int
	wroteHeader bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.code, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
