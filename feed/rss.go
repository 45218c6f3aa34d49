package feed

import (
	"encoding/xml"
	"io"
	"time"

	"github.com/castfeed/castfeed/chapters"
	"github.com/castfeed/castfeed/internal/timecode"
	"github.com/gorilla/feeds"
)

// Namespaces of the podcast RSS.
const (
	nsItunes  = "http://www.itunes.com/dtds/podcast-1.0.dtd"
	nsPodcast = "https://podcastindex.org/namespace/1.0"
	nsContent = "http://purl.org/rss/1.0/modules/content/"
	nsAtom    = "http://www.w3.org/2005/Atom"
)

// rss is the document; it implements feeds.XmlFeed. Namespaced elements
// carry their prefix in the tag, and the prefixes are declared here once:
// encoding/xml's own namespace handling would redeclare them on every
// element.
type rss struct {
	XMLName   xml.Name `xml:"rss"`
	Version   string   `xml:"version,attr"`
	NSItunes  string   `xml:"xmlns:itunes,attr"`
	NSPodcast string   `xml:"xmlns:podcast,attr"`
	NSPSC     string   `xml:"xmlns:psc,attr"`
	NSContent string   `xml:"xmlns:content,attr"`
	NSAtom    string   `xml:"xmlns:atom,attr"`
	Channel   *channel
}

func (r *rss) FeedXml() interface{} { return r }

var _ feeds.XmlFeed = (*rss)(nil)

// channel extends gorilla's RssFeed (title, link, description, language,
// copyright, lastBuildDate, generator, image) with the podcast elements.
// Gorilla's Items stay empty: the items are written by appendRSSItem.
type channel struct {
	*feeds.RssFeed
	AtomLinks        []atomLink       `xml:"atom:link"`
	ItunesAuthor     string           `xml:"itunes:author,omitempty"`
	ItunesSummary    string           `xml:"itunes:summary,omitempty"`
	ItunesOwner      *itunesOwner     `xml:"itunes:owner"`
	ItunesImage      *href            `xml:"itunes:image"`
	ItunesCategories []itunesCategory `xml:"itunes:category"`
	ItunesExplicit   string           `xml:"itunes:explicit"`
	ItunesType       string           `xml:"itunes:type,omitempty"`
	PodcastGUID      string           `xml:"podcast:guid"`
	PodcastLocked    *podcastLocked   `xml:"podcast:locked"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type itunesOwner struct {
	Name  string `xml:"itunes:name,omitempty"`
	Email string `xml:"itunes:email,omitempty"`
}

type href struct {
	Href string `xml:"href,attr"`
}

type itunesCategory struct {
	Text string           `xml:"text,attr"`
	Sub  []itunesCategory `xml:"itunes:category"`
}

type podcastLocked struct {
	Owner string `xml:"owner,attr,omitempty"`
	Value string `xml:",chardata"`
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// rssDoc is the RSS document without its items: the channel.
func rssDoc(p *Podcast, updated time.Time) *rss {
	ch := &channel{
		RssFeed: &feeds.RssFeed{
			Title:       xmlText(p.Title),
			Link:        p.Link,
			Description: xmlText(p.Description),
			Language:    p.Language,
			Copyright:   xmlText(p.Copyright),
			Generator:   p.Generator,
		},
		AtomLinks:      []atomLink{{Href: p.selfURL(p.FeedURL), Rel: "self", Type: "application/rss+xml"}},
		ItunesAuthor:   xmlText(p.Author),
		ItunesSummary:  xmlText(p.Description),
		ItunesExplicit: yesNo(p.Explicit, "true", "false"),
		ItunesType:     p.Type,
		PodcastGUID:    GUID(p.FeedURL),
		PodcastLocked:  &podcastLocked{Owner: p.LockedOwner, Value: yesNo(p.Locked, "yes", "no")},
	}
	if !updated.IsZero() {
		ch.LastBuildDate = updated.Format(time.RFC1123Z)
	}
	for _, h := range p.Hubs {
		ch.AtomLinks = append(ch.AtomLinks, atomLink{Href: h, Rel: "hub"})
	}
	for _, l := range p.pageLinks() {
		ch.AtomLinks = append(ch.AtomLinks, atomLink{Href: l.Href, Rel: l.Rel, Type: "application/rss+xml"})
	}
	if p.OwnerName != "" || p.OwnerEmail != "" {
		ch.ItunesOwner = &itunesOwner{Name: xmlText(p.OwnerName), Email: p.OwnerEmail}
	}
	if p.Image != "" {
		ch.Image = &feeds.RssImage{Url: p.Image, Title: xmlText(p.Title), Link: p.Link}
		ch.ItunesImage = &href{p.Image}
	}
	for _, c := range p.Categories {
		cat := itunesCategory{Text: c.Name}
		for _, s := range c.Sub {
			cat.Sub = append(cat.Sub, itunesCategory{Text: s})
		}
		ch.ItunesCategories = append(ch.ItunesCategories, cat)
	}
	return &rss{Version: "2.0", NSItunes: nsItunes, NSPodcast: nsPodcast, NSPSC: chapters.PSCNamespace, NSContent: nsContent, NSAtom: nsAtom, Channel: ch}
}

// WriteRSS writes the podcast RSS feed.
func WriteRSS(w io.Writer, p *Podcast) error { return write(w, RSS, p) }

// contentHTML is the show notes followed by the repaired chapters, one
// "HH:MM:SS Title" line each.
func contentHTML(it Item) string {
	notes := xmlText(it.ContentHTML)
	if len(it.Chapters) == 0 {
		return notes
	}
	b := make([]byte, 0, len(notes)+64*len(it.Chapters))
	b = append(append(b, notes...), "\n<h2>Chapters</h2>\n<p>"...)
	for i, c := range it.Chapters {
		if i > 0 {
			b = append(b, "<br>\n"...)
		}
		b = append(timecode.Append(b, c.Start, ""), ' ')
		b = appendEscaped(b, xmlText(c.Title), true)
	}
	return string(append(b, "</p>\n"...))
}
