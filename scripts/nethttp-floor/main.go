// Command nethttp-floor answers every request with 304 and an ETag, and
// does nothing else: the most requests per second that a server built on
// Go's net/http, with castfeed's timeouts, can answer on a machine.
// scripts/bench-serve.sh runs it beside castfeed serve and nginx, so that
// castfeed's 304 figure reads against both.
//
//	go run ./scripts/nethttp-floor 127.0.0.1:18082
package main

import (
	"fmt"
	"net/http"
	"os"
	"time"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: nethttp-floor HOST:PORT")
		os.Exit(2)
	}
	etag := []string{`"floor"`}
	srv := &http.Server{
		Addr: os.Args[1],
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header()["Etag"] = etag
			w.WriteHeader(http.StatusNotModified)
		}),
		// As castfeed serve's (internal/server.NewHTTPServer): deadlines
		// cost a little on every request.
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
	fmt.Fprintln(os.Stderr, srv.ListenAndServe())
	os.Exit(1)
}
