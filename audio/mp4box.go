package audio

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// box is an MP4 box held in memory: a leaf keeps its payload as read, a
// container its children, so unchanged boxes are written back byte for
// byte.
type box struct {
	typ      string
	data     []byte // leaf payload, or a container's prefix (meta's version and flags)
	children []*box
	leaf     bool
}

// containers are the boxes whose payload is more boxes, with the bytes
// that precede the children (meta is a full box).
var containers = map[string]int{
	"moov": 0, "trak": 0, "mdia": 0, "minf": 0, "stbl": 0, "dinf": 0,
	"edts": 0, "udta": 0, "tref": 0, "ilst": 0, "meta": 4,
}

// parseBoxes reads the boxes that fill b, the payload of a box at the
// given depth. Sizes are checked against what is left of the parent; a
// size of 0 (to the end of the file) is refused below the top level.
// count bounds the boxes read in total, whatever their nesting.
func parseBoxes(b []byte, depth int, count *int) ([]*box, error) {
	if depth > maxDepth {
		return nil, corrupt("boxes nested more than %d deep", maxDepth)
	}
	var out []*box
	for len(b) > 0 {
		if *count++; *count > maxBoxes {
			return nil, corrupt("more than %d boxes in moov", maxBoxes)
		}
		if len(b) < 8 {
			return nil, corrupt("%d stray bytes where a box header should be", len(b))
		}
		size := uint64(binary.BigEndian.Uint32(b))
		typ := string(b[4:8])
		hdr := uint64(8)
		if size == 1 {
			if len(b) < 16 {
				return nil, corrupt("box %q: 64-bit size past its parent", typ)
			}
			size, hdr = binary.BigEndian.Uint64(b[8:]), 16
		}
		switch {
		case size == 0:
			return nil, corrupt("box %q has size 0 inside another box", typ)
		case size < hdr:
			return nil, corrupt("box %q has size %d, less than its header", typ, size)
		case size > uint64(len(b)):
			return nil, corrupt("box %q of %d bytes runs past its parent (%d bytes left)", typ, size, len(b))
		}
		payload := b[hdr:size]
		bx := &box{typ: typ}
		if pre, ok := containers[typ]; ok && !(typ == "meta" && isQuickTimeMeta(payload)) {
			if len(payload) < pre {
				return nil, corrupt("box %q of %d bytes", typ, len(payload))
			}
			bx.data = payload[:pre]
			kids, err := parseBoxes(payload[pre:], depth+1, count)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", typ, err)
			}
			bx.children = kids
		} else {
			bx.leaf, bx.data = true, payload
		}
		out = append(out, bx)
		b = b[size:]
	}
	return out, nil
}

// isQuickTimeMeta reports a meta box written without the full-box
// header (QuickTime style: its first child's header comes at once); such a
// box is kept as an opaque leaf.
func isQuickTimeMeta(p []byte) bool {
	return len(p) >= 8 && string(p[4:8]) == "hdlr"
}

// child returns the first child of b of type t.
func (b *box) child(t string) *box {
	for _, c := range b.children {
		if c.typ == t {
			return c
		}
	}
	return nil
}

// path follows a chain of child types.
func (b *box) path(ts ...string) *box {
	for _, t := range ts {
		if b = b.child(t); b == nil {
			return nil
		}
	}
	return b
}

// drop removes the children for which fn is true.
func (b *box) drop(fn func(*box) bool) {
	kept := b.children[:0]
	for _, c := range b.children {
		if !fn(c) {
			kept = append(kept, c)
		}
	}
	clear(b.children[len(kept):])
	b.children = kept
}

// size is the encoded size of b, header included.
func (b *box) size() int64 {
	n := int64(len(b.data))
	for _, c := range b.children {
		n += c.size()
	}
	if n+8 > 1<<32-1 {
		return n + 16
	}
	return n + 8
}

// writeTo writes the encoding of b to w, whose error the caller checks
// (bufio keeps the first).
func (b *box) writeTo(w *bufio.Writer) {
	var h [16]byte
	w.Write(appendBoxHeader(h[:0], b.typ, b.size()))
	w.Write(b.data)
	for _, c := range b.children {
		c.writeTo(w)
	}
}

