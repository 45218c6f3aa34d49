package s3

import (
	"encoding/json"
	"fmt"
	"time"
)

// manifestDir holds castfeed's own objects under the prefix.
const manifestDir = ".castfeed"

// manifestName is the manifest's key under the prefix.
const manifestName = manifestDir + "/manifest.json"

// manifestVersion changes when the manifest's meaning does; a manifest of
// another version is not trusted (the bucket is listed instead).
const manifestVersion = 1

// manifest is what castfeed last published to the bucket. It is written
// after the feeds, so it never claims an object that is not there; it may
// lag behind (an interrupted Sync), which costs uploads, never a reader.
type manifest struct {
	Version int `json:"version"`
	// Bucket and Prefix say where it was written: a manifest copied
	// with the objects to another place is not trusted.
	Bucket  string            `json:"bucket"`
	Prefix  string            `json:"prefix"`
	Objects map[string]object `json:"objects"`
}

// object is one object of the bucket, named relative to the prefix.
type object struct {
	Size         int64  `json:"size"`
	SHA256       string `json:"sha256"`
	ContentType  string `json:"content_type"`
	CacheControl string `json:"cache_control"`
	ETag         string `json:"etag,omitempty"`
	// Unreferenced is when the local version stopped naming the object;
	// it is deleted once that is DeleteAfter ago.
	Unreferenced *time.Time `json:"unreferenced,omitempty"`
}

// decodeManifest reads a manifest and says why it cannot be trusted.
func decodeManifest(data []byte, bucket, prefix string) (*manifest, error) {
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("damaged: %w", err)
	}
	switch {
	case m.Version != manifestVersion:
		return nil, fmt.Errorf("version %d, not %d", m.Version, manifestVersion)
	case m.Bucket != bucket || m.Prefix != prefix:
		return nil, fmt.Errorf("written for %s/%s, not %s/%s", m.Bucket, m.Prefix, bucket, prefix)
	}
	if m.Objects == nil {
		m.Objects = map[string]object{}
	}
	for k, o := range m.Objects {
		if k == "" || o.Size < 0 || (len(o.SHA256) != 64 && o.Unreferenced == nil) {
			return nil, fmt.Errorf("entry %q is not valid", k)
		}
	}
	return &m, nil
}

// encode gives the manifest's bytes: the same manifest, the same bytes
// (encoding/json sorts map keys), so an unchanged one is not written.
func (m *manifest) encode() []byte {
	data, err := json.Marshal(m)
	if err != nil {
		panic(err) // only strings, numbers and times: cannot fail
	}
	return append(data, '\n')
}
