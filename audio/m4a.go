package audio

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
	"unicode/utf8"
)

// trackInfo is what embedM4A needs from a trak.
type trackInfo struct {
	box       *box
	id        uint32
	handler   string
	timescale uint32
	duration  uint64
}

func readTrack(t *box) (trackInfo, error) {
	ti := trackInfo{box: t}
	tkhd := t.child("tkhd")
	hdlr := t.path("mdia", "hdlr")
	mdhd := t.path("mdia", "mdhd")
	if tkhd == nil || hdlr == nil || mdhd == nil || !tkhd.leaf || !hdlr.leaf || !mdhd.leaf {
		return ti, corrupt("trak without tkhd, mdia/hdlr or mdia/mdhd")
	}
	if len(hdlr.data) < 12 {
		return ti, corrupt("hdlr of %d bytes", len(hdlr.data))
	}
	ti.handler = string(hdlr.data[8:12])
	d := tkhd.data
	switch {
	case len(d) >= 16 && d[0] == 0:
		ti.id = binary.BigEndian.Uint32(d[12:])
	case len(d) >= 24 && d[0] == 1:
		ti.id = binary.BigEndian.Uint32(d[20:])
	default:
		return ti, corrupt("tkhd of %d bytes, version %d", len(d), d[0])
	}
	m := mdhd.data
	switch {
	case len(m) >= 20 && m[0] == 0:
		ti.timescale, ti.duration = binary.BigEndian.Uint32(m[12:]), uint64(binary.BigEndian.Uint32(m[16:]))
	case len(m) >= 32 && m[0] == 1:
		ti.timescale, ti.duration = binary.BigEndian.Uint32(m[20:]), binary.BigEndian.Uint64(m[24:])
	default:
		return ti, corrupt("mdhd of %d bytes", len(m))
	}
	if ti.timescale == 0 {
		return ti, corrupt("track %d has time scale 0", ti.id)
	}
	return ti, nil
}

// audioTrack returns the first sound track and all tracks.
func audioTrack(moov *box) (trackInfo, []trackInfo, error) {
	var all []trackInfo
	snd := -1
	for _, c := range moov.children {
		if c.typ != "trak" || c.leaf {
			continue
		}
		ti, err := readTrack(c)
		if err != nil {
			return trackInfo{}, nil, err
		}
		if ti.handler == "soun" && snd < 0 {
			snd = len(all)
		}
		all = append(all, ti)
	}
	if snd < 0 {
		return trackInfo{}, nil, ErrNoAudioTrack
	}
	return all[snd], all, nil
}

func (ti trackInfo) length() time.Duration {
	if ti.duration > uint64(1<<63-1)/uint64(time.Second) {
		return 0
	}
	return time.Duration(ti.duration * uint64(time.Second) / uint64(ti.timescale))
}

// duration is the movie's length from mvhd, which counts the edit list
// (an AAC track's media is longer by the encoder's priming samples, which
// players skip), else the sound track's media length.
func duration(moov *box, snd trackInfo) (time.Duration, error) {
	mvhd := moov.child("mvhd")
	if mvhd == nil || !mvhd.leaf || len(mvhd.data) < 100 || mvhd.data[0] > 1 || mvhd.data[0] == 1 && len(mvhd.data) < 112 {
		return 0, corrupt("moov without a valid mvhd")
	}
	m := mvhd.data
	scale, d := uint64(binary.BigEndian.Uint32(m[12:])), uint64(binary.BigEndian.Uint32(m[16:]))
	if m[0] == 1 {
		scale, d = uint64(binary.BigEndian.Uint32(m[20:])), binary.BigEndian.Uint64(m[24:])
	}
	var l time.Duration
	if scale != 0 && d != 0 && d != 1<<32-1 && d < uint64(1<<63-1)/uint64(time.Second) {
		l = time.Duration(d * uint64(time.Second) / scale)
	} else {
		l = snd.length()
	}
	if l <= 0 {
		return 0, corrupt("the audio has no duration")
	}
	return l, nil
}

// m4aFile is what both Probe and Embed read of an MP4 first.
type m4aFile struct {
	tops     []topBox
	moov     *box
	snd      trackInfo
	tracks   []trackInfo
	duration time.Duration
}

