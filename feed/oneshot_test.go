package feed

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/castfeed/castfeed/chapters"
	"github.com/google/uuid"

	"github.com/gorilla/feeds"
)

// oneShot encodes p the plain way: the whole document built in gorilla's
// types and marshalled at once. It is the oracle for Encoder, whose
// pieces must join into exactly these bytes.
func oneShot(t testing.TB, f Format, p *Podcast) []byte {
	t.Helper()
	items := sorted(p.Items)
	up := updated(items)
	ns := uuid.MustParse(GUID(p.FeedURL))
	var b bytes.Buffer
	var err error
	switch f {
	case RSS, Atom:
		var doc feeds.XmlFeed
		if f == RSS {
			rss := rssDoc(p, up)
			for _, it := range items {
				rss.Channel.Items = append(rss.Channel.Items, rssItem(p, it, textOf(it)))
			}
			doc = rss
		} else {
			atom := atomDoc(p, up)
			for _, it := range items {
				atom.Entries = append(atom.Entries, atomEntry(ns, it, textOf(it)))
			}
			doc = atom
		}
		err = feeds.WriteXML(doc, &b)
		b.WriteByte('\n')
	case JSON:
		doc := jsonDoc(p, up)
		for _, it := range items {
			doc.Items = append(doc.Items, jsonItem(ns, it, textOf(it)))
		}
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		err = enc.Encode(doc)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func streamed(t testing.TB, f Format, p *Podcast) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b, f, p); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var formats = map[Format]string{RSS: "rss", Atom: "atom", JSON: "json"}

func TestEncoderMatchesOneShot(t *testing.T) {
	shows := map[string]*Podcast{"full": fullShow(), "one item": fullShow()}
	shows["one item"].Items = shows["one item"].Items[:1]
	for name, p := range shows {
		for f, fname := range formats {
			if got, want := streamed(t, f, p), oneShot(t, f, p); !bytes.Equal(got, want) {
				t.Errorf("%s %s: pieces differ from the whole document:\n got %s\nwant %s", name, fname, got, want)
			}
		}
	}
}

// An empty show: RSS and Atom as the whole document; JSON Feed requires
// "items", which gorilla leaves out when there are none.
func TestEncoderEmpty(t *testing.T) {
	p := minimalShow()
	for _, f := range []Format{RSS, Atom} {
		if got, want := streamed(t, f, p), oneShot(t, f, p); !bytes.Equal(got, want) {
			t.Errorf("%s: got %s, want %s", formats[f], got, want)
		}
	}
	var doc map[string]any
	if err := json.Unmarshal(streamed(t, JSON, p), &doc); err != nil {
		t.Fatal(err)
	}
	if items, ok := doc["items"].([]any); !ok || len(items) != 0 {
		t.Errorf("JSON items = %#v, want []", doc["items"])
	}
}

// FuzzEncoderMatchesOneShot: whatever the text, the pieces join into the
// whole document.
func FuzzEncoderMatchesOneShot(f *testing.F) {
	f.Add("Title & <b>", "summary\x01", "<p>notes ]]></p>", "guid:1", "Chapter \"one\"", int64(3600))
	f.Add("", "", "", "", "", int64(0))
	f.Fuzz(func(t *testing.T, title, summary, html, guid, chapter string, secs int64) {
		p := fullShow()
		p.Title = title
		for i := range p.Items {
			it := &p.Items[i]
			it.Title += title
			it.Summary = summary
			it.ContentHTML = html
			it.GUID += guid
			it.Duration = time.Duration(secs) * time.Second
			it.Chapters = append(it.Chapters, chapters.Chapter{Start: time.Duration(secs), Title: chapter})
			it.Keywords = append(it.Keywords, chapter)
		}
		for fm, name := range formats {
			if got, want := streamed(t, fm, p), oneShot(t, fm, p); !bytes.Equal(got, want) {
				t.Fatalf("%s: pieces differ from the whole document:\n got %q\nwant %q", name, got, want)
			}
		}
	})
}
