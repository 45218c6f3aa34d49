package publish

import (
	"path"
	"strings"
)

// Kind is how a published file is served: its Content-Type and
// Cache-Control, and whether compressing it pays. The server and the
// bucket both use this one table, so a file reads the same from either.
type Kind struct {
	ContentType  string
	CacheControl string
	Compress     bool
}

// Cache lifetimes by kind: apps poll feeds, so a new episode shows within
// minutes; pages and episode assets change now and then; media and images
// never change under the same name.
const (
	FeedCache  = "public, max-age=300"
	AssetCache = "public, max-age=3600"
	MediaCache = "public, max-age=86400"
)

// Kinds by file name, then by extension; never by the host's MIME tables,
// which differ between machines.
var (
	kindByName = map[string]Kind{
		"feed.xml":      {"application/rss+xml; charset=utf-8", FeedCache, true},
		"feed.atom":     {"application/atom+xml; charset=utf-8", FeedCache, true},
		"feed.json":     {"application/feed+json; charset=utf-8", FeedCache, true},
		"chapters.json": {"application/json+chapters; charset=utf-8", AssetCache, true},
	}
	kindByExt = map[string]Kind{
		".json": {"application/json; charset=utf-8", AssetCache, true},
		".vtt":  {"text/vtt; charset=utf-8", AssetCache, true},
		".srt":  {"application/x-subrip; charset=utf-8", AssetCache, true},
		".html": {"text/html; charset=utf-8", AssetCache, true},
		".css":  {"text/css; charset=utf-8", AssetCache, true},
		".js":   {"text/javascript; charset=utf-8", AssetCache, true},
		".txt":  {"text/plain; charset=utf-8", AssetCache, true},
		".xml":  {"application/xml; charset=utf-8", AssetCache, true},
		".png":  {"image/png", MediaCache, false},
		".jpg":  {"image/jpeg", MediaCache, false},
		".jpeg": {"image/jpeg", MediaCache, false},
		".webp": {"image/webp", MediaCache, false},
		".mp3":  {"audio/mpeg", MediaCache, false},
		".m4a":  {"audio/mp4", MediaCache, false},
		".mp4":  {"video/mp4", MediaCache, false},
		".aac":  {"audio/aac", MediaCache, false},
		".ogg":  {"audio/ogg", MediaCache, false},
		".oga":  {"audio/ogg", MediaCache, false},
		".opus": {"audio/opus", MediaCache, false},
		".flac": {"audio/flac", MediaCache, false},
		".wav":  {"audio/wav", MediaCache, false},
	}
)

// KindOf tells how the file name (slash-separated) is served; false: the
// server refuses to serve it.
func KindOf(name string) (Kind, bool) {
	if k, ok := kindByName[path.Base(name)]; ok {
		return k, true
	}
	k, ok := kindByExt[strings.ToLower(path.Ext(name))]
	return k, ok
}

// Kinds returns every Kind of the table, so a server can prepare the
// headers of each once.
func Kinds() []Kind {
	var out []Kind
	seen := map[Kind]bool{}
	for _, m := range []map[string]Kind{kindByName, kindByExt} {
		for _, k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}
