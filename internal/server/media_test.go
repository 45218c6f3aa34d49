package server

import (
	"net/http"
	"testing"
)

// TestTaggedMediaWins: the folder's media/<slug>.mp3, the tagged copy a
// build publishes, is served instead of media.dir's original; a file only
// media.dir has is still served from there.
func TestTaggedMediaWins(t *testing.T) {
	files := defaultFiles()
	files["media/ep1.mp3"] = "tagged copy"
	s := newSite(t, files)
	if resp, body := s.do("GET", "/media/ep1.mp3"); resp.StatusCode != http.StatusOK || string(body) != "tagged copy" {
		t.Errorf("GET /media/ep1.mp3: %s %q, want the published tagged copy", resp.Status, body)
	}
	s = newSite(t, defaultFiles())
	if resp, body := s.do("GET", "/media/ep1.mp3"); resp.StatusCode != http.StatusOK || len(body) != 10000 {
		t.Errorf("GET /media/ep1.mp3 without a tagged copy: %s, %d bytes, want media.dir's 10000", resp.Status, len(body))
	}
}
