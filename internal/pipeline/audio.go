package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/castfeed/castfeed/audio"
	"github.com/castfeed/castfeed/chapters"
	"github.com/castfeed/castfeed/diag"
	"github.com/castfeed/castfeed/episode"
	"github.com/castfeed/castfeed/feed"
	"github.com/castfeed/castfeed/internal/atomicfile"
	"github.com/castfeed/castfeed/internal/config"
	"github.com/castfeed/castfeed/internal/publish"
)

// An episode whose audio is a local MP3 or M4A in media.dir (and whose
// front matter names no audio URL) is published as a tagged copy,
// media/<slug>.<ext> in the output folder, carrying its title, the show's
// name and cover, and its chapters, for the apps that read chapters only
// from the file. The enclosure points at that copy, with its exact length
// and the audio's real duration.
//
// The tagged copies live in the state folder (audio/) and are hard-linked
// into the output, so a published copy keeps its inode and ETag until its
// inputs change. A copy is remade only when the source's size or mtime, or
// the digest of its tags and chapters, changes: a refresh that changes
// nothing reads no audio.
//
// Bad audio (cut short, not audio, an MP4 without sound) is reported at
// the episode, and that episode keeps its last tagged copy if it has one;
// without one it is published as before, the media.dir file under
// media.url_template, nothing embedded. The other episodes publish.

// audioVersion is part of every digest: a castfeed that writes tags
// differently remakes every copy once.
const audioVersion = "audio 1"

// durationSlack is how far the front matter's duration may be from the
// audio's before lint and build say so.
const durationSlack = 5 * time.Second

// audioRecord is what the state folder remembers of one tagged copy.
type audioRecord struct {
	Size     int64  `json:"size"`       // of the source
	ModTime  int64  `json:"mtime_ns"`   // of the source
	Digest   string `json:"digest"`     // of the tags and chapters
	Source   string `json:"source_ext"` // .mp3 or .m4a in media.dir
	Ext      string `json:"ext"`        // what it is published as
	Length   int64  `json:"length"`     // of the tagged copy
	Duration int64  `json:"duration_ms"`
}

// audioCache is the state folder's audio/ directory and its index.
type audioCache struct {
	dir      string
	byEp     map[string]audioRecord
	dirty    bool
	cover    []byte // the show's image, read once
	coverSum string
	counts   map[string]int
	seen     map[string]bool // episodes with local audio in this refresh
}

func openAudioCache(stateDir string, log *slog.Logger) *audioCache {
	c := &audioCache{dir: filepath.Join(stateDir, "audio"), byEp: map[string]audioRecord{}, counts: map[string]int{}, seen: map[string]bool{}}
	data, err := os.ReadFile(filepath.Join(c.dir, "index.json"))
	if err == nil {
		if err := json.Unmarshal(data, &c.byEp); err != nil {
			// A damaged index only costs the work of tagging again.
			log.Warn("audio index unreadable; tagging again", "error", err)
			c.byEp = map[string]audioRecord{}
		}
	}
	return c
}