func openM4A(src io.ReaderAt, size int64) (*m4aFile, error) {
	f := &m4aFile{}
	var err error
	if f.tops, err = topBoxes(src, size); err != nil {
		return nil, err
	}
	if f.moov, err = readMoov(src, f.tops); err != nil {
		return nil, err
	}
	if f.snd, f.tracks, err = audioTrack(f.moov); err != nil {
		return nil, err
	}
	if f.duration, err = duration(f.moov, f.snd); err != nil {
		return nil, err
	}
	return f, nil
}

func probeM4A(src io.ReaderAt, size int64) (Info, error) {
	f, err := openM4A(src, size)
	if err != nil {
		return Info{}, err
	}
	moov := f.moov
	info := Info{Duration: f.duration}
	if ilst := moov.path("udta", "meta", "ilst"); ilst != nil {
		info.Tags = readIlst(ilst)
	}
	if chpl := moov.path("udta", "chpl"); chpl != nil && chpl.leaf {
		info.Chapters, err = parseChpl(chpl.data)
	}
	return info, err
}

// parseChpl reads a Nero chapter list: version, flags, 4 reserved bytes
// (version 1), a count, then per chapter a start in 100 ns units and a
// title of up to 255 bytes.
func parseChpl(b []byte) ([]Chapter, error) {
	if len(b) < 5 {
		return nil, corrupt("chpl of %d bytes", len(b))
	}
	p := 4
	if b[0] == 1 {
		p += 4
	}
	if p >= len(b) {
		return nil, corrupt("chpl of %d bytes", len(b))
	}
	n := int(b[p])
	p++
	var chs []Chapter
	for i := range n {
		if p+9 > len(b) {
			return nil, corrupt("chpl lists %d chapters, ends after %d", n, i)
		}
		start := binary.BigEndian.Uint64(b[p:])
		l := int(b[p+8])
		p += 9
		if p+l > len(b) {
			return nil, corrupt("chpl chapter %d title past the box", i+1)
		}
		if start > uint64(1<<63-1)/100 {
			return nil, corrupt("chpl chapter %d starts after the year 2262", i+1)
		}
		chs = append(chs, Chapter{Start: time.Duration(start * 100), Title: string(b[p : p+l])})
		p += l
	}
	return chs, nil
}

// ilst items castfeed writes, in the order it writes them.
const (
	atomTitle   = "\xa9nam"
	atomArtist  = "\xa9ART"
	atomAlbum   = "\xa9alb"
	atomDay     = "\xa9day"
	atomComment = "\xa9cmt"
)

func readIlst(ilst *box) Tags {
	var t Tags
	for _, item := range ilst.children {
		count := 0
		kids, err := parseBoxes(item.data, maxDepth, &count)
		if err != nil || len(kids) == 0 || kids[0].typ != "data" || len(kids[0].data) < 8 {
			continue
		}
		v := kids[0].data[8:]
		switch item.typ {
		case atomTitle:
			t.Title = string(v)
		case atomArtist:
			t.Artist = string(v)
		case atomAlbum:
			t.Album = string(v)
		case atomDay:
			t.Date = string(v)
		case atomComment:
			t.Comment = string(v)
		case "trkn":
			if len(v) >= 4 {
				t.Track = int(binary.BigEndian.Uint16(v[2:]))
			}
		case "covr":
			t.Cover = v
		}
	}
	return t
}

// The chapter track's fixed boxes, as ffmpeg writes them for the
// QuickTime chapter tracks Apple reads: a text sample description, and a
// gmhd media header (gmin and the text box's identity matrix).
var (
	textStsd, _ = hex.DecodeString("0000000000000001" +
		"0000003b746578740000000000000001" +
		"00000001000000000000000000000000000000000000000100000000000000000000000d667461620001000100")
	textGmin, _ = hex.DecodeString("00000000004080008000800000000000")
	textText, _ = hex.DecodeString("000100000000000000000000000000000001000000000000000000000000000040000000")
	dref, _     = hex.DecodeString("00000000000000010000000c75726c2000000001")
	metaHdlr, _ = hex.DecodeString("00000000000000006d6469726170706c000000000000000000")
	// encd says the text sample is UTF-8 (0x0100), as Apple writes it.
	encd, _ = hex.DecodeString("0000000c656e636400000100")
)

// chunkTable is one stco or co64 box with the offsets it had in the
// source; the new ones are computed from these on each layout pass.
type chunkTable struct {
	box  *box
	orig []uint64
	// chapters marks the chapter track's table, which points into the
	// chapter mdat castfeed appends rather than into a source box.
	chapters bool
}

