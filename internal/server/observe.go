package server

import (
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"time"
)

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
