package server

import (
	"maps"
	"net/http"
	"testing"
)

// TestSitePages: with the show's pages published, / and every folder
// are their index.html, and the stylesheet and script have their types.
func TestSitePages(t *testing.T) {
	files := defaultFiles()
	maps.Copy(files, map[string]string{
		"index.html":                 "<!DOCTYPE html><title>show</title>",
		"page/2/index.html":          "<!DOCTYPE html><title>page 2</title>",
		"episodes/ep1/index.html":    "<!DOCTYPE html><title>ep1</title>",
		"assets/site.0123456789.css": "body{}",
		"assets/site.0123456789.js":  "'use strict';",
	})
	s := newSite(t, files)
	for _, tc := range []struct{ path, ctype, body string }{
		{"/", "text/html; charset=utf-8", files["index.html"]},
		{"/page/2/", "text/html; charset=utf-8", files["page/2/index.html"]},
		{"/episodes/ep1/", "text/html; charset=utf-8", files["episodes/ep1/index.html"]},
		{"/episodes/ep1/index.html", "text/html; charset=utf-8", files["episodes/ep1/index.html"]},
		{"/assets/site.0123456789.css", "text/css; charset=utf-8", "body{}"},
		{"/assets/site.0123456789.js", "text/javascript; charset=utf-8", "'use strict';"},
	} {
		resp, body := s.do("GET", tc.path)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != tc.ctype || string(body) != tc.body {
			t.Errorf("GET %s: %s, type %q, body %q; want 200, %q, %q", tc.path, resp.Status, resp.Header.Get("Content-Type"), body, tc.ctype, tc.body)
		}
	}
	for _, p := range []string{"/episodes/", "/episodes/nope/", "/.publish/", "/episodes/../"} {
		if resp, _ := s.do("GET", p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %s, want 404", p, resp.Status)
		}
	}
}
