package server

import (
	"crypto/subtle"
	"io"
	"net/http"
	"os"
	"path"
	"strings"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "ok\n")
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