// save writes the index, once the refresh has published. The copies of
// episodes that no longer have local audio (or are no longer published)
// go: they would fill the disk, and a returning episode is tagged again.
func (c *audioCache) save() error {
	if c == nil {
		return nil
	}
	for slug, rec := range c.byEp {
		if !c.seen[slug] {
			if err := os.Remove(c.path(slug, rec.Ext)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			delete(c.byEp, slug)
			c.dirty = true
		}
	}
	if !c.dirty {
		return nil
	}
	data, err := json.MarshalIndent(c.byEp, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(filepath.Join(c.dir, "index.json"), data)
}

func (c *audioCache) path(slug, ext string) string { return filepath.Join(c.dir, slug+ext) }

// localAudio returns the MP3 or M4A that media.dir has for slug.
func (s *show) localAudio(slug string) (path string, f mediaFile, ok bool) {
	f, ok = s.mediaFile(slug)
	if !ok || f.ext != ".mp3" && f.ext != ".m4a" {
		return "", f, false
	}
	return filepath.Join(s.cfg.Media.Dir, f.name), f, true
}

// audioTags returns what is embedded into an episode's audio.
func audioTags(cfg *config.Config, ep *episode.Episode, cs []chapters.Chapter, cover []byte) (audio.Tags, []audio.Chapter) {
	t := audio.Tags{Title: ep.Title, Artist: cfg.Podcast.Author, Album: cfg.Podcast.Title, Track: ep.Number, Comment: ep.Summary, Cover: cover}
	if !ep.Date.IsZero() {
		t.Date = ep.Date.Format(time.DateOnly)
	}
	chs := make([]audio.Chapter, len(cs))
	for i, c := range cs {
		chs[i] = audio.Chapter{Start: c.Start, Title: c.Title, URL: c.URL}
	}
	return t, chs
}

// showCover returns podcast.image's bytes when it is a local JPEG or PNG.
func showCover(cfg *config.Config) []byte {
	img := cfg.Podcast.Image
	if img == "" || strings.Contains(img, "://") {
		return nil
	}
	data, err := os.ReadFile(img)
	if err != nil || len(data) > 4<<20 {
		return nil
	}
	if len(data) >= 3 && string(data[:3]) == "\xff\xd8\xff" || len(data) >= 8 && string(data[:8]) == "\x89PNG\r\n\x1a\n" {
		return data
	}
	return nil
}

// digestOf digests what goes into a tagged copy besides the source; the
// cover, the same for every episode, by its digest, taken once.
func digestOf(t audio.Tags, coverSum string, chs []audio.Chapter) string {
	h := sha256.New()
	t.Cover = nil
	json.NewEncoder(h).Encode(struct {
		V     string
		Tags  audio.Tags
		Cover string
		Chs   []audio.Chapter
	}{audioVersion, t, coverSum, chs})
	return hex.EncodeToString(h.Sum(nil))
}

// tagAudio makes the item's enclosure a tagged copy of its audio when media.dir
// has an MP3 or M4A for it, and says what went wrong when it cannot. Its
// length is the decision table of a copy (cached, remade, or kept at the
// last good one when the source is bad), kept together so that the
// policy reads as one.
func (s *show) tagAudio(ctx context.Context, it *item, l *loaded) diag.List {
	ep := l.ep
	if ep.Audio != "" {
		return nil // hosted elsewhere: used as is
	}
	src, mf, ok := s.localAudio(l.slug)
	var diags diag.List
	if !ok {
		src, mf, ok, diags = s.youtubeSource(ctx, l)
	}
	if !ok {
		return diags
	}
	ext := mf.ext
	if s.audio == nil {
		s.audio = openAudioCache(s.cfg.State.Dir, s.log)
		s.audio.cover = showCover(s.cfg)
		sum := sha256.Sum256(s.audio.cover)
		s.audio.coverSum = hex.EncodeToString(sum[:])
	}
	c := s.audio
	c.seen[l.slug] = true
	// items holds episodes without their summary and chapters (see
	// loaded.forget): this one is parsed again, as complete does.
	notes, err := l.source(s.spool)
	if err != nil {
		return diag.List{{File: l.name, Severity: diag.Error, Message: err.Error(), Hint: "check the state folder's disk"}}
	}
	full := &loaded{name: l.name, slug: l.slug, data: []byte(notes)}
	full.parse(s.reader, secondsToDuration(s.cfg.Media.AudioOffset))
	if full.ep == nil {
		return nil
	}
	l = full
	ep = full.ep
	tags, chs := audioTags(s.cfg, ep, l.chapters, c.cover)
	rec, had := c.byEp[l.slug]
	out := c.path(l.slug, rec.Ext)
	// The size and mtime are media.dir's listing at the start of the
	// refresh, which the build fingerprint saw too.
	digest := digestOf(tags, c.coverSum, chs)
	if had && rec.Size == mf.size && rec.ModTime == mf.modTime.UnixNano() && rec.Digest == digest && rec.Source == ext && sizeIs(out, rec.Length) {
		c.counts["cached"]++
		// The same warnings as when it was tagged, from what was kept.
		_, d := fitChapters(l, chs, time.Duration(rec.Duration)*time.Millisecond)
		diags = append(diags, d...)
	} else {
		var d diag.List
		rec, d, err = s.embedAudio(ctx, l, src, ext, tags, chs)
		diags = append(diags, d...)
		if err == nil {
			if old := c.byEp[l.slug]; had && old.Ext != rec.Ext {
				os.Remove(c.path(l.slug, old.Ext)) // published under its new ending now
			}
			rec.Size, rec.ModTime, rec.Digest, rec.Source = mf.size, mf.modTime.UnixNano(), digest, ext
			c.byEp[l.slug], c.dirty = rec, true
			out = c.path(l.slug, rec.Ext)
			c.counts["tagged"]++
		}
	}
	if err != nil && ctx.Err() != nil {
		return nil // the refresh is stopping; nothing to report
	}
	if err != nil {
		c.counts["failed"]++
		d := diag.Diagnostic{File: l.name, Severity: diag.Warning,
			Message: fmt.Sprintf("the audio file %s cannot be published with its chapters: %v", filepath.Base(src), err),
			Hint:    audioHint(err)}
		prev, had := c.byEp[l.slug]
		if !had || !sizeIs(c.path(l.slug, prev.Ext), prev.Length) {
			d.Message += "; the episode is published with the file as it is, nothing embedded"
			return append(diags, d)
		}
		d.Message += "; the episode keeps its last published audio"
		diags = append(diags, d)
		rec, out = prev, c.path(l.slug, prev.Ext)
	}
	length := time.Duration(rec.Duration) * time.Millisecond
	diags = append(diags, durationDiags(l, length)...)
	format := audio.MP3
	if rec.Ext == ".m4a" {
		format = audio.M4A
	}
	it.audioFile, it.audioName, it.duration = out, "media/"+l.slug+rec.Ext, length
	it.enclosure.URL, it.enclosure.Length, it.enclosure.Type = s.url("media", l.slug+rec.Ext), rec.Length, format.MIMEType()
	return diags
}

// embedAudio writes the tagged copy of src into the state folder. Chapters
// that start after the audio's end are left out, and said so.
func (s *show) embedAudio(ctx context.Context, l *loaded, src, ext string, tags audio.Tags, chs []audio.Chapter) (audioRecord, diag.List, error) {
	in, err := os.Open(src)
	if err != nil {
		return audioRecord{}, nil, err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return audioRecord{}, nil, err
	}
	info, err := audio.Probe(in, fi.Size())
	if err != nil {
		return audioRecord{}, nil, err
	}
	chs, diags := fitChapters(l, chs, info.Duration)
	ext = info.Format.Ext()
	out := s.audio.path(l.slug, ext)
	wrote, err := writeTagged(ctx, out, in, fi.Size(), tags, chs)
	if errors.Is(err, audio.ErrChapters) {
		// The duration Probe estimated was off: embed the tags alone.
		diags = append(diags, diag.Diagnostic{File: l.name, Severity: diag.Warning,
			Message: fmt.Sprintf("the chapters cannot be embedded into %s: %v; the file carries the tags only", filepath.Base(src), err)})
		wrote, err = writeTagged(ctx, out, in, fi.Size(), tags, nil)
	}
	if err != nil {
		return audioRecord{}, diags, err
	}
	s.log.Info("audio tagged", "episode", l.slug, "bytes", wrote.Size, "chapters", len(chs), "duration_ms", wrote.Duration.Milliseconds())
	return audioRecord{Ext: ext, Length: wrote.Size, Duration: wrote.Duration.Milliseconds()}, diags, nil
}

// fitChapters leaves out the chapters that start after the audio ends
// (within a second: an MP3 without a Xing header has an estimated
// duration until Embed counts its frames), and says so.
func fitChapters(l *loaded, chs []audio.Chapter, d time.Duration) ([]audio.Chapter, diag.List) {
	for i, c := range chs {
		if c.Start >= d-time.Second {
			return chs[:i], diag.List{{File: l.name, Line: l.chapters[i].Line, Severity: diag.Warning,
				Message: fmt.Sprintf("chapter %q starts at %v, after the audio file ends (%v); it is not embedded", c.Title, c.Start.Round(time.Second), d.Round(time.Second)),
				Hint:    "fix the note's time, or the duration in the front matter"}}
		}
	}
	return chs, nil
}

// writeTagged embeds into a temporary file beside out and renames it into
// place only when complete, so a failed or killed build never leaves half
// a file where a published copy links to. (atomicfile cannot be used:
// Embed seeks back into the file it writes.)
func writeTagged(ctx context.Context, out string, src *os.File, size int64, tags audio.Tags, chs []audio.Chapter) (audio.Info, error) {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return audio.Info{}, err
	}
	f, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".tmp-*")
	if err != nil {
		return audio.Info{}, err
	}
	defer os.Remove(f.Name()) // a no-op once renamed
	info, err := audio.Embed(ctxFile{ctx, f}, src, size, tags, chs)
	if err == nil {
		err = f.Sync()
	}
	if err = errors.Join(err, f.Close()); err != nil {
		return audio.Info{}, err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return audio.Info{}, err
	}
	return info, os.Rename(f.Name(), out)
}

