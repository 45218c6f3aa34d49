package feed

import (
	"encoding/json"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/gorilla/feeds"
)

// model translates the podcast into gorilla's Feed, from which its Atom
// and JSON Feed encoders work.
func model(p *Podcast) (*feeds.Feed, []Item) {
	items := sorted(p.Items)
	f := &feeds.Feed{
		Title:       xmlText(p.Title),
		Link:        &feeds.Link{Href: p.Link},
		Description: xmlText(p.Description),
		Copyright:   xmlText(p.Copyright),
		Updated:     updated(items),
		Image:       &feeds.Image{Url: p.Image, Title: p.Title, Link: p.Link},
	}
	if p.Author != "" || p.OwnerEmail != "" {
		f.Author = &feeds.Author{Name: xmlText(p.Author), Email: p.OwnerEmail}
	}
	for _, it := range items {
		f.Items = append(f.Items, &feeds.Item{
			Id:          entryID(p, it.GUID),
			Title:       xmlText(it.Title),
			Link:        &feeds.Link{Href: it.Link},
			Description: xmlText(description(it)),
			Content:     contentHTML(it),
			Created:     it.PubDate,
			Enclosure:   &feeds.Enclosure{Url: it.Enclosure.URL, Length: strconv.FormatInt(it.Enclosure.Length, 10), Type: it.Enclosure.Type},
		})
	}
	return f, items
}

// entryID makes an item's guid a URI, as Atom and JSON Feed ids should
// be: the guid itself when it is one, else a UUIDv5 of it in the
// podcast's namespace. Both depend on the guid only, so they are as
// stable as it is.
func entryID(p *Podcast, guid string) string {
	if strings.Contains(guid, ":") {
		return guid
	}
	ns := uuid.MustParse(GUID(p.FeedURL))
	return "urn:uuid:" + uuid.NewSHA1(ns, []byte(guid)).String()
}

// sibling returns the URL of another file beside feed.xml.
func sibling(feedURL, name string) string {
	if i := strings.LastIndexByte(feedURL, '/'); i >= 0 {
		return feedURL[:i+1] + name
	}
	return name
}

// WriteAtom writes the Atom feed.
func WriteAtom(w io.Writer, p *Podcast) error {
	f, _ := model(p)
	af := (&feeds.Atom{Feed: f}).AtomFeed()
	af.Id = sibling(p.FeedURL, "feed.atom")
	af.Icon, af.Logo = p.Image, p.Image
	if err := feeds.WriteXML(&atomDoc{af}, w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// atomDoc hands a finished AtomFeed to feeds.WriteXML.
type atomDoc struct{ f *feeds.AtomFeed }

func (a *atomDoc) FeedXml() interface{} { return a.f }

// WriteJSON writes the JSON Feed (version 1.1).
func WriteJSON(w io.Writer, p *Podcast) error {
	f, items := model(p)
	jf := (&feeds.JSON{Feed: f}).JSONFeed()
	jf.FeedUrl = sibling(p.FeedURL, "feed.json")
	jf.Language = p.Language
	jf.Icon = p.Image
	for _, h := range p.Hubs {
		jf.Hubs = append(jf.Hubs, &feeds.JSONHub{Type: "WebSub", Url: h})
	}
	for i, it := range items {
		ji := jf.Items[i]
		ji.Summary = xmlText(it.Summary)
		ji.Image = it.Image
		ji.Tags = it.Keywords
		size := it.Enclosure.Length
		if size > math.MaxInt32 {
			size = 0 // gorilla's field is 32 bits; unknown is better than wrong
		}
		ji.Attachments = []feeds.JSONAttachment{{Url: it.Enclosure.URL, MIMEType: it.Enclosure.Type, Size: int32(size), Duration: it.Duration}}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(jf)
}
