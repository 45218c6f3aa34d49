package feed

import (
	"io"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/feeds"
)

// channelModel is the show in gorilla's Feed, without items: gorilla's
// Atom and JSON Feed translations start from it.
func channelModel(p *Podcast, updated time.Time) *feeds.Feed {
	f := &feeds.Feed{
		Title:       xmlText(p.Title),
		Link:        &feeds.Link{Href: p.Link},
		Description: xmlText(p.Description),
		Copyright:   xmlText(p.Copyright),
		Updated:     updated,
		Image:       &feeds.Image{Url: p.Image, Title: p.Title, Link: p.Link},
	}
	if p.Author != "" || p.OwnerEmail != "" {
		f.Author = &feeds.Author{Name: xmlText(p.Author), Email: p.OwnerEmail}
	}
	return f
}

// entryID makes an item's guid a URI, as Atom and JSON Feed ids should
// be: the guid itself when it is one, else a UUIDv5 of it in the
// podcast's namespace. Both depend on the guid only, so they are as
// stable as it is.
func entryID(ns uuid.UUID, guid string) string {
	if strings.Contains(guid, ":") {
		return guid
	}
	return "urn:uuid:" + uuid.NewSHA1(ns, []byte(guid)).String()
}

// sibling returns the URL of another file beside feed.xml.
func sibling(feedURL, name string) string {
	if i := strings.LastIndexByte(feedURL, '/'); i >= 0 {
		return feedURL[:i+1] + name
	}
	return name
}

// atomDoc is the Atom feed without its entries.
func atomDoc(p *Podcast, updated time.Time) *atomFeed {
	af := (&feeds.Atom{Feed: channelModel(p, updated)}).AtomFeed()
	af.Id = sibling(p.FeedURL, "feed.atom")
	af.Icon, af.Logo = p.Image, p.Image
	self := &feeds.AtomLink{Href: p.selfURL(sibling(p.FeedURL, "feed.atom")), Rel: "self", Type: "application/atom+xml"}
	links := []*feeds.AtomLink{af.Link, self}
	for _, l := range p.pageLinks() {
		links = append(links, &feeds.AtomLink{Href: l.Href, Rel: l.Rel, Type: "application/atom+xml"})
	}
	return &atomFeed{AtomFeed: af, Links: links}
}

// atomFeed is gorilla's AtomFeed with the rel="self" link that Atom
// readers subscribe by: gorilla's has room for one link (the show's
// page), so Links shadows it and holds both. Gorilla's Entries stay
// empty: the entries are written by appendAtomEntry. It implements
// feeds.XmlFeed.
type atomFeed struct {
	*feeds.AtomFeed
	Links []*feeds.AtomLink `xml:"link"`
}

func (a *atomFeed) FeedXml() interface{} { return a }

// WriteAtom writes the Atom feed.
func WriteAtom(w io.Writer, p *Podcast) error { return write(w, Atom, p) }

// jsonDoc is the JSON Feed (version 1.1) without its items.
func jsonDoc(p *Podcast, updated time.Time) *feeds.JSONFeed {
	jf := (&feeds.JSON{Feed: channelModel(p, updated)}).JSONFeed()
	jf.FeedUrl = p.selfURL(sibling(p.FeedURL, "feed.json"))
	for _, l := range p.pageLinks() {
		if l.Rel == "next" {
			jf.NextUrl = l.Href // JSON Feed's pagination: the older items
		}
	}
	jf.Language = p.Language
	jf.Icon = p.Image
	for _, h := range p.Hubs {
		jf.Hubs = append(jf.Hubs, &feeds.JSONHub{Type: "WebSub", Url: h})
	}
	return jf
}

// WriteJSON writes the JSON Feed (version 1.1).
func WriteJSON(w io.Writer, p *Podcast) error { return write(w, JSON, p) }
