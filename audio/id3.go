package audio

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// The ID3v2.3 frames are written here rather than with
// github.com/bogem/id3v2: its Tag.WriteTo ranges over a map, so frames come
// out in a different order on every run (castfeed promises byte-identical
// files), and its CHAP frame carries only TIT2/TIT3, not the WXXX link a
// chapter may have. The frames castfeed writes are a few dozen lines.

// id3Header is the size of an ID3v2 header (and of a v2.4 footer).
const id3Header = 10

// id3Writer accumulates ID3v2.3 frames.
type id3Writer struct {
	b []byte
}

// frame appends a frame with the given id and body.
func (w *id3Writer) frame(id string, body []byte) {
	w.b = append(w.b, id...)
	w.b = binary.BigEndian.AppendUint32(w.b, uint32(len(body)))
	w.b = append(w.b, 0, 0)
	w.b = append(w.b, body...)
}

// latin1 reports whether s fits ISO-8859-1, the one 8-bit encoding of v2.3.
func latin1(s string) bool {
	for _, r := range s {
		if r > 0xFF {
			return false
		}
	}
	return true
}

// appendText appends s in the given encoding (0 ISO-8859-1, 1 UTF-16 with
// a BOM), terminated if term.
func appendText(b []byte, enc byte, s string, term bool) []byte {
	if enc == 0 {
		for _, r := range s {
			b = append(b, byte(r))
		}
		if term {
			b = append(b, 0)
		}
		return b
	}
	b = append(b, 0xFF, 0xFE)
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	if term {
		b = append(b, 0, 0)
	}
	return b
}

// encodingFor picks ISO-8859-1 when every string fits, else UTF-16: v2.3
// has no UTF-8.
func encodingFor(ss ...string) byte {
	for _, s := range ss {
		if !latin1(s) {
			return 1
		}
	}
	return 0
}

// textFrame returns the body of a text frame (T***).
func textFrame(s string) []byte {
	enc := encodingFor(s)
	return appendText([]byte{enc}, enc, s, false)
}

// urlFrame returns the body of a WXXX frame with an empty description.
// The URL itself is always ISO-8859-1; one that is not is written
// percent-encoded rather than mangled.
func urlFrame(u string) []byte {
	b := []byte{0, 0} // ISO-8859-1, empty description
	for i := 0; i < len(u); i++ {
		if c := u[i]; c < 0x80 && c > 0x20 {
			b = append(b, c)
		} else {
			b = append(b, fmt.Sprintf("%%%02X", c)...)
		}
	}
	return b
}

