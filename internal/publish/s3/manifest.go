package s3

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// manifestDir holds castfeed's own objects under the prefix.
const manifestDir = ".castfeed"

// manifestName is the manifest's key under the prefix.
const manifestName = manifestDir + "/manifest.json"

// manifestVersion changes when the manifest's meaning does; a manifest of
// another version is not trusted (the bucket is listed instead), but for
// version 1, the JSON of older castfeeds, read and written again as 2.
const manifestVersion = 2

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

// Version 2 is text, read and written every publish: in JSON, the
// manifest of a show of 10,000 episodes (40,000 objects) was 10 MB,
// and encoding/json took a tenth of a second to read it and as long to
// write it. The header line, then one line a kind (content type and cache
// control, numbered from 0 in their order), then one line an object:
//
//	castfeed manifest 2 "<bucket>" "<prefix>"
//	kind "<content type>" "<cache control>"
//	<size> <sha256|-> <kind|-> "<etag>" <unreferenced RFC 3339|-> "<key>"
//
// Strings are Go-quoted (strconv.Quote), so any key fits on its line. The
// key keeps the name manifest.json, so that an older castfeed's manifest
// is replaced, never left behind to be read again.
const manifestHeader = "castfeed manifest 2 "

// decodeManifest reads a manifest and says why it cannot be trusted.
func decodeManifest(data []byte, bucket, prefix string) (*manifest, error) {
	var m *manifest
	switch {
	case bytes.HasPrefix(data, []byte(manifestHeader)):
		var err error
		if m, err = parseManifest(string(data)); err != nil {
			return nil, fmt.Errorf("damaged: %w", err)
		}
	case bytes.HasPrefix(data, []byte("{")):
		m = &manifest{}
		if err := json.Unmarshal(data, m); err != nil {
			return nil, fmt.Errorf("damaged: %w", err)
		}
		if m.Version != 1 {
			return nil, fmt.Errorf("version %d in JSON, which only version 1 was", m.Version)
		}
		m.Version = manifestVersion // what it is now in memory, and is written as
	case bytes.HasPrefix(data, []byte("castfeed manifest ")):
		v, _, _ := strings.Cut(string(data[len("castfeed manifest "):min(len(data), 40)]), " ")
		return nil, fmt.Errorf("version %q, not %d", v, manifestVersion)
	default:
		return nil, errors.New("damaged: not a manifest")
	}
	if m.Bucket != bucket || m.Prefix != prefix {
		return nil, fmt.Errorf("written for %s/%s, not %s/%s", m.Bucket, m.Prefix, bucket, prefix)
	}
	if m.Objects == nil {
		m.Objects = map[string]object{}
	}
	for k, o := range m.Objects {
		if k == "" || o.Size < 0 || !isDigest(o.SHA256) || (o.SHA256 == "" && o.Unreferenced == nil) {
			return nil, fmt.Errorf("entry %q is not valid", k)
		}
	}
	return m, nil
}

// isDigest tells whether s is a hex SHA-256, or "" (for an object only
// known from a listing).
func isDigest(s string) bool {
	if s == "" {
		return true
	}
	_, err := hex.DecodeString(s)
	return err == nil && len(s) == 2*sha256.Size
}

// parseManifest reads version 2 (see manifestHeader).
func parseManifest(data string) (*manifest, error) {
	m := &manifest{Version: manifestVersion, Objects: make(map[string]object, strings.Count(data, "\n"))}
	var kinds [][2]string
	for n := 1; data != ""; n++ {
		line, rest, ok := strings.Cut(data, "\n")
		if !ok {
			return nil, fmt.Errorf("line %d: cut short", n)
		}
		data = rest
		if err := m.parseLine(line, n, &kinds); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
	}
	return m, nil
}

