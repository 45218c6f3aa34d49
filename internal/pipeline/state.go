package pipeline

import (
	"archive/zip"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/castfeed/castfeed/internal/atomicfile"
)

// readJSON loads v from name; a missing file leaves v as it is.
func readJSON(name string, v any) error {
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w; the state file is damaged: delete it and castfeed rebuilds it", name, err)
	}
	return nil
}

// writeJSON stores v in name atomically, unless name holds it already.
func writeJSON(name string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if old, err := os.ReadFile(name); err == nil && string(old) == string(data) {
		return nil
	}
	return atomicfile.WriteBytes(name, data)
}

// state is what castfeed remembers between refreshes, in state.dir:
//
//	published.json   slug → guid and title of every published episode
//	lengths.json     enclosure URL → length learnt by HTTP HEAD
//	build.json       fingerprint of the last build's inputs
//	episodes.zip     the last published version of each episode file
//	read-cache       what reading each episode file found (readcache.go)
type state struct {
	dir       string
	published map[string]publishedEpisode
	lengths   *lengths
	build     buildRecord
	goods     *lastGoods
}

type publishedEpisode struct {
	GUID  string `json:"guid"`
	Title string `json:"title"`
}

// buildRecord lets a refresh that finds nothing changed skip all work.
type buildRecord struct {
	Inputs  string    `json:"inputs"`
	Output  string    `json:"output"`
	NextDue time.Time `json:"next_due,omitzero"` // a scheduled episode goes out
	// TranscriptsDue is when a transcript is next to be asked of YouTube.
	TranscriptsDue time.Time `json:"transcripts_due,omitzero"`
	// AudioDue is when a YouTube audio download is next to be tried
	// (media.youtube_max_per_refresh left some for later, or one failed).
	AudioDue  time.Time `json:"audio_due,omitzero"`
	Published int       `json:"published"`
}

// upToDate tells whether a refresh with inputs fp can skip all work: the
// inputs and the published folder are as the last build left them, and
// nothing has fallen due since (a scheduled episode, a transcript retry).
func (b buildRecord) upToDate(fp, outDir string, now time.Time, online, youtube bool) bool {
	due := func(t time.Time) bool { return !t.IsZero() && !now.Before(t) }
	return b.Inputs != "" && fp == b.Inputs && outputIntact(outDir, b.Output) &&
		!due(b.NextDue) && !(online && due(b.TranscriptsDue)) && !(youtube && due(b.AudioDue))
}

func openState(dir string) *state {
	return &state{dir: dir, published: map[string]publishedEpisode{}, lengths: &lengths{byURL: map[string]remoteLength{}},
		goods: &lastGoods{name: filepath.Join(dir, lastGoodFile)}}
}

func (s *state) load() error {
	return errors.Join(
		readJSON(filepath.Join(s.dir, "published.json"), &s.published),
		readJSON(filepath.Join(s.dir, "lengths.json"), &s.lengths.byURL),
		readJSON(filepath.Join(s.dir, "build.json"), &s.build),
	)
}

// save stores what was published and learnt; saveBuild, called after it,
// stores the build record.
func (s *state) save() error {
	return errors.Join(
		writeJSON(filepath.Join(s.dir, "published.json"), s.published),
		writeJSON(filepath.Join(s.dir, "lengths.json"), s.lengths.byURL),
	)
}

func (s *state) saveBuild() error {
	return writeJSON(filepath.Join(s.dir, "build.json"), s.build)
}

// lastGoodFile holds the last published version of every episode file:
// one zip archive (stored, not compressed) rather than a file per
// episode, which a 10,000-episode show would pay for in file creations on
// every first build.
const lastGoodFile = "episodes.zip"

// lastGoods reads the last good versions. The archive is opened and
// indexed once per build, at the first lookup: opening it for every
// broken file made a refresh quadratic in the show's size.
type lastGoods struct {
	name   string
	opened bool
	f      *os.File
	z      *zip.Reader // nil: no archive, or a damaged one
}