// appendBoxHeader appends a header for a box of the given whole size,
// using a 64-bit size only when it must.
func appendBoxHeader(out []byte, typ string, size int64) []byte {
	if size > 1<<32-1 {
		out = binary.BigEndian.AppendUint32(out, 1)
		out = append(out, typ...)
		return binary.BigEndian.AppendUint64(out, uint64(size))
	}
	out = binary.BigEndian.AppendUint32(out, uint32(size))
	return append(out, typ...)
}

func leaf(typ string, data []byte) *box { return &box{typ: typ, data: data, leaf: true} }

func container(typ string, kids ...*box) *box { return &box{typ: typ, children: kids} }

// topBox is a box at the top level of a file, located but not read.
type topBox struct {
	typ    string
	off    int64 // where its header starts
	hdr    int64 // header length
	size   int64 // whole size, header included
	toEOF  bool  // written with size 0
	header []byte
}

func (t topBox) payload() int64 { return t.off + t.hdr }

// maxTopBoxes bounds the top-level boxes of a file: real files have a
// handful (ftyp, moov, mdat, free).
const maxTopBoxes = 1024

// topBoxes lists the boxes at the top level of src, reading only their
// headers. Each must fit in the file; size 0 is allowed for the last box
// only, where the format defines it as "to the end of the file".
func topBoxes(src io.ReaderAt, size int64) ([]topBox, error) {
	var out []topBox
	for off := int64(0); off < size; {
		if len(out) == maxTopBoxes {
			return nil, corrupt("more than %d boxes at the top level", maxTopBoxes)
		}
		if size-off < 8 {
			return nil, fmt.Errorf("%w: %d stray bytes at the end of the file", ErrTruncated, size-off)
		}
		var h [16]byte
		if _, err := src.ReadAt(h[:8], off); err != nil {
			return nil, err
		}
		t := topBox{typ: string(h[4:8]), off: off, hdr: 8, size: int64(binary.BigEndian.Uint32(h[:]))}
		switch t.size {
		case 0:
			t.size, t.toEOF = size-off, true
		case 1:
			if size-off < 16 {
				return nil, fmt.Errorf("%w: box %q header cut short", ErrTruncated, t.typ)
			}
			if _, err := src.ReadAt(h[8:16], off+8); err != nil {
				return nil, err
			}
			n := binary.BigEndian.Uint64(h[8:])
			if n > 1<<62 {
				return nil, fmt.Errorf("%w: box %q claims %d bytes, the file has %d", ErrTruncated, t.typ, n, size)
			}
			t.size, t.hdr = int64(n), 16
		}
		switch {
		case t.size < t.hdr:
			return nil, corrupt("box %q at byte %d has size %d, less than its header", t.typ, off, t.size)
		case t.size > size-off:
			return nil, fmt.Errorf("%w: box %q at byte %d claims %d bytes, %d are left", ErrTruncated, t.typ, off, t.size, size-off)
		}
		t.header = append([]byte(nil), h[:t.hdr]...)
		out = append(out, t)
		off += t.size
	}
	return out, nil
}

// readMoov finds and parses the one moov box of src.
func readMoov(src io.ReaderAt, tops []topBox) (*box, error) {
	var mv *topBox
	for i := range tops {
		switch tops[i].typ {
		case "moov":
			if mv != nil {
				return nil, corrupt("two moov boxes")
			}
			mv = &tops[i]
		case "moof":
			return nil, corrupt("fragmented MP4 (moof) is not supported; remux it with faststart")
		}
	}
	if mv == nil {
		return nil, fmt.Errorf("%w: no moov box (an MP4 whose recording was interrupted, or not an MP4)", ErrTruncated)
	}
	n := mv.size - mv.hdr
	if n > maxMoov {
		return nil, corrupt("moov box of %d bytes, more than castfeed reads (%d)", n, maxMoov)
	}
	b := make([]byte, n)
	if got, err := src.ReadAt(b, mv.payload()); got < len(b) {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: the moov box is cut short", ErrTruncated)
		}
		return nil, err
	}
	count := 0
	kids, err := parseBoxes(b, 1, &count)
	if err != nil {
		return nil, fmt.Errorf("moov: %w", err)
	}
	return &box{typ: "moov", children: kids}, nil
}
