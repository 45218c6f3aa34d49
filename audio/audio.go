// Package audio tags an episode's audio file and embeds its chapters, for
// the podcast apps that read chapters only from the file: Overcast, Castro,
// Pocket Casts on Android, Podcast Addict and older Apple Podcasts.
//
// An MP3 gets an ID3v2.3 tag (what Apple reads reliably) with one
// top-level, ordered CTOC listing every CHAP. An M4A gets both a Nero chpl
// list (AntennaPod and many Android players) and a QuickTime chapter text
// track (Apple). The audio itself, the MP3 frames or the MP4 sample data,
// is copied byte for byte, streaming: a file is never held in memory, only
// its headers (an MP4's moov box, capped by maxMoov).
//
// The readers here take files from outside castfeed and trust no size in
// them: every box, tag and frame is checked against its parent before it
// is read, and every allocation is capped. FuzzParseID3, FuzzScanFrames,
// FuzzParseBoxes and FuzzEmbed keep that promise.
//
// The ID3 frames and MP4 boxes are written here, not with
// github.com/bogem/id3v2 or github.com/abema/go-mp4: see id3.go for why
// not bogem (frame order, CHAP without WXXX); the MP4 side needs its own
// size-checked walker anyway (the rules above, fuzzed), and the edit is a
// handful of boxes over it, so go-mp4 would add a dependency for little.
//
// The output depends only on the inputs: no timestamps, no map order, so
// the same source, tags and chapters give the same bytes on every run.
package audio

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// Format is the container of an audio file.
type Format int

// The formats Embed writes.
const (
	MP3 Format = iota + 1
	M4A
)

// Ext returns the file ending castfeed publishes the format under.
func (f Format) Ext() string {
	switch f {
	case MP3:
		return ".mp3"
	case M4A:
		return ".m4a"
	}
	return ""
}

// MIMEType returns the enclosure type Apple expects for the format.
func (f Format) MIMEType() string {
	switch f {
	case MP3:
		return "audio/mpeg"
	case M4A:
		return "audio/mp4"
	}
	return ""
}

// String returns "MP3" or "M4A".
func (f Format) String() string {
	switch f {
	case MP3:
		return "MP3"
	case M4A:
		return "M4A"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// Tags are the episode's metadata written into the file.
type Tags struct {
	Title   string // TIT2, ©nam
	Artist  string // TPE1, ©ART: the show's author
	Album   string // TALB, ©alb: the show
	Track   int    // TRCK, trkn: the episode number; 0 writes none
	Date    string // TDRC/TYER/TDAT, ©day: "2006-01-02", or "" for none
	Comment string // COMM, ©cmt: the summary
	Cover   []byte // APIC, covr: JPEG or PNG bytes; nil for none
}

// Chapter is one chapter to embed. A chapter ends where the next starts;
// the last ends at the audio's real duration.
type Chapter struct {
	Start time.Duration
	Title string
	URL   string // optional; MP3 only (WXXX), M4A chapter lists have no links
}

// Info is what Probe reads from a file, or what Embed wrote.
type Info struct {
	Format   Format
	Duration time.Duration
	// Estimated is true when Probe computed Duration from the bit rate of
	// an MP3 without a Xing/Info or VBRI header, as players do; Embed
	// always counts the frames.
	Estimated bool
	Tags      Tags
	Chapters  []Chapter
	Size      int64 // bytes written (Embed) or the file's size (Probe)
}

// Limits on what the readers accept. They bound memory whatever the input
// says: a moov box holds the sample tables (a few MB for a 4-hour
// episode), chapter lists have one-byte counts in both formats.
const (
	maxMoov     = 32 << 20
	maxTag      = 16 << 20
	maxChapters = 255
	maxBoxes    = 1 << 16
	maxDepth    = 16
)

// Errors a caller may branch on; the returned error wraps one of them and
// says where the problem is.
var (
	// ErrNotAudio: the file is neither MPEG audio nor an MP4 with an
	// audio track.
	ErrNotAudio = errors.New("not an MP3 or M4A audio file")
	// ErrTruncated: the file ends before the audio its headers announce.
	ErrTruncated = errors.New("audio file is truncated")
	// ErrNoAudioTrack: an MP4 without a sound track (video only).
	ErrNoAudioTrack = errors.New("MP4 file has no audio track")
	// ErrCorrupt: a header breaks the format's rules (a size past its
	// parent, a zero size, a table that does not add up).
	ErrCorrupt = errors.New("corrupt audio file")
	// ErrChapters: the chapters cannot be embedded as given.
	ErrChapters = errors.New("chapters cannot be embedded")
	// ErrTags: a tag value cannot be written (e.g. a cover that is
	// neither JPEG nor PNG).
	ErrTags = errors.New("tags cannot be embedded")
)

// corrupt returns an ErrCorrupt saying what and where.
func corrupt(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, a...))
}

