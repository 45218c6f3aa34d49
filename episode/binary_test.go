package episode

import (
	"os"
	"reflect"
	"testing"
	"time"
)

// detachedOf parses file and detaches its episode; nil when it does not
// parse.
func detachedOf(tb testing.TB, r *Reader, file string) *Episode {
	tb.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		tb.Fatal(err)
	}
	ep, _ := r.Parse(file, data)
	if ep != nil {
		ep.Detach()
	}
	return ep
}

// sameDetached compares two detached episodes field by field; times by
// instant and offset, since a decoded time has a fixed zone for a named
// one (what a feed writes of it is the same).
func sameDetached(a, b *Episode) bool {
	_, ao := a.Date.Zone()
	_, bo := b.Date.Zone()
	if !a.Date.Equal(b.Date) || ao != bo {
		return false
	}
	x, y := *a, *b
	x.Date, y.Date = time.Time{}, time.Time{}
	return reflect.DeepEqual(x, y)
}

// TestBinaryRoundTrip: every real and hand-written episode, detached,
// comes back from MarshalBinary and UnmarshalBinary as it was, with the
// same publication date in the show's zone.
func TestBinaryRoundTrip(t *testing.T) {
	r := NewReader().WithoutHTML()
	loc, err := time.LoadLocation("Africa/Casablanca")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, file := range seedFiles(t) {
		ep := detachedOf(t, r, file)
		if ep == nil {
			continue
		}
		n++
		b, err := ep.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var got Episode
		if err := got.UnmarshalBinary(b); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if !sameDetached(&got, ep) {
			t.Errorf("%s: decoded %+v, want %+v", file, got, *ep)
		}
		if p, q := got.PubDate(loc, 20*time.Hour), ep.PubDate(loc, 20*time.Hour); !p.Equal(q) || p.Format(time.RFC1123Z) != q.Format(time.RFC1123Z) {
			t.Errorf("%s: publication date %v, want %v", file, p, q)
		}
		for i := range len(b) - 1 {
			if got.UnmarshalBinary(b[:i]) == nil {
				t.Fatalf("%s: the encoding cut at %d of %d bytes decoded", file, i, len(b))
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d episodes parsed: the test proves little", n)
	}
}

// TestBinaryKeepsEveryField sets every field of an episode, detaches it
// and round-trips it: a field added to Episode and kept by Detach but
// not encoded fails here.
func TestBinaryKeepsEveryField(t *testing.T) {
	var ep Episode
	v := reflect.ValueOf(&ep).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		if !f.CanSet() {
			continue
		}
		switch f.Kind() {
		case reflect.String:
			f.SetString("value of " + v.Type().Field(i).Name)
		case reflect.Int, reflect.Int64:
			f.SetInt(int64(1000 + i))
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Pointer:
			f.Set(reflect.New(f.Type().Elem()))
		case reflect.Slice:
			f.Set(reflect.MakeSlice(f.Type(), 1, 1))
		case reflect.Struct:
			if f.Type() == reflect.TypeOf(time.Time{}) {
				f.Set(reflect.ValueOf(time.Date(2024, 3, 1, 20, 30, 0, 0, time.FixedZone("", 3600))))
			}
		}
	}
	ep.exact = true
	ep.keys = []keyLine{{"guid", 4}, {"audio", 7}}
	ep.Detach()
	b, err := ep.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var got Episode
	if err := got.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if !sameDetached(&got, &ep) {
		t.Errorf("decoded %+v, want %+v", got, ep)
	}
}

// FuzzUnmarshalBinary: a damaged encoding (a state file is outside
// input too) is an error, never a panic, and what decodes encodes again
// to an equal episode.
func FuzzUnmarshalBinary(f *testing.F) {
	r := NewReader().WithoutHTML()
	for _, file := range seedFiles(f)[:20] {
		if ep := detachedOf(f, r, file); ep != nil {
			b, err := ep.MarshalBinary()
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var ep Episode
		if ep.UnmarshalBinary(data) != nil {
			return
		}
		b, err := ep.MarshalBinary()
		if err != nil {
			return // a time MarshalBinary refuses (a zone offset of an odd minute)
		}
		var again Episode
		if err := again.UnmarshalBinary(b); err != nil || !sameDetached(&again, &ep) {
			t.Fatalf("decoded %+v, encoded again and decoded %+v (%v)", ep, again, err)
		}
	})
}