// encodeID3 returns a whole ID3v2.3 tag for tags and chapters whose last
// end is d, and the offset in it of the last CHAP's end time, which
// embedMP3 fills in once it has counted the frames.
func encodeID3(t Tags, chs []Chapter, d time.Duration) (tag []byte, lastEnd int) {
	w := &id3Writer{b: make([]byte, id3Header, 1024+len(t.Cover))}
	text := func(id, s string) {
		if s != "" {
			w.frame(id, textFrame(s))
		}
	}
	text("TIT2", t.Title)
	text("TPE1", t.Artist)
	text("TALB", t.Album)
	if t.Track > 0 {
		text("TRCK", strconv.Itoa(t.Track))
	}
	if day, err := time.Parse(time.DateOnly, t.Date); err == nil {
		// v2.3 has TYER and TDAT; TDRC is v2.4's, and readers that
		// know it (mutagen, ffmpeg) prefer the whole date from it.
		text("TYER", day.Format("2006"))
		text("TDAT", day.Format("0201"))
		text("TDRC", t.Date)
	}
	if t.Comment != "" {
		enc := encodingFor(t.Comment)
		body := append([]byte{enc}, "eng"...)
		body = appendText(body, enc, "", true)
		w.frame("COMM", appendText(body, enc, t.Comment, false))
	}
	if t.Cover != nil {
		body := append([]byte{0}, imageType(t.Cover)...)
		body = append(body, 0, 3, 0) // MIME end, front cover, empty description
		w.frame("APIC", append(body, t.Cover...))
	}
	if len(chs) > 0 {
		// One top-level, ordered table of contents: without it Apple
		// and Overcast ignore the CHAP frames.
		body := append([]byte("toc\x00"), 0x03, byte(len(chs)))
		for i := range chs {
			body = append(body, chapterID(i)...)
			body = append(body, 0)
		}
		w.frame("CTOC", body)
		end := ends(chs, d)
		for i, c := range chs {
			body := append([]byte(chapterID(i)), 0)
			body = binary.BigEndian.AppendUint32(body, uint32(c.Start.Milliseconds()))
			if i == len(chs)-1 {
				lastEnd = len(w.b) + id3Header + len(body)
			}
			body = binary.BigEndian.AppendUint32(body, end[i])
			// Byte offsets unused: all ones, as the spec says.
			body = append(body, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)
			sub := &id3Writer{b: body}
			sub.frame("TIT2", textFrame(c.Title))
			if c.URL != "" {
				sub.frame("WXXX", urlFrame(c.URL))
			}
			w.frame("CHAP", sub.b)
		}
	}
	b := w.b
	copy(b, "ID3\x03\x00\x00")
	putSyncsafe(b[6:10], uint32(len(b)-id3Header))
	return b, lastEnd
}

// chapterID names the i-th CHAP element; CTOC refers to them by it.
func chapterID(i int) string { return "chp" + strconv.Itoa(i) }

func putSyncsafe(b []byte, n uint32) {
	b[0], b[1], b[2], b[3] = byte(n>>21&0x7F), byte(n>>14&0x7F), byte(n>>7&0x7F), byte(n&0x7F)
}

// syncsafe decodes a 28-bit syncsafe integer; ok is false if a byte has
// its top bit set, which no ID3 writer produces.
func syncsafe(b []byte) (uint32, bool) {
	if (b[0]|b[1]|b[2]|b[3])&0x80 != 0 {
		return 0, false
	}
	return uint32(b[0])<<21 | uint32(b[1])<<14 | uint32(b[2])<<7 | uint32(b[3]), true
}

// id3Size reports the whole length of the ID3v2 tag h starts with (header,
// frames and any footer), from its first 10 bytes.
func id3Size(h []byte) (int64, error) {
	if len(h) < id3Header || string(h[:3]) != "ID3" {
		return 0, corrupt("no ID3v2 header")
	}
	if h[3] < 2 || h[3] > 4 || h[4] == 0xFF {
		return 0, corrupt("ID3v2.%d.%d is not a version castfeed reads", h[3], h[4])
	}
	n, ok := syncsafe(h[6:10])
	if !ok {
		return 0, corrupt("ID3v2 tag size is not syncsafe")
	}
	size := int64(n) + id3Header
	if h[3] == 4 && h[5]&0x10 != 0 {
		size += id3Header
	}
	return size, nil
}

// id3Tag is what parseID3 understood of a tag.
type id3Tag struct {
	Version  byte
	Text     map[string]string // text frames by id
	Comment  string
	Cover    []byte
	TOC      []id3TOC
	Chapters []id3Chapter
}

type id3TOC struct {
	ID       string
	Flags    byte
	Children []string
}

type id3Chapter struct {
	ID         string
	Start, End uint32
	Title, URL string
}

