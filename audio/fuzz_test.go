package audio

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"slices"
	"testing"
	"time"
)

// The fuzz targets hold the readers of outside input (the ID3 reader, the
// MP3 frame scanner, the MP4 box walker) to properties, not only to "no
// panic": what they accept reads back the same after a write. Seeds are
// the testdata files and the adversarial shapes the issue names (sizes of
// 0, sizes past the parent, boxes that would loop).

func seedFiles(f *testing.F) [][]byte {
	var out [][]byte
	for _, p := range []string{"testdata/tone.mp3", "testdata/tone-noxing.mp3", "testdata/tone.m4a", "testdata/tone-chapters.mp3", "testdata/tone-chapters.m4a"} {
		out = append(out, readFile(f, p))
	}
	return out
}

func FuzzParseID3(f *testing.F) {
	mp3 := readFile(f, "testdata/tone.mp3")
	n, err := id3Size(mp3)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(mp3[:n])
	tag, _ := encodeID3(testTags(f), testChapters, 6*time.Second)
	f.Add(tag)
	f.Add([]byte("ID3\x03\x00\x00\x00\x00\x00\x0aCHAP\xff\xff\xff\xff\x00\x00"))              // frame past the tag
	f.Add([]byte("ID3\x04\x00\x00\x00\x00\x00\x14CTOC\x00\x00\x00\x06\x00\x00t\x00\x03\x05")) // more children than bytes
	f.Fuzz(func(t *testing.T, b []byte) {
		tg, err := parseID3(b)
		if err != nil {
			return
		}
		tags, chs := tg.tags()
		// Whatever was understood encodes and reads back the same,
		// once the chapters are made valid.
		valid := validChapters(chs)
		if len(valid) > maxChapters {
			valid = valid[:maxChapters]
		}
		if imageType(tags.Cover) == "" {
			tags.Cover = nil
		}
		if _, err := time.Parse(time.DateOnly, tags.Date); err != nil {
			tags.Date = ""
		}
		tags.Track = max(0, min(tags.Track, 65535))
		d := time.Hour
		if n := len(valid); n > 0 {
			d = valid[n-1].Start + time.Hour
		}
		checkID3RoundTrip(t, tags, valid, d)
	})
}

func FuzzEncodeID3(f *testing.F) {
	f.Add("Episode", "Intro", "https://example.com/a b", uint32(0), uint32(1500))
	f.Add("Ça ☃", "Ünï", "", uint32(0), uint32(1))
	f.Fuzz(func(t *testing.T, title, chapter, url string, a, b uint32) {
		chs := validChapters([]Chapter{{Start: time.Duration(a) * time.Millisecond, Title: chapter, URL: url}, {Start: time.Duration(b) * time.Millisecond, Title: title}})
		checkID3RoundTrip(t, Tags{Title: title, Comment: chapter, Album: url}, chs, time.Duration(max(a, b))*time.Millisecond+time.Second)
	})
}

// validChapters makes a list Embed accepts: from 0, strictly ascending,
// with text the formats can carry (ID3 strings end at NUL; URLs are
// ASCII).
func validChapters(chs []Chapter) []Chapter {
	var out []Chapter
	for _, c := range chs {
		c.Start = c.Start.Truncate(time.Millisecond)
		c.Title = clean(c.Title)
		c.URL = asciiURL(clean(c.URL))
		if len(out) == 0 {
			c.Start = 0
		} else if c.Start <= out[len(out)-1].Start {
			continue
		}
		out = append(out, c)
	}
	return out
}

func clean(s string) string {
	return string(bytes.Map(func(r rune) rune {
		if r == 0 || r == 0xFFFD || r >= 0xD800 && r < 0xE000 {
			return -1
		}
		return r
	}, []byte(s)))
}

func asciiURL(s string) string {
	return string(bytes.Map(func(r rune) rune {
		if r <= 0x20 || r >= 0x7F || r == '%' {
			return -1
		}
		return r
	}, []byte(s)))
}

func checkID3RoundTrip(t *testing.T, tags Tags, chs []Chapter, d time.Duration) {
	t.Helper()
	tags.Title, tags.Artist, tags.Album, tags.Comment = clean(tags.Title), clean(tags.Artist), clean(tags.Album), clean(tags.Comment)
	if checkChapters(chs) != nil || checkEnd(chs, d) != nil {
		return
	}
	b, _ := encodeID3(tags, chs, d)
	tg, err := parseID3(b)
	if err != nil {
		t.Fatalf("parseID3(encodeID3(%+v, %+v)): %v", tags, chs, err)
	}
	gotTags, gotChs := tg.tags()
	if !slices.Equal(gotChs, chs) && !(len(chs) == 0 && len(gotChs) == 0) {
		t.Fatalf("chapters read back %+v, wrote %+v", gotChs, chs)
	}
	if gotTags.Title != tags.Title || gotTags.Album != tags.Album || gotTags.Comment != tags.Comment || !bytes.Equal(gotTags.Cover, tags.Cover) {
		t.Fatalf("tags read back %+v, wrote %+v", gotTags, tags)
	}
}