// ctxFile stops a copy when the refresh is cancelled (SIGTERM): Embed
// writes in chunks of a megabyte, so a long file stops within one.
type ctxFile struct {
	ctx context.Context
	f   *os.File
}

func (c ctxFile) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.f.Write(p)
}

func (c ctxFile) Seek(off int64, whence int) (int64, error) { return c.f.Seek(off, whence) }

func sizeIs(path string, n int64) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Size() == n
}

// audioHint says what to do about a file Embed refused.
func audioHint(err error) string {
	switch {
	case errors.Is(err, audio.ErrTruncated):
		return "the file is cut short: copy or export it again"
	case errors.Is(err, audio.ErrNoAudioTrack):
		return "the MP4 has no sound track: export the audio (AAC in .m4a)"
	case errors.Is(err, audio.ErrNotAudio), errors.Is(err, audio.ErrCorrupt):
		return "export the episode as MP3 or M4A; ffprobe shows what the file holds"
	}
	return "check the disk and the file's permissions, then build again"
}

// durationDiags warns when the front matter's duration is not the audio's.
func durationDiags(l *loaded, length time.Duration) diag.List {
	ep := l.ep
	if ep.Duration == 0 || length == 0 {
		return nil
	}
	if d := ep.Duration - length; d > durationSlack || d < -durationSlack {
		return diag.List{{File: l.name, Line: ep.KeyLine("duration"), Severity: diag.Warning,
			Message: fmt.Sprintf("duration %v is not the audio file's (%v)", ep.Duration, length.Round(time.Second)),
			Hint:    "set duration to the audio's length: apps show it before they download"}}
	}
	return nil
}