func readChunkTable(b *box) (chunkTable, error) {
	w := 4
	if b.typ == "co64" {
		w = 8
	}
	if len(b.data) < 8 {
		return chunkTable{}, corrupt("%s of %d bytes", b.typ, len(b.data))
	}
	n := uint64(binary.BigEndian.Uint32(b.data[4:]))
	if n*uint64(w) > uint64(len(b.data)-8) {
		return chunkTable{}, corrupt("%s lists %d chunks in %d bytes", b.typ, n, len(b.data)-8)
	}
	t := chunkTable{box: b, orig: make([]uint64, n)}
	for i := range t.orig {
		if w == 4 {
			t.orig[i] = uint64(binary.BigEndian.Uint32(b.data[8+4*i:]))
		} else {
			t.orig[i] = binary.BigEndian.Uint64(b.data[8+8*i:])
		}
	}
	return t, nil
}

// write encodes offs into the table's box, as co64 if any offset needs
// it; it reports whether the box changed size.
func (t *chunkTable) write(offs []uint64) bool {
	wide := slices.ContainsFunc(offs, func(o uint64) bool { return o > 1<<32-1 })
	grew := wide && t.box.typ == "stco"
	if grew {
		t.box.typ = "co64"
	}
	w := 4
	if t.box.typ == "co64" {
		w = 8
	}
	b := make([]byte, 8, 8+w*len(offs))
	binary.BigEndian.PutUint32(b[4:], uint32(len(offs)))
	for _, o := range offs {
		if w == 4 {
			b = binary.BigEndian.AppendUint32(b, uint32(o))
		} else {
			b = binary.BigEndian.AppendUint64(b, o)
		}
	}
	t.box.data = b
	return grew
}

// piece is a top-level box of the source copied into the output.
type piece struct {
	top     topBox
	header  []byte
	newData int64 // where its payload lands in the output
}

// embedM4A writes src with tags and chapters: the old chapters and tags
// go (removeOldChapters), ours come into udta and a chapter track, the
// chunk offsets follow the boxes (chunkTables, layout), and the file is
// written with the media copied byte for byte (writeM4A). What is left
// here is the edit of moov itself, step by step in the order of the
// file's boxes, which reads best in one place.
func embedM4A(dst io.WriteSeeker, src io.ReaderAt, size int64, tags Tags, chs []Chapter) (Info, error) {
	if err := checkTags(tags); err != nil {
		return Info{}, err
	}
	f, err := openM4A(src, size)
	if err != nil {
		return Info{}, err
	}
	tops, moov, snd, all, d := f.tops, f.moov, f.snd, f.tracks, f.duration
	if err := checkEnd(chs, d); err != nil {
		return Info{}, err
	}
	mvhd := moov.child("mvhd")
	movieScale, nextIDAt := binary.BigEndian.Uint32(mvhd.data[12:]), 96
	if mvhd.data[0] == 1 {
		movieScale, nextIDAt = binary.BigEndian.Uint32(mvhd.data[20:]), 108
	}
	if movieScale == 0 {
		return Info{}, corrupt("mvhd has time scale 0")
	}

	// Old chapters go (their tracks, the references to them), and the
	// chpl and iTunes metadata in udta below.
	removeOldChapters(moov, all)
	maxID := binary.BigEndian.Uint32(mvhd.data[nextIDAt:])
	for _, ti := range all {
		maxID = max(maxID, ti.id+1)
	}
	udta := moov.child("udta")
	if udta == nil || udta.leaf {
		udta = container("udta")
		moov.drop(func(b *box) bool { return b.typ == "udta" })
		moov.children = append(moov.children, udta)
	}
	// The source's tags give way to ours, except iTunes' freeform items
	// ("----": iTunSMPB, the encoder delay Apple's players use for
	// gapless playback, iTunNORM), which describe the audio, not the
	// episode.
	var freeform []*box
	if ilst := udta.path("meta", "ilst"); ilst != nil {
		for _, c := range ilst.children {
			if c.typ == "----" {
				freeform = append(freeform, c)
			}
		}
	}
	udta.drop(func(b *box) bool { return b.typ == "chpl" || b.typ == "meta" })

	var samples []byte
	var chapterTrak *box
	if len(chs) > 0 {
		id := maxID
		mvhd.data = slices.Clone(mvhd.data)
		binary.BigEndian.PutUint32(mvhd.data[nextIDAt:], id+1)
		ref := container("tref", leaf("chap", binary.BigEndian.AppendUint32(nil, id)))
		at := slices.IndexFunc(snd.box.children, func(b *box) bool { return b.typ == "mdia" })
		snd.box.children = slices.Insert(snd.box.children, at, ref)
		chapterTrak, samples = chapterTrack(id, chs, d, movieScale)
		udta.children = append(udta.children, leaf("chpl", encodeChpl(chs)))
	}
	ilst := encodeIlst(tags)
	if len(freeform) > 0 {
		if ilst == nil {
			ilst = container("ilst")
		}
		ilst.children = append(ilst.children, freeform...)
	}
	if ilst != nil {
		udta.children = append(udta.children, &box{typ: "meta", data: []byte{0, 0, 0, 0}, children: []*box{leaf("hdlr", metaHdlr), ilst}})
	}
	if len(udta.children) == 0 {
		moov.drop(func(b *box) bool { return b == udta })
	}

	tables, err := chunkTables(moov)
	if err != nil {
		return Info{}, err
	}

	if chapterTrak != nil {
		moov.children = append(moov.children, chapterTrak)
		stco := chapterTrak.path("mdia", "minf", "stbl", "stco")
		tables = append(tables, chunkTable{box: stco, orig: []uint64{0}, chapters: true})
	}

	head, pieces, err := layout(src, tops, moov, tables)
	if err != nil {
		return Info{}, err
	}

	n, err := writeM4A(dst, src, head, moov, pieces, samples)
	if err != nil {
		return Info{}, err
	}
	return Info{Duration: d, Size: n}, nil
}