// reader returns the archive, opened on first use; nil if there is none.
func (g *lastGoods) reader() *zip.Reader {
	if g.opened {
		return g.z
	}
	g.opened = true
	f, err := os.Open(g.name)
	if err != nil {
		return nil
	}
	fi, err := f.Stat()
	if err == nil {
		g.z, err = zip.NewReader(&readAhead{f: f, buf: make([]byte, 0, 1<<20)}, fi.Size())
	}
	if err != nil {
		f.Close()
		g.z = nil
		return nil
	}
	g.f = f
	return g.z
}

// close closes the archive if it was opened; a later lookup opens it again.
func (g *lastGoods) close() {
	if g.f != nil {
		g.f.Close()
	}
	g.f, g.z, g.opened = nil, nil, false
}

// readAhead reads f a window at a time: keepLastGood copies the
// unchanged entries in the order they were written, and one pread each
// (9,400 at 10,000 episodes) was most of its time.
type readAhead struct {
	mu  sync.Mutex
	f   *os.File
	off int64  // where buf starts in f
	buf []byte // what was read there
}

func (r *readAhead) ReadAt(p []byte, off int64) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(p) > cap(r.buf)/2 {
		return r.f.ReadAt(p, off)
	}
	if off < r.off || off+int64(len(p)) > r.off+int64(len(r.buf)) {
		n, err := r.f.ReadAt(r.buf[:cap(r.buf)], off)
		r.off, r.buf = off, r.buf[:n]
		if n < len(p) {
			return copy(p, r.buf), cmp.Or(err, io.ErrUnexpectedEOF)
		}
	}
	return copy(p, r.buf[off-r.off:]), nil
}

// lastGood returns the last published version of an episode file, or nil.
func (s *state) lastGood(slug string) []byte {
	z := s.goods.reader()
	if z == nil {
		return nil
	}
	f, err := z.Open(slug + ".md")
	if err != nil {
		return nil
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil // a damaged entry: as if there were none
	}
	return data
}

// keepLastGood stores the files of the published items as their last
// good versions. It writes only when one of them changed, and copies the
// unchanged entries as they are.
// It stops, writing nothing, when ctx is done.
func (s *state) keepLastGood(ctx context.Context, items []item, sp *spool) error {
	name := filepath.Join(s.dir, lastGoodFile)
	old := map[string]*zip.File{}
	if z := s.goods.reader(); z != nil {
		for _, f := range z.File {
			old[f.Name] = f
		}
	}
	// By slug, through pointers: a copy of 100,000 items would be 50 MB.
	sorted := make([]*item, len(items))
	for i := range items {
		sorted[i] = &items[i]
	}
	slices.SortFunc(sorted, func(a, b *item) int { return strings.Compare(a.slug, b.slug) })
	same := func(f *zip.File, it *item) bool {
		return f != nil && f.CRC32 == it.text.crc && f.UncompressedSize64 == uint64(it.text.n)
	}
	changed := len(old) != len(sorted)
	for _, it := range sorted {
		if !same(old[it.slug+".md"], it) {
			changed = true
			break
		}
	}
	if !changed {
		return nil
	}
	return atomicfile.Write(name, func(w io.Writer) error {
		z := zip.NewWriter(w)
		buf := make([]byte, 32<<10)
		for i, it := range sorted {
			if i%checkEvery == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			if f := old[it.slug+".md"]; same(f, it) {
				if err := copyEntry(z, f, buf); err != nil {
					return err
				}
				continue
			}
			// No time in the header: the archive depends on the files only.
			e, err := z.CreateHeader(&zip.FileHeader{Name: it.slug + ".md", Method: zip.Store})
			if err != nil {
				return err
			}
			src, err := sp.get(it.text)
			if err != nil {
				return err
			}
			if _, err := io.WriteString(e, src); err != nil {
				return err
			}
		}
		return z.Close()
	})
}

// copyEntry is zip.Writer.Copy with the caller's buffer: Copy's io.Copy
// allocates 32 KB for each entry, 300 MB for the 9,400 unchanged entries
// of a 10,000-episode show, most of keeping the last good versions.
func copyEntry(z *zip.Writer, f *zip.File, buf []byte) error {
	r, err := f.OpenRaw()
	if err != nil {
		return err
	}
	fh := f.FileHeader
	w, err := z.CreateRaw(&fh)
	if err != nil {
		return err
	}
	_, err = io.CopyBuffer(w, r, buf)
	return err
}
