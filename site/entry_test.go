package site

import (
	"reflect"
	"testing"
	"time"
)

// TestEntryRoundTrip: an entry read back from its encoding is the entry,
// and a truncated or longer encoding is an error, not a wrong entry.
func TestEntryRoundTrip(t *testing.T) {
	s := newSite(t, sampleShow())
	bare := &Episode{Slug: "bare", Title: "Bare", PubDate: time.Date(2020, 1, 1, 0, 0, 0, 0, time.FixedZone("", 3600))}
	for _, ep := range []*Episode{sampleEpisode(), bare} {
		e := s.Entry(ep)
		data, err := e.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var got Entry
		if err := got.UnmarshalBinary(data); err != nil {
			t.Fatalf("%s: %v", ep.Slug, err)
		}
		if !got.PubDate.Equal(e.PubDate) {
			t.Errorf("%s: date read back as %v, want %v", ep.Slug, got.PubDate, e.PubDate)
		}
		got.PubDate = e.PubDate // the same instant; its *Location differs
		if !reflect.DeepEqual(got, e) {
			t.Errorf("%s: read back\n%+v\nwant\n%+v", ep.Slug, got, e)
		}
		for _, bad := range [][]byte{nil, data[:len(data)-1], data[:len(data)/2], append(data[:len(data):len(data)], 0)} {
			var e Entry
			if err := e.UnmarshalBinary(bad); err == nil {
				t.Errorf("%s: %d of %d bytes read as %+v", ep.Slug, len(bad), len(data), e)
			}
		}
	}
}

// FuzzEntryUnmarshal: any bytes (a damaged item cache) decode without a
// panic, and what decodes encodes back to the same bytes.
func FuzzEntryUnmarshal(f *testing.F) {
	s := newSite(f, sampleShow())
	data, err := s.Entry(sampleEpisode()).MarshalBinary()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		var e Entry
		if e.UnmarshalBinary(data) != nil {
			return
		}
		_ = e.Item() // in range whatever Link says
		again, err := e.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var e2 Entry
		if err := e2.UnmarshalBinary(again); err != nil || e2.First != e.First || e2.Link != e.Link || e2.Slug != e.Slug {
			t.Fatalf("decoded %+v, encoded again and decoded %+v (%v)", e, e2, err)
		}
	})
}
