package episode

import (
	"net/url"
	"regexp"
	"strings"
)

var videoIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{11}$`)

// VideoID returns the 11-character id of a YouTube video from any form of
// link people paste: watch?v= (with &t=, &list=, si=…), youtu.be/ID,
// /live/ID, /embed/ID, /shorts/ID, /v/ID, on www., m., music. or
// youtube-nocookie.com, with or without a scheme; or a bare id.
//
// kkdai/youtube's ExtractVideoID is not used: it returns "www.youtube"
// for /live/ links.
func VideoID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if videoIDRE.MatchString(s) {
		return s, true
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", false
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	var id string
	switch host {
	case "youtu.be":
		id = firstSegment(u.Path)
	case "youtube.com", "m.youtube.com", "music.youtube.com", "youtube-nocookie.com", "gaming.youtube.com":
		if u.Path == "/watch" || u.Path == "/watch/" {
			id = u.Query().Get("v")
			break
		}
		for _, prefix := range []string{"/live/", "/embed/", "/shorts/", "/v/", "/e/"} {
			if rest, ok := strings.CutPrefix(u.Path, prefix); ok {
				id = firstSegment(rest)
			}
		}
	}
	if !videoIDRE.MatchString(id) {
		return "", false
	}
	return id, true
}

func firstSegment(p string) string {
	p = strings.TrimPrefix(p, "/")
	if i := strings.IndexByte(p, '/'); i >= 0 {
		p = p[:i]
	}
	return p
}
