package audio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"
)

// frameHeader is a decoded MPEG audio frame header.
type frameHeader struct {
	version    byte // 3 MPEG-1, 2 MPEG-2, 0 MPEG-2.5
	layer      byte // 1, 2 or 3
	bitrate    int  // bits per second
	sampleRate int
	mono       bool
	length     int // bytes, header included
	samples    int // per frame
}

var bitrates = [2][3][15]int{
	{ // MPEG-1: layers I, II, III
		{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448},
		{0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},
		{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},
	},
	{ // MPEG-2 and 2.5
		{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
	},
}

var sampleRates = [4][3]int{
	0: {11025, 12000, 8000}, // MPEG-2.5
	2: {22050, 24000, 16000},
	3: {44100, 48000, 32000},
}

// parseFrameHeader decodes the 4 bytes of a frame header. Free-format
// frames (bit rate index 0) are refused: their length is not in the
// header, and no podcast encoder writes them.
func parseFrameHeader(b []byte) (frameHeader, bool) {
	if b[0] != 0xFF || b[1]&0xE0 != 0xE0 {
		return frameHeader{}, false
	}
	v, l := b[1]>>3&3, b[1]>>1&3
	bi, si, pad := int(b[2]>>4), int(b[2]>>2&3), int(b[2]>>1&1)
	if v == 1 || l == 0 || bi == 0 || bi == 15 || si == 3 {
		return frameHeader{}, false
	}
	h := frameHeader{version: v, layer: 4 - l, sampleRate: sampleRates[v][si], mono: b[3]>>6 == 3}
	t := 0
	if v != 3 {
		t = 1
	}
	h.bitrate = bitrates[t][h.layer-1][bi] * 1000
	switch {
	case h.layer == 1:
		h.length, h.samples = (12*h.bitrate/h.sampleRate+pad)*4, 384
	case h.layer == 3 && v != 3:
		h.length, h.samples = 72*h.bitrate/h.sampleRate+pad, 576
	default:
		h.length, h.samples = 144*h.bitrate/h.sampleRate+pad, 1152
	}
	return h, h.length > 4
}

func isFrameHeader(b []byte) bool {
	_, ok := parseFrameHeader(b)
	return ok
}

// same reports whether two frames belong to one stream; a resync accepts
// only those, so a stray 0xFFE in the audio is not taken for a frame.
func (h frameHeader) same(o frameHeader) bool {
	return h.version == o.version && h.layer == o.layer && h.sampleRate == o.sampleRate
}

// frameTime is the duration of n frames.
func (h frameHeader) frameTime(n int64) time.Duration {
	return time.Duration(n * int64(h.samples) * int64(time.Second) / int64(h.sampleRate))
}

// mp3Layout is where the parts of an MP3 file are.
type mp3Layout struct {
	tagEnd     int64 // end of the leading ID3v2 tag(s): the payload starts here
	payloadEnd int64 // start of an ID3v1 trailer, or the file's end
	first      int64 // first frame header
	head       frameHeader
	// From a Xing/Info or VBRI header in the first frame, which is then
	// not audio; xingFrames is 0 without one.
	xingFrames int64
	xingBytes  int64
	tag        []byte // the leading ID3v2 tag, when small enough to read
}

// maxLeadingJunk bounds the search for the first frame after the tag.
const maxLeadingJunk = 64 << 10

// layoutMP3 finds the tags, the first frame and its Xing header.
func layoutMP3(src io.ReaderAt, size int64) (mp3Layout, error) {
	var l mp3Layout
	var h [id3Header]byte
	// Files have been seen with two tags in a row (an editor that
	// prepended instead of replacing); each is skipped.
	for {
		if _, err := src.ReadAt(h[:], l.tagEnd); err != nil || string(h[:3]) != "ID3" {
			break
		}
		n, err := id3Size(h[:])
		if err != nil {
			return l, err
		}
		if l.tagEnd+n > size {
			return l, fmt.Errorf("%w: the ID3v2 tag (%d bytes) runs past the end of the file", ErrTruncated, n)
		}
		if l.tag == nil && n <= maxTag {
			l.tag = make([]byte, n)
			if _, err := src.ReadAt(l.tag, l.tagEnd); err != nil {
				return l, err
			}
		}
		l.tagEnd += n
	}
	l.payloadEnd = size
	if size-l.tagEnd >= 128 {
		var t [3]byte
		if _, err := src.ReadAt(t[:], size-128); err != nil {
			return l, err
		}
		if string(t[:]) == "TAG" {
			l.payloadEnd = size - 128
		}
	}
	// The first frame is one followed by another of the same stream (or
	// by the end): a lone 0xFFE in leading junk is not enough.
	limit := min(l.payloadEnd, l.tagEnd+maxLeadingJunk)
	for p := l.tagEnd; p+4 <= limit; p++ {
		fh, ok := headerAt(src, p)
		if !ok {
			continue
		}
		next := p + int64(fh.length)
		if next == l.payloadEnd {
			l.first, l.head = p, fh
			break
		}
		if nh, ok := headerAt(src, next); ok && nh.same(fh) {
			l.first, l.head = p, fh
			break
		}
	}
	if l.head.length == 0 {
		return l, fmt.Errorf("%w: no MPEG audio frame in the first %d bytes after the tag", ErrNotAudio, maxLeadingJunk)
	}
	l.readXing(src)
	return l, nil
}

// headerAt reads the frame header at p.
func headerAt(src io.ReaderAt, p int64) (frameHeader, bool) {
	var b [4]byte
	if _, err := src.ReadAt(b[:], p); err != nil {
		return frameHeader{}, false
	}
	return parseFrameHeader(b[:])
}

// readXing reads the frame count and byte count of a Xing/Info (LAME,
// ffmpeg) or VBRI (Fraunhofer) header in the first frame.
func (l *mp3Layout) readXing(src io.ReaderAt) {
	n := min(l.head.length, 192)
	b := make([]byte, n)
	if _, err := src.ReadAt(b, l.first); err != nil {
		return
	}
	off := 36
	switch {
	case l.head.version == 3 && l.head.mono, l.head.version != 3 && !l.head.mono:
		off = 21
	case l.head.version != 3:
		off = 13
	}
	if off+12 <= n && (string(b[off:off+4]) == "Xing" || string(b[off:off+4]) == "Info") {
		flags := binary.BigEndian.Uint32(b[off+4:])
		p := off + 8
		if flags&1 != 0 && p+4 <= n {
			l.xingFrames = int64(binary.BigEndian.Uint32(b[p:]))
			p += 4
		}
		if flags&2 != 0 && p+4 <= n {
			l.xingBytes = int64(binary.BigEndian.Uint32(b[p:]))
		}
		if l.xingFrames == 0 {
			l.xingFrames = -1 // a header, but no count: still not audio
		}
		return
	}
	if 36+18 <= n && string(b[36:40]) == "VBRI" {
		l.xingBytes = int64(binary.BigEndian.Uint32(b[46:]))
		l.xingFrames = int64(binary.BigEndian.Uint32(b[50:]))
		if l.xingFrames == 0 {
			l.xingFrames = -1
		}
	}
}

// truncated says whether the payload is shorter than the Xing header says.
// A few KB of slack allows for encoders that count the tag or the trailer.
func (l *mp3Layout) truncated() bool {
	return l.xingBytes > 0 && l.payloadEnd-l.first+4096 < l.xingBytes
}

func probeMP3(src io.ReaderAt, size int64) (Info, error) {
	l, err := layoutMP3(src, size)
	if err != nil {
		return Info{}, err
	}
	var info Info
	if l.tag != nil {
		// A tag castfeed cannot read is no reason to refuse the audio:
		// Embed replaces it anyway.
		if t, err := parseID3(l.tag); err == nil {
			info.Tags, info.Chapters = t.tags()
		}
	}
	switch {
	case l.truncated():
		return info, fmt.Errorf("%w: %d bytes of audio, the Xing header says %d", ErrTruncated, l.payloadEnd-l.first, l.xingBytes)
	case l.xingFrames > 0:
		info.Duration = l.head.frameTime(l.xingFrames)
	default:
		// What players do too: bytes over the first frame's bit rate.
		audio := l.payloadEnd - l.first
		if l.xingFrames < 0 {
			audio -= int64(l.head.length)
		}
		info.Duration = time.Duration(audio * 8 * int64(time.Second) / int64(l.head.bitrate))
		info.Estimated = true
	}
	return info, nil
}

// frameScanner follows the frames of a stream as its bytes go by, counting
// them and noticing where the stream loses sync or ends mid-frame.
type frameScanner struct {
	src    io.ReaderAt
	end    int64 // payload end
	head   frameHeader
	pos    int64 // next header expected here
	frames int64
	synced bool
	cut    bool // the last frame runs past the payload's end
	// The last header decoded, padding bit cleared, and its frame's
	// length without padding: a stream repeats one header (CBR) or a few,
	// so most frames are decoded by one comparison.
	memo    uint32
	memoLen int
}

// padMask clears the padding bit of a header read as a big-endian word.
const padMask = ^uint32(0x0200)

// header decodes the header in b, through the memo when it can.
func (s *frameScanner) header(b []byte) (frameHeader, bool) {
	w := binary.BigEndian.Uint32(b)
	if s.memoLen > 0 && w&padMask == s.memo {
		h := s.head
		h.length = s.memoLen
		if w&0x0200 != 0 {
			h.length += padBytes(h.layer)
		}
		return h, true
	}
	h, ok := parseFrameHeader(b)
	if ok && h.same(s.head) {
		s.memo, s.memoLen = w&padMask, h.length
		if w&0x0200 != 0 {
			s.memoLen -= padBytes(h.layer)
		}
	}
	return h, ok
}

// padBytes is the size of a padding slot: 4 bytes in Layer I, else 1.
func padBytes(layer byte) int {
	if layer == 1 {
		return 4
	}
	return 1
}

// scan advances over the frames whose headers lie in buf, which holds
// the payload bytes from off on.
func (s *frameScanner) scan(buf []byte, off int64) {
	bufEnd := off + int64(len(buf))
	for s.pos < bufEnd {
		var h frameHeader
		var ok bool
		if i := s.pos - off; i >= 0 && s.pos+4 <= bufEnd {
			h, ok = s.header(buf[i : i+4])
		} else if s.pos+4 <= s.end {
			h, ok = headerAt(s.src, s.pos)
		}
		ok = ok && h.same(s.head)
		if ok && !s.synced {
			// Regain sync only on a header the next one confirms.
			next := s.pos + int64(h.length)
			nh, nok := headerAt(s.src, next)
			ok = next == s.end || nok && nh.same(s.head)
		}
		if !ok {
			s.synced = false
			s.pos++
			continue
		}
		if s.pos+int64(h.length) > s.end {
			s.cut = s.synced
			s.pos = s.end
			return
		}
		s.synced = true
		s.frames++
		s.pos += int64(h.length)
	}
}

// copyBuf is the size of the chunks audio is copied in: large enough that
// system calls do not dominate, small enough for the memory promise.
const copyBuf = 1 << 20

func embedMP3(dst io.WriteSeeker, src io.ReaderAt, size int64, tags Tags, chs []Chapter) (Info, error) {
	if err := checkTags(tags); err != nil {
		return Info{}, err
	}
	l, err := layoutMP3(src, size)
	if err != nil {
		return Info{}, err
	}
	if l.truncated() {
		return Info{}, fmt.Errorf("%w: %d bytes of audio, the Xing header says %d", ErrTruncated, l.payloadEnd-l.first, l.xingBytes)
	}
	var d time.Duration
	if l.xingFrames > 0 {
		d = l.head.frameTime(l.xingFrames)
		if err := checkEnd(chs, d); err != nil {
			return Info{}, err
		}
	}
	tag, lastEnd := encodeID3(tags, chs, d)
	if _, err := dst.Write(tag); err != nil {
		return Info{}, err
	}
	// The payload, from the end of the old tag to the ID3v1 trailer, is
	// copied as it is, junk before the first frame included: castfeed
	// never re-muxes audio.
	s := &frameScanner{src: src, end: l.payloadEnd, head: l.head, pos: l.first, synced: true}
	if err := copyScanned(dst, src, l.tagEnd, l.payloadEnd, s); err != nil {
		return Info{}, err
	}
	frames := s.frames
	if l.xingFrames != 0 {
		frames-- // the Xing/Info frame is silence-free metadata, not audio
	}
	switch {
	case frames <= 0:
		return Info{}, fmt.Errorf("%w: no MPEG audio frames", ErrNotAudio)
	case s.cut:
		return Info{}, fmt.Errorf("%w: the last MPEG frame is cut short at byte %d", ErrTruncated, l.payloadEnd)
	case l.xingFrames > 0 && frames+1 < l.xingFrames:
		return Info{}, fmt.Errorf("%w: %d MPEG frames, the Xing header says %d", ErrTruncated, frames, l.xingFrames)
	}
	if l.xingFrames <= 0 {
		d = l.head.frameTime(frames)
		if err := checkEnd(chs, d); err != nil {
			return Info{}, err
		}
		if len(chs) > 0 {
			var b [4]byte
			binary.BigEndian.PutUint32(b[:], uint32(d.Milliseconds()))
			if err := patch(dst, int64(lastEnd), b[:]); err != nil {
				return Info{}, err
			}
		}
	}
	return Info{Duration: d, Size: int64(len(tag)) + l.payloadEnd - l.tagEnd}, nil
}

// copyScanned copies src's bytes [from, to) to dst, each chunk through the
// frame scanner on its way. Reading and scanning one chunk overlap with
// writing the ones before (three buffers, one writer goroutine), so that
// verifying every frame costs about what a plain copy does rather than
// adding to it.
func copyScanned(dst io.Writer, src io.ReaderAt, from, to int64, s *frameScanner) error {
	free := make(chan []byte, 3)
	full := make(chan []byte, 3)
	for range 3 {
		free <- make([]byte, copyBuf)
	}
	var (
		werr   error
		failed atomic.Bool
		done   = make(chan struct{})
	)
	go func() {
		defer close(done)
		for b := range full {
			if werr == nil {
				if _, werr = dst.Write(b); werr != nil {
					failed.Store(true)
				}
			}
			free <- b[:cap(b)]
		}
	}()
	var rerr error
	for off := from; off < to && !failed.Load(); {
		buf := <-free
		n := int(min(int64(len(buf)), to-off))
		if k, err := src.ReadAt(buf[:n], off); k < n {
			if errors.Is(err, io.EOF) {
				rerr = fmt.Errorf("%w: the file ended at byte %d while being copied", ErrTruncated, off+int64(k))
			} else {
				rerr = fmt.Errorf("read audio at byte %d: %w", off, err)
			}
			break
		}
		s.scan(buf[:n], off)
		full <- buf[:n]
		off += int64(n)
	}
	close(full)
	<-done
	return errors.Join(rerr, werr)
}

// patch overwrites b at off in dst and returns to the end.
func patch(dst io.WriteSeeker, off int64, b []byte) error {
	if _, err := dst.Seek(off, io.SeekStart); err != nil {
		return err
	}
	if _, err := dst.Write(b); err != nil {
		return err
	}
	_, err := dst.Seek(0, io.SeekEnd)
	return err
}
