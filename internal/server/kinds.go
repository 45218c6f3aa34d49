package server

import "github.com/castfeed/castfeed/internal/publish"

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

// kinds holds the headers of each kind of the table the bucket shares
// (publish.KindOf), made once.
var kinds = func() map[publish.Kind]*kind {
	m := map[publish.Kind]*kind{}
	for _, k := range publish.Kinds() {
		m[k] = newKind(k.ContentType, k.CacheControl, k.Compress)
	}
	return m
}()

// kindOf tells how name is served; nil: not at all.
func kindOf(name string) *kind {
	k, ok := publish.KindOf(name)
	if !ok {
		return nil
	}
	return kinds[k]
}
