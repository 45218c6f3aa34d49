package pipeline

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// audioExts are the file endings looked for in media.dir, in order.
var audioExts = []string{".mp3", ".m4a", ".mp4", ".aac", ".ogg", ".opus", ".oga", ".flac", ".wav"}

// audioTypes maps endings to the MIME types Apple and Podcasting 2.0 expect;
// mime.TypeByExtension varies with the host's tables.
var audioTypes = map[string]string{
	".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".mp4": "video/mp4", ".aac": "audio/aac",
	".ogg": "audio/ogg", ".opus": "audio/opus", ".oga": "audio/ogg", ".flac": "audio/flac", ".wav": "audio/wav",
}

func typeOf(name, fallback string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := audioTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); strings.HasPrefix(t, "audio/") || strings.HasPrefix(t, "video/") {
		return t
	}
	return fallback
}

// mediaFile finds <slug>.<ext> in dir and returns its size and ending.
func mediaFile(dir, slug string) (size int64, ext string, ok bool) {
	if dir == "" {
		return 0, "", false
	}
	for _, e := range audioExts {
		if fi, err := os.Stat(filepath.Join(dir, slug+e)); err == nil && fi.Mode().IsRegular() {
			return fi.Size(), e, true
		}
	}
	return 0, "", false
}

// remoteLength is what an HTTP HEAD told us about an enclosure URL. It is
// kept in the state folder: a file behind a URL does not change length,
// and a nightly build should not HEAD a whole back catalogue.
type remoteLength struct {
	Length  int64     `json:"length"`
	Type    string    `json:"type,omitempty"`
	Checked time.Time `json:"checked"`
}

// lengths caches HEAD answers by URL; safe for concurrent use.
type lengths struct {
	mu    sync.Mutex
	byURL map[string]remoteLength
	dirty bool
}

func (l *lengths) get(u string) (remoteLength, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r, ok := l.byURL[u]
	return r, ok
}

func (l *lengths) put(u string, r remoteLength) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byURL[u] = r
	l.dirty = true
}

// head asks the server for the length and type of u.
func head(ctx context.Context, client *http.Client, u string, timeout time.Duration) (remoteLength, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, u, nil)
	if err != nil {
		return remoteLength{}, err
	}
	req.Header.Set("User-Agent", "castfeed (+https://github.com/castfeed/castfeed)")
	resp, err := client.Do(req)
	if err != nil {
		return remoteLength{}, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return remoteLength{}, fmt.Errorf("HEAD %s: %s", u, resp.Status)
	}
	n, err := strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64)
	if err != nil || n <= 0 {
		return remoteLength{}, fmt.Errorf("HEAD %s: no Content-Length", u)
	}
	t, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	return remoteLength{Length: n, Type: t}, nil
}
