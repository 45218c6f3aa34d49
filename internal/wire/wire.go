// Package wire reads and writes the binary records castfeed keeps in its
// state folder (a detached episode, a show's-page entry, the read and
// item caches): numbers as varints, strings and byte strings preceded by
// their length as a uvarint. It replaced encoding/json there, which
// reflected over every record of a 10,000-episode show on every refresh.
//
// A Reader checks every length against what is left and, once a read
// fails, returns zero values: a caller reads a whole record, then asks
// Err once.
package wire

import "encoding/binary"

// AppendString appends s, its length first.
func AppendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// AppendBytes appends p, its length first.
func AppendBytes(b, p []byte) []byte {
	return append(binary.AppendUvarint(b, uint64(len(p))), p...)
}

// Reader reads a record.
type Reader struct {
	b   []byte
	bad bool
}

// NewReader reads b; the byte strings it returns share b's memory.
func NewReader(b []byte) *Reader { return &Reader{b: b} }

// Uvarint reads an unsigned number.
func (r *Reader) Uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 || r.bad {
		r.bad = true
		return 0
	}
	r.b = r.b[n:]
	return v
}

// Varint reads a signed number.
func (r *Reader) Varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 || r.bad {
		r.bad = true
		return 0
	}
	r.b = r.b[n:]
	return v
}

// Byte reads one byte.
func (r *Reader) Byte() byte {
	if len(r.b) == 0 || r.bad {
		r.bad = true
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

// Bytes reads a byte string, which shares the record's memory.
func (r *Reader) Bytes() []byte {
	n := r.Uvarint()
	if r.bad || n > uint64(len(r.b)) {
		r.bad = true
		return nil
	}
	p := r.b[:n:n]
	r.b = r.b[n:]
	return p
}

// String reads a string (a copy).
func (r *Reader) String() string { return string(r.Bytes()) }

// Count reads a number of items that follow, each taking at least min
// bytes, so that a damaged count cannot make the caller allocate more
// than the record could hold.
func (r *Reader) Count(min int) int {
	n := r.Uvarint()
	if r.bad || n > uint64(len(r.b)/max(min, 1)) {
		r.bad = true
		return 0
	}
	return int(n)
}

// Len is how many bytes are left.
func (r *Reader) Len() int { return len(r.b) }

// Rest returns what is left, and leaves nothing.
func (r *Reader) Rest() []byte {
	p := r.b
	r.b = nil
	return p
}

// OK reports whether every read so far succeeded.
func (r *Reader) OK() bool { return !r.bad }

// Done reports whether every read succeeded and the record is read to
// its end.
func (r *Reader) Done() bool { return !r.bad && len(r.b) == 0 }