// lintAudio is lint's check of a local audio file: it reads the headers
// only (no frame count, no copy) and compares durations when the headers
// give the exact one (M4A, MP3 with a Xing/Info or VBRI header).
func (s *show) lintAudio(l *loaded) diag.List {
	if l.ep.Audio != "" {
		return nil
	}
	src, _, ok := s.localAudio(l.slug)
	if !ok {
		return nil
	}
	f, err := os.Open(src)
	if err != nil {
		return nil
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil
	}
	info, err := audio.Probe(f, fi.Size())
	if err != nil {
		return diag.List{{File: l.name, Severity: diag.Warning,
			Message: fmt.Sprintf("the audio file %s cannot be read: %v", filepath.Base(src), err), Hint: audioHint(err)}}
	}
	if info.Estimated {
		// An MP3 without a Xing/Info header tells its length only to
		// whoever counts its frames, which build does; lint reads
		// headers, and a guess from the bit rate is no ground for a
		// warning (a VBR file's is wrong).
		return nil
	}
	return durationDiags(l, info.Duration)
}

// audioCounts is the refresh's audio outcomes, for Result.
func (s *show) audioCounts() map[string]int {
	if s.audio == nil {
		return nil
	}
	return s.audio.counts
}

// linkAudio puts an item's tagged copy into the output folder.
func (s *show) linkAudio(tx *publish.Tx, it *item) error {
	if it.audioFile == "" {
		return nil
	}
	return tx.Link(it.audioName, it.audioFile)
}

