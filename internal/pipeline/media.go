package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
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

// mediaFile is an audio file in media.dir.
type mediaFile struct {
	name    string // <slug>.<ext>
	ext     string // with its dot, as in audioExts
	size    int64
	modTime time.Time
}

// mediaIndex is media.dir listed once: an episode's audio file by slug.
// The enclosure step and the audio stage look files up here instead of
// trying each ending with os.Stat (nine calls per episode).
type mediaIndex map[string]mediaFile

// mediaFiles lists dir once and returns its audio files by slug; when a
// slug has several, the first ending of audioExts wins. An empty dir
// gives an empty index; a missing one too (the folder is optional).
func mediaFiles(dir string) (mediaIndex, error) {
	idx := mediaIndex{}
	if dir == "" {
		return idx, nil
	}
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return idx, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read media.dir: %w", err)
	}
	rank := func(ext string) int { return slices.Index(audioExts, ext) }
	for _, e := range ents {
		name := e.Name()
		ext := path.Ext(name)
		if rank(ext) < 0 || e.IsDir() {
			continue
		}
		slug := strings.TrimSuffix(name, ext)
		if old, ok := idx[slug]; ok && rank(old.ext) < rank(ext) {
			continue
		}
		// A symbolic link counts as the file it points to, as os.Stat
		// sees it.
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		idx[slug] = mediaFile{name: name, ext: ext, size: fi.Size(), modTime: fi.ModTime()}
	}
	return idx, nil
}

// mediaFile returns slug's audio file in media.dir, listing the folder at
// the first lookup unless Run listed it already (Lint does not).
func (s *show) mediaFile(slug string) (mediaFile, bool) {
	if s.media == nil {
		idx, err := mediaFiles(s.cfg.Media.Dir)
		if err != nil {
			s.log.Warn("cannot list media.dir", "error", err)
		}
		s.media = idx
		if s.media == nil {
			s.media = mediaIndex{}
		}
	}
	return s.media.find(slug)
}

// find returns slug's audio file.
func (m mediaIndex) find(slug string) (mediaFile, bool) {
	f, ok := m[slug]
	return f, ok
}

// digestInto adds every file of the index (name, size, mtime) to h in
// name order, so that the build fingerprint sees media.dir change.
func (m mediaIndex) digestInto(h io.Writer) {
	for _, slug := range slices.Sorted(maps.Keys(m)) {
		f := m[slug]
		fmt.Fprintf(h, "media %s %d %d\n", f.name, f.size, f.modTime.UnixNano())
	}
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