// parseID3 reads an ID3v2.3 or v2.4 tag from b, which holds the whole tag.
// Every frame size is checked against what is left of its parent before
// it is read; nothing is allocated beyond b's size.
func parseID3(b []byte) (*id3Tag, error) {
	size, err := id3Size(b)
	if err != nil {
		return nil, err
	}
	if size > int64(len(b)) {
		return nil, fmt.Errorf("%w: ID3v2 tag of %d bytes in %d", ErrTruncated, size, len(b))
	}
	t := &id3Tag{Version: b[3], Text: map[string]string{}}
	if t.Version < 3 {
		return nil, corrupt("ID3v2.2 tags are not read")
	}
	if b[5]&0x80 != 0 {
		return nil, corrupt("unsynchronised ID3v2 tags are not read")
	}
	body := b[id3Header:size]
	if b[5]&0x10 != 0 && t.Version == 4 {
		body = body[:len(body)-id3Header]
	}
	if b[5]&0x40 != 0 { // extended header
		if len(body) < 4 {
			return nil, corrupt("ID3v2 extended header past the tag")
		}
		n := int64(binary.BigEndian.Uint32(body))
		if t.Version == 3 {
			n += 4 // v2.3 does not count the size field itself
		} else if v, ok := syncsafe(body); ok {
			n = int64(v)
		} else {
			return nil, corrupt("ID3v2 extended header size is not syncsafe")
		}
		if n < 4 || n > int64(len(body)) {
			return nil, corrupt("ID3v2 extended header of %d bytes past the tag", n)
		}
		body = body[n:]
	}
	err = eachFrame(body, t.Version, func(id string, f []byte) error {
		return t.frame(id, f)
	})
	return t, err
}

// eachFrame calls fn for each frame in b, stopping at padding.
func eachFrame(b []byte, version byte, fn func(id string, body []byte) error) error {
	for len(b) >= id3Header && b[0] != 0 {
		id := string(b[:4])
		for _, c := range id {
			if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
				return corrupt("ID3v2 frame id %q", id)
			}
		}
		n := binary.BigEndian.Uint32(b[4:8])
		if version == 4 {
			v, ok := syncsafe(b[4:8])
			if !ok {
				return corrupt("ID3v2.4 frame %s size is not syncsafe", id)
			}
			n = v
		}
		if int64(n) > int64(len(b)-id3Header) {
			return corrupt("ID3v2 frame %s of %d bytes past its parent (%d left)", id, n, len(b)-id3Header)
		}
		if b[9]&0xC0 != 0 && version == 3 || b[9]&0x4C != 0 && version == 4 {
			// Compressed, encrypted or unsynchronised frames: skipped,
			// castfeed never writes them.
		} else if err := fn(id, b[id3Header:id3Header+n]); err != nil {
			return err
		}
		b = b[id3Header+n:]
	}
	return nil
}

func (t *id3Tag) frame(id string, f []byte) error {
	switch {
	case id == "CHAP":
		c, err := parseCHAP(f, t.Version)
		if err != nil {
			return err
		}
		t.Chapters = append(t.Chapters, c)
	case id == "CTOC":
		c, err := parseCTOC(f)
		if err != nil {
			return err
		}
		t.TOC = append(t.TOC, c)
	case id == "COMM":
		if len(f) < 4 {
			return corrupt("COMM frame of %d bytes", len(f))
		}
		_, rest := splitText(f[0], f[4:])
		t.Comment = decodeText(f[0], rest)
	case id == "APIC":
		if len(f) < 1 {
			return corrupt("empty APIC frame")
		}
		_, rest := splitText(0, f[1:]) // MIME type is ISO-8859-1
		if len(rest) < 1 {
			return corrupt("APIC frame without a picture type")
		}
		_, pic := splitText(f[0], rest[1:])
		t.Cover = pic
	case id[0] == 'T' && id != "TXXX":
		if len(f) < 1 {
			return corrupt("empty %s frame", id)
		}
		t.Text[id] = strings.TrimRight(decodeText(f[0], f[1:]), "\x00")
	}
	return nil
}