// Sniff says which format src holds, from its first bytes.
func Sniff(src io.ReaderAt, size int64) (Format, error) {
	var b [12]byte
	n, err := src.ReadAt(b[:], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return 0, err
	}
	h := b[:n]
	switch {
	case len(h) >= 8 && string(h[4:8]) == "ftyp":
		return M4A, nil
	case len(h) >= 3 && string(h[:3]) == "ID3":
		return MP3, nil
	case len(h) >= 4 && isFrameHeader(h[:4]):
		return MP3, nil
	}
	// An MP4 may open with another box (free, moov, mdat) before ftyp.
	if len(h) >= 8 {
		switch string(h[4:8]) {
		case "moov", "mdat", "free", "skip", "wide":
			return M4A, nil
		}
	}
	return 0, ErrNotAudio
}

// Probe reads the format, duration, tags and chapters of src, which is
// size bytes long. It reads only headers, except for an MP3 without a
// Xing/Info/VBRI header, whose duration it estimates from the bit rate.
func Probe(src io.ReaderAt, size int64) (Info, error) {
	f, err := Sniff(src, size)
	if err != nil {
		return Info{}, err
	}
	var info Info
	switch f {
	case MP3:
		info, err = probeMP3(src, size)
	case M4A:
		info, err = probeM4A(src, size)
	}
	info.Format, info.Size = f, size
	return info, err
}

// Embed writes to dst a copy of src (size bytes long) carrying tags and
// chapters, replacing the tags and chapters src had. The audio is copied
// byte for byte. dst must be empty and positioned at 0; Embed seeks in it
// only to fill in values learnt while copying (an MP3's last chapter end).
// Chapters must start at 0, be strictly ascending and start before the
// audio's end; Info reports what was written.
//
// On error dst holds a partial file: write to a temporary file and rename
// it only on success.
func Embed(dst io.WriteSeeker, src io.ReaderAt, size int64, tags Tags, chs []Chapter) (Info, error) {
	f, err := Sniff(src, size)
	if err != nil {
		return Info{}, err
	}
	if err := checkChapters(chs); err != nil {
		return Info{}, err
	}
	var info Info
	switch f {
	case MP3:
		info, err = embedMP3(dst, src, size, tags, chs)
	case M4A:
		info, err = embedM4A(dst, src, size, tags, chs)
	}
	if err != nil {
		return Info{}, err
	}
	info.Format, info.Tags, info.Chapters = f, tags, chs
	return info, nil
}

// checkChapters checks what both formats need of the list; the end of the
// audio is checked once it is known.
func checkChapters(chs []Chapter) error {
	if len(chs) > maxChapters {
		return fmt.Errorf("%w: %d chapters, at most %d fit in a chapter list", ErrChapters, len(chs), maxChapters)
	}
	for i, c := range chs {
		switch {
		case i == 0 && c.Start != 0:
			return fmt.Errorf("%w: the first chapter starts at %v, not 0", ErrChapters, c.Start)
		case i > 0 && c.Start <= chs[i-1].Start:
			return fmt.Errorf("%w: chapter %d (%q) starts at %v, not after the one before", ErrChapters, i+1, c.Title, c.Start)
		case c.Start > time.Duration(1<<32-1)*time.Millisecond:
			return fmt.Errorf("%w: chapter %d starts after 49 days", ErrChapters, i+1)
		}
	}
	return nil
}

// checkEnd checks that every chapter starts before the audio ends.
func checkEnd(chs []Chapter, d time.Duration) error {
	if n := len(chs); n > 0 && chs[n-1].Start.Milliseconds() >= d.Milliseconds() {
		return fmt.Errorf("%w: chapter %d (%q) starts at %v, the audio ends at %v", ErrChapters, n, chs[n-1].Title, chs[n-1].Start, d)
	}
	return nil
}

// ends returns each chapter's end in milliseconds: the next one's start,
// or d for the last.
func ends(chs []Chapter, d time.Duration) []uint32 {
	e := make([]uint32, len(chs))
	for i := range chs {
		if i+1 < len(chs) {
			e[i] = uint32(chs[i+1].Start.Milliseconds())
		} else {
			e[i] = uint32(d.Milliseconds())
		}
	}
	return e
}

// imageType sniffs a cover: "image/jpeg" or "image/png", else "".
func imageType(b []byte) string {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return "image/jpeg"
	case len(b) >= 8 && string(b[:8]) == "\x89PNG\r\n\x1a\n":
		return "image/png"
	}
	return ""
}

func checkTags(t Tags) error {
	if t.Cover != nil && imageType(t.Cover) == "" {
		return fmt.Errorf("%w: the cover is neither JPEG nor PNG", ErrTags)
	}
	if len(t.Cover) > maxTag/2 {
		return fmt.Errorf("%w: the cover is %d bytes, more than %d", ErrTags, len(t.Cover), maxTag/2)
	}
	if t.Track < 0 || t.Track > 65535 {
		return fmt.Errorf("%w: track number %d is outside 0-65535", ErrTags, t.Track)
	}
	return nil
}
