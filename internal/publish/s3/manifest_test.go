package s3

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDecodeManifest(t *testing.T) {
	digest := strings.Repeat("ab", 32)
	for _, tc := range []struct {
		name, data string
		want       string // substring of the error; "" for none
	}{
		{"valid", `{"version":1,"bucket":"b","prefix":"p","objects":{"feed.xml":{"size":3,"sha256":"` + digest + `","content_type":"x","cache_control":"y"}}}`, ""},
		{"unreferenced stray without digest", `{"version":1,"bucket":"b","prefix":"p","objects":{"x.txt":{"size":1,"unreferenced":"2026-12-01T00:00:00Z"}}}`, ""},
		{"not JSON", `{"version":1,`, "damaged"},
		{"another version", `{"version":2,"bucket":"b","prefix":"p"}`, "version 2"},
		{"copied from elsewhere", `{"version":1,"bucket":"b","prefix":"other"}`, "written for b/other"},
		{"short digest", `{"version":1,"bucket":"b","prefix":"p","objects":{"feed.xml":{"size":3,"sha256":"ab"}}}`, "not valid"},
		{"negative size", `{"version":1,"bucket":"b","prefix":"p","objects":{"feed.xml":{"size":-1,"sha256":"` + digest + `"}}}`, "not valid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeManifest([]byte(tc.data), "b", "p")
			if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("decodeManifest(%s) = %v; want %q", tc.data, err, tc.want)
			}
		})
	}
}

// FuzzDecodeManifest: the manifest comes from the bucket, where anyone
// with the keys may have written anything. What decodes encodes to what
// decodes the same.
func FuzzDecodeManifest(f *testing.F) {
	when := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	m := &manifest{Version: manifestVersion, Bucket: "b", Prefix: "p", Objects: map[string]object{
		"feed.xml":  {Size: 3, SHA256: strings.Repeat("0", 64), ContentType: "application/rss+xml", CacheControl: "public", ETag: "e"},
		"stray.txt": {Size: 1, Unreferenced: &when},
	}}
	f.Add(m.encode())
	f.Add([]byte(`{"version":1,"bucket":"b","prefix":"p","objects":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := decodeManifest(data, "b", "p")
		if err != nil {
			return
		}
		again, err := decodeManifest(m.encode(), "b", "p")
		if err != nil {
			t.Fatalf("a decoded manifest does not decode once encoded: %v", err)
		}
		if !reflect.DeepEqual(m, again) {
			t.Fatalf("decode(encode(m)) = %+v; want %+v", again, m)
		}
	})
}