func parseCHAP(f []byte, version byte) (id3Chapter, error) {
	id, rest := splitText(0, f)
	if rest == nil || len(rest) < 16 {
		return id3Chapter{}, corrupt("CHAP frame of %d bytes", len(f))
	}
	c := id3Chapter{ID: string(id), Start: binary.BigEndian.Uint32(rest), End: binary.BigEndian.Uint32(rest[4:])}
	err := eachFrame(rest[16:], version, func(sid string, s []byte) error {
		switch sid {
		case "TIT2":
			if len(s) < 1 {
				return corrupt("empty TIT2 in CHAP %s", c.ID)
			}
			c.Title = strings.TrimRight(decodeText(s[0], s[1:]), "\x00")
		case "WXXX":
			if len(s) < 1 {
				return corrupt("empty WXXX in CHAP %s", c.ID)
			}
			_, u := splitText(s[0], s[1:])
			c.URL = decodeText(0, u)
		}
		return nil
	})
	return c, err
}

func parseCTOC(f []byte) (id3TOC, error) {
	id, rest := splitText(0, f)
	if len(rest) < 2 {
		return id3TOC{}, corrupt("CTOC frame of %d bytes", len(f))
	}
	c := id3TOC{ID: string(id), Flags: rest[0]}
	n := int(rest[1])
	rest = rest[2:]
	for range n {
		child, r := splitText(0, rest)
		if r == nil {
			return id3TOC{}, corrupt("CTOC %s lists %d children, the frame ends before", c.ID, n)
		}
		c.Children = append(c.Children, string(child))
		rest = r
	}
	return c, nil
}

// splitText splits b after the first terminator of the encoding (one zero
// byte, or two aligned ones for UTF-16); rest is nil when there is none.
func splitText(enc byte, b []byte) (s, rest []byte) {
	if enc == 1 || enc == 2 {
		for i := 0; i+1 < len(b); i += 2 {
			if b[i] == 0 && b[i+1] == 0 {
				return b[:i], b[i+2:]
			}
		}
		return b, nil
	}
	for i, c := range b {
		if c == 0 {
			return b[:i], b[i+1:]
		}
	}
	return b, nil
}

// decodeText decodes b in an ID3 text encoding.
func decodeText(enc byte, b []byte) string {
	switch enc {
	case 1, 2:
		be := enc == 2
		if len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF {
			be, b = true, b[2:]
		} else if len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE {
			be, b = false, b[2:]
		}
		u := make([]uint16, len(b)/2)
		for i := range u {
			if be {
				u[i] = binary.BigEndian.Uint16(b[2*i:])
			} else {
				u[i] = binary.LittleEndian.Uint16(b[2*i:])
			}
		}
		return string(utf16.Decode(u))
	case 3:
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// tags translates what a tag says into Tags and Chapters, following the
// top-level CTOC's order when there is one.
func (t *id3Tag) tags() (Tags, []Chapter) {
	tg := Tags{Title: t.Text["TIT2"], Artist: t.Text["TPE1"], Album: t.Text["TALB"], Comment: t.Comment, Cover: t.Cover}
	if n, err := strconv.Atoi(strings.SplitN(t.Text["TRCK"], "/", 2)[0]); err == nil {
		tg.Track = n
	}
	tg.Date = t.Text["TDRC"]
	if tg.Date == "" && len(t.Text["TYER"]) == 4 && len(t.Text["TDAT"]) == 4 {
		d := t.Text["TDAT"]
		tg.Date = t.Text["TYER"] + "-" + d[2:] + "-" + d[:2]
	}
	byID := make(map[string]id3Chapter, len(t.Chapters))
	for _, c := range t.Chapters {
		byID[c.ID] = c
	}
	order := t.Chapters
	for _, toc := range t.TOC {
		if toc.Flags&0x02 != 0 {
			order = order[:0:0]
			for _, id := range toc.Children {
				if c, ok := byID[id]; ok {
					order = append(order, c)
				}
			}
			break
		}
	}
	var chs []Chapter
	for _, c := range order {
		chs = append(chs, Chapter{Start: time.Duration(c.Start) * time.Millisecond, Title: c.Title, URL: c.URL})
	}
	return tg, chs
}