// FuzzScanFrames holds the MP3 frame scanner to one property: the frames
// it counts do not depend on where the copy's chunks split the stream.
func FuzzScanFrames(f *testing.F) {
	for _, b := range seedFiles(f)[:2] {
		f.Add(b[len(b)-3000:], uint16(417))
	}
	f.Add([]byte{0xFF, 0xFB, 0x90, 0x64, 0xFF, 0xFB}, uint16(1))
	f.Fuzz(func(t *testing.T, b []byte, split uint16) {
		var first int64 = -1
		var head frameHeader
		for p := 0; p+4 <= len(b); p++ {
			if h, ok := parseFrameHeader(b[p:]); ok {
				first, head = int64(p), h
				break
			}
		}
		if first < 0 {
			return
		}
		count := func(chunk int) (int64, bool) {
			s := &frameScanner{src: bytes.NewReader(b), end: int64(len(b)), head: head, pos: first, synced: true}
			for off := 0; off < len(b); off += chunk {
				s.scan(b[off:min(off+chunk, len(b))], int64(off))
			}
			return s.frames, s.cut
		}
		n, cut := count(len(b))
		m, mcut := count(int(split%2048) + 1)
		if n != m || cut != mcut {
			t.Fatalf("whole: %d frames cut=%v; in chunks of %d: %d cut=%v", n, cut, split%2048+1, m, mcut)
		}
	})
}

// FuzzParseBoxes holds the MP4 box walker to: what it parses writes back
// the same bytes (leaves are kept as read, 32-bit sizes as written) and
// parses again to the same tree.
func FuzzParseBoxes(f *testing.F) {
	m4a := readFile(f, "testdata/tone.m4a")
	tops, err := topBoxes(bytes.NewReader(m4a), int64(len(m4a)))
	if err != nil {
		f.Fatal(err)
	}
	for _, t := range tops {
		if t.typ == "moov" {
			f.Add(m4a[t.payload() : t.off+t.size])
		}
	}
	f.Add([]byte("\x00\x00\x00\x00trak"))                                 // size 0 inside moov
	f.Add([]byte("\x00\x00\x00\x10trak\x00\x00\x00\xffmdia"))             // child past its parent
	f.Add([]byte("\x00\x00\x00\x01trak\xff\xff\xff\xff\xff\xff\xff\xff")) // 64-bit size past the end
	f.Add(bytes.Repeat([]byte("\x00\x00\x00\x08trak"), 100))
	f.Fuzz(func(t *testing.T, b []byte) {
		count := 0
		kids, err := parseBoxes(b, 1, &count)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		w := bufio.NewWriter(&buf)
		for _, k := range kids {
			k.writeTo(w)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		out := buf.Bytes()
		if !has64BitSize(kids, b) && !bytes.Equal(out, b) {
			t.Fatalf("parse then write changed %d bytes into %d", len(b), len(out))
		}
		count = 0
		again, err := parseBoxes(out, 1, &count)
		if err != nil {
			t.Fatalf("written boxes do not parse: %v", err)
		}
		if !sameTree(kids, again) {
			t.Fatal("written boxes parse to another tree")
		}
	})
}

// has64BitSize reports whether b uses a 64-bit size anywhere (which
// writeTo writes back as 32-bit when it fits), approximately: any box
// header with size 1.
func has64BitSize(_ []*box, b []byte) bool {
	for i := 0; i+8 <= len(b); i++ {
		if binary.BigEndian.Uint32(b[i:]) == 1 {
			return true
		}
	}
	return false
}

func sameTree(a, b []*box) bool {
	return slices.EqualFunc(a, b, func(x, y *box) bool {
		return x.typ == y.typ && x.leaf == y.leaf && bytes.Equal(x.data, y.data) && sameTree(x.children, y.children)
	})
}

// FuzzEmbed runs the whole stage on any input. What Embed accepts, Probe
// reads back: the same duration (an MP3's exactly when it counted the
// frames the same way), the chapters and the title it wrote; what it
// refuses, it refuses with one of the package's errors.
func FuzzEmbed(f *testing.F) {
	for _, b := range seedFiles(f) {
		f.Add(b)
	}
	m4a := seedFiles(f)[2]
	f.Add(m4a[:len(m4a)-100])
	f.Add(append([]byte("\x00\x00\x00\x00ftyp"), m4a[8:]...))
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := Probe(bytes.NewReader(b), int64(len(b))); err != nil && !known(err) {
			t.Fatalf("Probe: %v", err)
		}
		tags := Tags{Title: "Fuzzed", Track: 7}
		out, info, err := embedBytes(b, tags, []Chapter{{Title: "a"}, {Start: time.Millisecond, Title: "b"}})
		if err != nil {
			if !known(err) {
				t.Fatalf("Embed: %v", err)
			}
			return
		}
		if int64(len(out)) != info.Size {
			t.Fatalf("Embed wrote %d bytes, said %d", len(out), info.Size)
		}
		got, err := Probe(bytes.NewReader(out), int64(len(out)))
		if err != nil {
			t.Fatalf("Probe of Embed's output: %v", err)
		}
		if got.Tags.Title != tags.Title || got.Tags.Track != 7 || len(got.Chapters) != 2 || got.Chapters[1].Start != time.Millisecond {
			t.Fatalf("Probe of Embed's output: %+v %+v", got.Tags, got.Chapters)
		}
		if info.Format == M4A && got.Duration != info.Duration {
			t.Fatalf("Probe duration %v, Embed %v", got.Duration, info.Duration)
		}
	})
}

// known reports whether err is one of the package's errors, the promise
// callers branch on.
func known(err error) bool {
	for _, e := range []error{ErrNotAudio, ErrTruncated, ErrNoAudioTrack, ErrCorrupt, ErrChapters, ErrTags} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