// audioInto gives a completed item the audio's real duration, and its last
// chapter the audio's end.
func audioInto(it *item, fi *feed.Item, cs []chapters.Chapter) {
	if it.duration <= 0 {
		return
	}
	fi.Duration = it.duration
	if n := len(cs); n > 0 && cs[n-1].Start < it.duration {
		cs[n-1].End = it.duration
	}
}

// TagAudio is `castfeed audio`: it writes to out the local audio of the
// episode in file, tagged and chaptered as a build publishes it (out may
// be "", for media/<slug>.<ext> beside the current folder's), and returns
// what the written file holds, read back from it. The source is never
// modified.
func TagAudio(ctx context.Context, cfg *config.Config, file, out string) (string, audio.Info, diag.List, error) {
	l, _ := loadOne(episode.NewReader().WithoutHTML(), file, filepath.ToSlash(file), secondsToDuration(cfg.Media.AudioOffset), nil, nil) // no spool, no error
	if l.ep == nil {
		return "", audio.Info{}, l.diags, fmt.Errorf("%s cannot be read as an episode", file)
	}
	s := &show{cfg: cfg, log: slog.New(slog.DiscardHandler)}
	src, mf, ok := s.localAudio(l.slug)
	ext := mf.ext
	if !ok {
		return "", audio.Info{}, l.diags, fmt.Errorf("no %s.mp3 or %s.m4a in media.dir (%s); put the episode's audio there", l.slug, l.slug, cfg.Media.Dir)
	}
	if out == "" {
		out = filepath.Join("media", l.slug+ext)
	}
	if a, err1 := os.Stat(src); err1 == nil {
		if b, err2 := os.Stat(out); err2 == nil && os.SameFile(a, b) {
			return "", audio.Info{}, l.diags, fmt.Errorf("--out %s is the source file; castfeed never modifies it: choose another name", out)
		}
	}
	tags, chs := audioTags(cfg, l.ep, l.chapters, showCover(cfg))
	in, err := os.Open(src)
	if err != nil {
		return "", audio.Info{}, l.diags, err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return "", audio.Info{}, l.diags, err
	}
	probe, err := audio.Probe(in, fi.Size())
	if err != nil {
		return "", audio.Info{}, l.diags, fmt.Errorf("%s: %w; %s", src, err, audioHint(err))
	}
	diags := l.diags
	chs, d := fitChapters(l, chs, probe.Duration)
	diags = append(diags, d...)
	if _, err := writeTagged(ctx, out, in, fi.Size(), tags, chs); err != nil {
		return "", audio.Info{}, diags, fmt.Errorf("%s: %w; %s", src, err, audioHint(err))
	}
	f, err := os.Open(out)
	if err != nil {
		return "", audio.Info{}, diags, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", audio.Info{}, diags, err
	}
	info, err := audio.Probe(f, st.Size())
	return out, info, append(diags, durationDiags(l, info.Duration)...), err
}
