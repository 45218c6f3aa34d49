package episode

import (
	"net/url"
	"strings"
)

// VideoID returns the 11-character id of a YouTube video from any form of
// link people paste: watch?v= (with &t=, &list=, si=, …), youtu.be/ID,
// /live/ID, /embed/ID, /shorts/ID, /v/ID, on www., m., music. or
// youtube-nocookie.com, with or without a scheme; or a bare id.
//
// kkdai/youtube's ExtractVideoID is not used: it returns "www.youtube"
// for /live/ links.
func VideoID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">")
	if isVideoID(s) {
		return s, true
	}
	switch {
	case strings.HasPrefix(s, "//"):
		s = "https:" + s
	case !strings.Contains(s, "://"):
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" && u.Scheme != "http" {
		return "", false
	}
	var id string
	switch strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.") {
	case "youtu.be":
		id = firstSegment(u.Path)
	case "youtube.com", "m.youtube.com", "music.youtube.com", "gaming.youtube.com", "youtube-nocookie.com":
		if u.Path == "/watch" || u.Path == "/watch/" {
			id = u.Query().Get("v")
			break
		}
		for _, prefix := range [...]string{"/live/", "/embed/", "/shorts/", "/v/", "/e/"} {
			if rest, ok := strings.CutPrefix(u.Path, prefix); ok {
				id = firstSegment(rest)
				break
			}
		}
	}
	if !isVideoID(id) {
		return "", false
	}
	return id, true
}

// isVideoID reports whether s has the form of a video id: 11 letters,
// digits, - or _.
func isVideoID(s string) bool {
	if len(s) != 11 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func firstSegment(p string) string {
	p = strings.TrimPrefix(p, "/")
	if i := strings.IndexByte(p, '/'); i >= 0 {
		p = p[:i]
	}
	return p
}
