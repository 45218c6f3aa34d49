package wire

import (
	"bytes"
	"testing"
)

// TestRoundTrip: what is appended reads back, in order, and the record
// is read to its end.
func TestRoundTrip(t *testing.T) {
	var b []byte
	b = AppendString(b, "episode-0001")
	b = AppendBytes(b, []byte{0, 1, 2})
	b = append(b, 7)
	b = AppendString(b, "")
	r := NewReader(b)
	if s, p, c, e := r.String(), r.Bytes(), r.Byte(), r.String(); s != "episode-0001" || !bytes.Equal(p, []byte{0, 1, 2}) || c != 7 || e != "" || !r.Done() {
		t.Fatalf("read %q %v %d %q, done %v", s, p, c, e, r.Done())
	}
}

// FuzzReader: no input makes a Reader panic or read past its record, and
// a failed read fails every read after it.
func FuzzReader(f *testing.F) {
	f.Add(AppendString(AppendString(nil, "a"), "bc"))
	f.Add([]byte{0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		r := NewReader(b)
		total := 0
		for i := 0; r.OK() && i < 20; i++ {
			before := r.Len()
			switch i % 4 {
			case 0:
				r.Bytes()
			case 1:
				r.Varint()
			case 2:
				r.Count(2)
			case 3:
				r.Byte()
			}
			if r.Len() > before {
				t.Fatal("a read grew what is left")
			}
			total += before - r.Len()
		}
		if total > len(b) {
			t.Fatalf("read %d bytes of %d", total, len(b))
		}
		if !r.OK() && (r.String() != "" || r.Uvarint() != 0) {
			t.Fatal("a read after a failure returned something")
		}
	})
}
