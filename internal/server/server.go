// Package server serves the published folder to podcast apps: strong
// ETags and conditional GETs (304), gzip compressed once per file version
// rather than per request, byte ranges, CORS for web players, and no way
// out of the folder. It also answers /healthz, /readyz, /metrics and the
// authenticated refresh endpoint.
//
// A publication replaces the folder's files, each with one rename, so the
// server never keeps the folder open: each request opens it anew
// (os.OpenRoot, which also refuses symlinks that lead outside) and then
// reads one complete version of its file, even if a publication replaces
// it meanwhile.
package server

import (
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
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
	// folder caches the published folder's version for folderTTL, so
	// that a burst of conditional GETs costs one stat, not one each.
	folder atomic.Pointer[folderStamp]
}

// folderVersion tells versions of the published folder apart: its inode
// (a first publication, or a folder put back from elsewhere) and its
// mtime, which each publication that changes a file sets once all its
// files are in place (see publish.Tx.Commit). The zero value is unknown.
type folderVersion struct {
	ino   uint64
	mtime int64
}

func versionOf(fi fs.FileInfo) folderVersion {
	ino := inode(fi)
	if ino == 0 {
		return folderVersion{}
	}
	return folderVersion{ino, fi.ModTime().UnixNano()}
}

// folderStamp is the published folder's version and when it was read.
type folderStamp struct {
	v  folderVersion
	at time.Time
}

// folderTTL bounds how long a 304 may be answered for a folder that
// another process (a separate "castfeed build") has just published; the
// server's own refreshes call Published, which takes effect at once.
const folderTTL = 250 * time.Millisecond

// folderVersion returns the published folder's version, stat'ing it at
// most once per folderTTL.
func (s *Server) folderVersion() folderVersion {
	old := s.folder.Load()
	now := time.Now()
	if old != nil && now.Sub(old.at) < folderTTL {
		return old.v
	}
	fi, err := os.Stat(s.opt.Dir)
	if err != nil {
		return folderVersion{}
	}
	v := versionOf(fi)
	// Kept unless Published forgot the folder meanwhile (it stores a new
	// pointer, so the CompareAndSwap fails): this stat may predate the publication
	// that Published announced.
	s.folder.CompareAndSwap(old, &folderStamp{v, now})
	return v
}

// servedVersion is a file version and the version of the folder it was
// read from, taken before the file was opened: a publication replaces
// files (each with a rename, never writing into one) and only then sets
// the folder's version, so a file served under a folder version is that
// version's or an older one, and an older one never outlives the next
// version.
type servedVersion struct {
	folder       folderVersion
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
	s.folder.Store(&folderStamp{}) // a new pointer: see folderVersion
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

// Handler routes requests with method patterns (miniflux's routes.go is
// the model); ServeMux answers 405 with an Allow header for a known path
// and a wrong method. Paths are not cleaned: ServeMux would redirect
// "/a/../b" to "/b", so a path it would clean is refused before routing,
// and safeName refuses hidden files and empty segments.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	if s.opt.Registry != nil {
		mux.Handle("GET /metrics", s.opt.Registry.Handler())
	}
	// GET too, so that it answers 405 naming POST (or 404 when off)
	// rather than falling through to the folder.
	mux.HandleFunc("POST /-/refresh", s.refresh)
	mux.HandleFunc("GET /-/refresh", s.refresh)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		if s.hasSite() {
			s.serveFile(w, r, s.opt.Dir, "index.html")
			return
		}
		http.Redirect(w, r, "/feed.xml", http.StatusFound)
	})
	s.handleFiles(mux, "/", s.opt.Dir)
	if s.opt.MediaDir != "" {
		// A tagged copy castfeed published into the folder's media/
		// wins over media.dir's original (see pipeline/audio.go).
		mux.HandleFunc("GET /media/", func(w http.ResponseWriter, r *http.Request) {
			name := strings.TrimPrefix(r.URL.Path, "/media/")
			if fi, err := os.Stat(filepath.Join(s.opt.Dir, "media", filepath.FromSlash(name))); err == nil && filepath.IsLocal(name) && fi.Mode().IsRegular() {
				s.serveFile(w, r, s.opt.Dir, "media/"+name)
				return
			}
			s.serveFile(w, r, s.opt.MediaDir, name)
		})
	}
	return s.observe(refuseUnclean(s.preflights(mux)))
}

// handleFiles serves dir under prefix (GET and HEAD).
func (s *Server) handleFiles(mux *http.ServeMux, prefix, dir string) {
	mux.HandleFunc("GET "+prefix, func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, prefix)
		if strings.HasSuffix(name, "/") {
			// A folder of the site is its page, as on any static host.
			name += "index.html"
		}
		s.serveFile(w, r, dir, name)
	})
}

// hasSite reports whether the published folder has the show's page;
// without one, / leads to the feed.
func (s *Server) hasSite() bool {
	_, err := os.Stat(filepath.Join(s.opt.Dir, "index.html"))
	return err == nil
}

// preflights answers CORS preflights (OPTIONS) before routing, so that
// the routes' Allow headers name only the methods a path really takes.
func (s *Server) preflights(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions {
			s.preflight(w, r, r.URL.Path)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// refuseUnclean answers 404 to a path that ServeMux would redirect to its
// cleaned form ("//", "/./", "/../"): such a name is never published.
func refuseUnclean(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		clean := path.Clean(p)
		if strings.HasSuffix(p, "/") && clean != "/" {
			clean += "/"
		}
		if clean != p {
			http.NotFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}
