package server

import (
	"path"
	"strings"
)

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