// removeOldChapters drops the source's chapters: the tracks other tracks
// name as chapters, and the references to them.
func removeOldChapters(moov *box, all []trackInfo) {
	chapterIDs := map[uint32]bool{}
	for _, ti := range all {
		if chap := ti.box.path("tref", "chap"); chap != nil && chap.leaf {
			for i := 0; i+4 <= len(chap.data); i += 4 {
				chapterIDs[binary.BigEndian.Uint32(chap.data[i:])] = true
			}
		}
	}
	moov.drop(func(b *box) bool {
		if b.typ != "trak" || b.leaf {
			return false
		}
		ti, _ := readTrack(b)
		return ti.handler != "soun" && chapterIDs[ti.id]
	})
	for _, c := range moov.children {
		if c.typ != "trak" || c.leaf {
			continue
		}
		if tref := c.child("tref"); tref != nil && !tref.leaf {
			tref.drop(func(b *box) bool { return b.typ == "chap" })
			if len(tref.children) == 0 {
				c.drop(func(b *box) bool { return b == tref })
			}
		}
	}
}

// chunkTables returns the chunk offset tables (stco, co64) of every track
// of moov: every offset moves with the box it points into.
func chunkTables(moov *box) ([]chunkTable, error) {
	var tables []chunkTable
	for _, c := range moov.children {
		if c.typ != "trak" || c.leaf {
			continue
		}
		stbl := c.path("mdia", "minf", "stbl")
		if stbl == nil {
			continue
		}
		for _, t := range stbl.children {
			if t.typ == "stco" || t.typ == "co64" {
				ct, err := readChunkTable(t)
				if err != nil {
					return nil, err
				}
				tables = append(tables, ct)
			}
		}
	}

	return tables, nil
}