func (m *manifest) parseLine(line string, n int, kinds *[][2]string) error {
	var fields lineFields
	fields.rest = line
	switch {
	case n == 1:
		fields.rest = strings.TrimPrefix(line, manifestHeader)
		m.Bucket, m.Prefix = fields.quoted(), fields.quoted()
	case strings.HasPrefix(line, "kind "):
		fields.rest = line[len("kind "):]
		*kinds = append(*kinds, [2]string{fields.quoted(), fields.quoted()})
	default:
		var o object
		o.Size = fields.int()
		if o.SHA256 = fields.word(); o.SHA256 == "-" {
			o.SHA256 = ""
		}
		if k := fields.word(); k != "-" {
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(*kinds) {
				return fmt.Errorf("kind %q is not one of the %d above", k, len(*kinds))
			}
			o.ContentType, o.CacheControl = (*kinds)[i][0], (*kinds)[i][1]
		}
		o.ETag = fields.quoted()
		if u := fields.word(); u != "-" {
			t, err := time.Parse(time.RFC3339Nano, u)
			if err != nil {
				return err
			}
			o.Unreferenced = &t
		}
		key := fields.quoted()
		if fields.err == nil {
			if _, dup := m.Objects[key]; dup {
				return fmt.Errorf("%q twice", key)
			}
			m.Objects[key] = o
		}
	}
	if fields.err == nil && fields.rest != "" {
		return fmt.Errorf("%q after the last field", fields.rest)
	}
	return fields.err
}

// lineFields reads the space-separated fields of a line, keeping the
// first error.
type lineFields struct {
	rest string
	err  error
}

func (f *lineFields) word() string {
	w, rest, _ := strings.Cut(f.rest, " ")
	f.rest = rest
	if w == "" && f.err == nil {
		f.err = errors.New("a field is missing")
	}
	return w
}

func (f *lineFields) int() int64 {
	w := f.word()
	v, err := strconv.ParseInt(w, 10, 64)
	if err != nil && f.err == nil {
		f.err = fmt.Errorf("%q is not a number", w)
	}
	return v
}

func (f *lineFields) quoted() string {
	q, err := strconv.QuotedPrefix(f.rest)
	if err == nil && q[0] != '"' {
		err = errors.New("not a quoted string")
	}
	if err != nil {
		if f.err == nil {
			f.err = fmt.Errorf("%.20q: %w", f.rest, err)
		}
		return ""
	}
	f.rest = strings.TrimPrefix(f.rest[len(q):], " ")
	s, err := strconv.Unquote(q)
	if err != nil && f.err == nil {
		f.err = err
	}
	return s
}

// appendQuote is strconv.AppendQuote, but copies the printable ASCII
// strings keys nearly always are without looking at each rune.
func appendQuote(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\\' {
			return strconv.AppendQuote(buf, s)
		}
	}
	buf = append(buf, '"')
	buf = append(buf, s...)
	return append(buf, '"')
}

// encode gives the manifest's bytes, version 2: the same manifest, the
// same bytes (kinds and objects in key order), so an unchanged one is not
// written.
func (m *manifest) encode() []byte {
	keys := slices.Sorted(maps.Keys(m.Objects))
	buf := make([]byte, 0, 64+len(keys)*200)
	buf = append(buf, manifestHeader...)
	buf = appendQuote(buf, m.Bucket)
	buf = append(buf, ' ')
	buf = appendQuote(buf, m.Prefix)
	buf = append(buf, '\n')
	kinds := map[[2]string]int{}
	for _, k := range keys {
		o := m.Objects[k]
		kind := [2]string{o.ContentType, o.CacheControl}
		if _, ok := kinds[kind]; ok || kind == ([2]string{}) {
			continue
		}
		kinds[kind] = len(kinds)
		buf = append(buf, "kind "...)
		buf = appendQuote(buf, kind[0])
		buf = append(buf, ' ')
		buf = appendQuote(buf, kind[1])
		buf = append(buf, '\n')
	}
	for _, k := range keys {
		o := m.Objects[k]
		buf = strconv.AppendInt(buf, o.Size, 10)
		buf = append(buf, ' ')
		buf = append(buf, cmpOr(o.SHA256, "-")...)
		buf = append(buf, ' ')
		if i, ok := kinds[[2]string{o.ContentType, o.CacheControl}]; ok {
			buf = strconv.AppendInt(buf, int64(i), 10)
		} else {
			buf = append(buf, '-')
		}
		buf = append(buf, ' ')
		buf = appendQuote(buf, o.ETag)
		buf = append(buf, ' ')
		if o.Unreferenced != nil {
			buf = o.Unreferenced.AppendFormat(buf, time.RFC3339Nano)
		} else {
			buf = append(buf, '-')
		}
		buf = append(buf, ' ')
		buf = appendQuote(buf, k)
		buf = append(buf, '\n')
	}
	return buf
}