// layout places the output: ftyp, the new moov (before the media, so
// players start at once), the source's other boxes in order, then the
// chapter samples; free/skip padding is dropped. It rewrites the chunk
// offsets for those places, again while widening a table to co64 moves
// what follows it.
func layout(src io.ReaderAt, tops []topBox, moov *box, tables []chunkTable) (head []byte, pieces []piece, err error) {
	for _, t := range tops {
		switch t.typ {
		case "ftyp":
			if head == nil && t.size <= 4096 {
				head = make([]byte, t.size)
				if _, err := src.ReadAt(head, t.off); err != nil {
					return nil, nil, err
				}
			}
		case "moov", "free", "skip", "wide":
		default:
			h := t.header
			if t.toEOF {
				h = appendBoxHeader(nil, t.typ, t.size)
				if int64(len(h)) != t.hdr {
					h = appendBoxHeader(nil, t.typ, t.size-t.hdr+int64(len(h)))
				}
			}
			pieces = append(pieces, piece{top: t, header: h})
		}
	}
	var chapterData int64
	for pass := 0; ; pass++ {
		pos := int64(len(head)) + moov.size()
		for i := range pieces {
			pos += int64(len(pieces[i].header))
			pieces[i].newData = pos
			pos += pieces[i].top.size - pieces[i].top.hdr
		}
		chapterData = pos + 8
		grew := false
		for i := range tables {
			offs, err := remap(tables[i], pieces, chapterData)
			if err != nil {
				return nil, nil, err
			}
			grew = tables[i].write(offs) || grew
		}
		if !grew {
			break
		}
		if pass > 2 {
			return nil, nil, corrupt("chunk offsets do not settle")
		}
	}

	return head, pieces, nil
}

// writeM4A writes the laid-out file and returns its size. The moov is
// written box by box, not built whole: with the one read in, a long
// episode's sample tables would be in memory twice.
func writeM4A(dst io.Writer, src io.ReaderAt, head []byte, moov *box, pieces []piece, samples []byte) (int64, error) {
	bw := bufio.NewWriterSize(dst, 64<<10)
	bw.Write(head)
	moov.writeTo(bw)
	if err := bw.Flush(); err != nil {
		return 0, err
	}
	n := int64(len(head)) + moov.size()
	for _, p := range pieces {
		if _, err := dst.Write(p.header); err != nil {
			return 0, err
		}
		body := p.top.size - p.top.hdr
		if err := copyRange(dst, src, p.top.payload(), body); err != nil {
			return 0, err
		}
		n += int64(len(p.header)) + body
	}
	if samples != nil {
		mdat := append(appendBoxHeader(nil, "mdat", int64(8+len(samples))), samples...)
		if _, err := dst.Write(mdat); err != nil {
			return 0, err
		}
		n += int64(len(mdat))
	}
	return n, nil
}

// remap returns the table's offsets in the output. An offset outside
// every copied box is refused: the source's sample table points nowhere.
func remap(t chunkTable, pieces []piece, chapterData int64) ([]uint64, error) {
	offs := make([]uint64, len(t.orig))
	if t.chapters {
		offs[0] = uint64(chapterData)
		return offs, nil
	}
	for i, o := range t.orig {
		j, _ := slices.BinarySearchFunc(pieces, o, func(p piece, o uint64) int {
			switch {
			case uint64(p.top.off+p.top.size) <= o:
				return -1
			case uint64(p.top.payload()) > o:
				return 1
			}
			return 0
		})
		if j == len(pieces) || o < uint64(pieces[j].top.payload()) || o >= uint64(pieces[j].top.off+pieces[j].top.size) {
			return nil, fmt.Errorf("%w: chunk %d at byte %d lies outside the media data", ErrTruncated, i+1, o)
		}
		offs[i] = o - uint64(pieces[j].top.payload()) + uint64(pieces[j].newData)
	}
	return offs, nil
}

// chapterTrack builds the QuickTime chapter text track: one sample per
// chapter, lasting until the next, in one chunk. It returns the trak and
// the samples, which go into their own mdat.
func chapterTrack(id uint32, chs []Chapter, d time.Duration, movieScale uint32) (*box, []byte) {
	end := ends(chs, d)
	var samples []byte
	stts := binary.BigEndian.AppendUint32(make([]byte, 4), uint32(len(chs)))
	stsz := binary.BigEndian.AppendUint32(make([]byte, 8), uint32(len(chs)))
	for i, c := range chs {
		title := truncateUTF8(c.Title, 1024)
		n := len(samples)
		samples = binary.BigEndian.AppendUint16(samples, uint16(len(title)))
		samples = append(samples, title...)
		samples = append(samples, encd...)
		stts = binary.BigEndian.AppendUint32(stts, 1)
		stts = binary.BigEndian.AppendUint32(stts, end[i]-uint32(c.Start.Milliseconds()))
		stsz = binary.BigEndian.AppendUint32(stsz, uint32(len(samples)-n))
	}
	ms := uint32(d.Milliseconds())
	stsc := binary.BigEndian.AppendUint32(make([]byte, 4), 1)
	stsc = append(stsc, 0, 0, 0, 1) // first chunk
	stsc = binary.BigEndian.AppendUint32(stsc, uint32(len(chs)))
	stsc = append(stsc, 0, 0, 0, 1) // sample description

	tkhd := make([]byte, 84)
	tkhd[3] = 2 // in movie, not enabled: players show it as chapters, not as a track
	binary.BigEndian.PutUint32(tkhd[12:], id)
	binary.BigEndian.PutUint32(tkhd[20:], uint32(uint64(ms)*uint64(movieScale)/1000))
	copy(tkhd[40:], identity)
	mdhd := make([]byte, 24)
	binary.BigEndian.PutUint32(mdhd[12:], 1000)
	binary.BigEndian.PutUint32(mdhd[16:], ms)
	binary.BigEndian.PutUint16(mdhd[20:], 0x55C4) // "und"
	hdlr := append(make([]byte, 8), "text\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00Chapters\x00"...)

	return container("trak",
		leaf("tkhd", tkhd),
		container("mdia",
			leaf("mdhd", mdhd),
			leaf("hdlr", hdlr),
			container("minf",
				container("gmhd", leaf("gmin", textGmin), leaf("text", textText)),
				container("dinf", leaf("dref", dref)),
				container("stbl",
					leaf("stsd", textStsd),
					leaf("stts", stts),
					leaf("stsc", stsc),
					leaf("stsz", stsz),
					leaf("stco", make([]byte, 12)),
				),
			),
		),
	), samples
}

// identity is a track header's unity matrix.
var identity = func() []byte {
	m := make([]byte, 36)
	binary.BigEndian.PutUint32(m[0:], 0x00010000)
	binary.BigEndian.PutUint32(m[16:], 0x00010000)
	binary.BigEndian.PutUint32(m[32:], 0x40000000)
	return m
}()

// encodeChpl writes a Nero chapter list, version 1 as ffmpeg and Nero
// write it. Titles are cut to the 255 bytes the format allows.
func encodeChpl(chs []Chapter) []byte {
	b := []byte{1, 0, 0, 0, 0, 0, 0, 0, byte(len(chs))}
	for _, c := range chs {
		b = binary.BigEndian.AppendUint64(b, uint64(c.Start/100))
		t := truncateUTF8(c.Title, 255)
		b = append(b, byte(len(t)))
		b = append(b, t...)
	}
	return b
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// encodeIlst writes the iTunes metadata items, nil when there are none.
func encodeIlst(t Tags) *box {
	ilst := container("ilst")
	item := func(typ string, kind uint32, v []byte) {
		data := binary.BigEndian.AppendUint32(nil, kind)
		data = append(data, 0, 0, 0, 0) // locale
		ilst.children = append(ilst.children, container(typ, leaf("data", append(data, v...))))
	}
	text := func(typ, s string) {
		if s != "" {
			item(typ, 1, []byte(s))
		}
	}
	text(atomTitle, t.Title)
	text(atomArtist, t.Artist)
	text(atomAlbum, t.Album)
	if t.Track > 0 {
		item("trkn", 0, []byte{0, 0, byte(t.Track >> 8), byte(t.Track), 0, 0, 0, 0})
	}
	if _, err := time.Parse(time.DateOnly, t.Date); err == nil {
		text(atomDay, t.Date)
	}
	text(atomComment, t.Comment)
	if t.Cover != nil {
		kind := uint32(13)
		if imageType(t.Cover) == "image/png" {
			kind = 14
		}
		item("covr", kind, t.Cover)
	}
	if len(ilst.children) == 0 {
		return nil
	}
	return ilst
}

// copyRange copies n bytes of src from off to dst through one buffer.
// Not copy_file_range: the media data starts at offsets that are not
// page-aligned in either file, where the kernel's copy measured twice as
// slow as read and write (BenchmarkEmbed200MB).
func copyRange(dst io.Writer, src io.ReaderAt, off, n int64) error {
	buf := make([]byte, min(n, copyBuf))
	for n > 0 {
		k := int(min(n, int64(len(buf))))
		if got, err := src.ReadAt(buf[:k], off); got < k {
			if errors.Is(err, io.EOF) {
				return fmt.Errorf("%w: %d bytes of media data missing", ErrTruncated, n-int64(got))
			}
			return err
		}
		if _, err := dst.Write(buf[:k]); err != nil {
			return err
		}
		off, n = off+int64(k), n-int64(k)
	}
	return nil
}
