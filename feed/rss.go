package feed

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/castfeed/castfeed/chapters"
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
// Its Items field is shadowed by ours.
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
	Items            []*item          `xml:"item"`
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

// item extends gorilla's RssItem (title, link, description,
// content:encoded, enclosure, guid, pubDate).
type item struct {
	*feeds.RssItem
	ItunesTitle       string              `xml:"itunes:title,omitempty"`
	ItunesDuration    int64               `xml:"itunes:duration,omitempty"`
	ItunesEpisode     int                 `xml:"itunes:episode,omitempty"`
	ItunesSeason      int                 `xml:"itunes:season,omitempty"`
	ItunesEpisodeType string              `xml:"itunes:episodeType,omitempty"`
	ItunesExplicit    string              `xml:"itunes:explicit,omitempty"`
	ItunesImage       *href               `xml:"itunes:image"`
	ItunesKeywords    string              `xml:"itunes:keywords,omitempty"`
	PodcastSeason     *podcastSeason      `xml:"podcast:season"`
	PodcastEpisode    int                 `xml:"podcast:episode,omitempty"`
	PodcastChapters   *podcastChapters    `xml:"podcast:chapters"`
	PSCChapters       *chapters.PSC       `xml:"psc:chapters"`
	Persons           []podcastPerson     `xml:"podcast:person"`
	Transcripts       []podcastTranscript `xml:"podcast:transcript"`
}

type podcastSeason struct {
	Name  string `xml:"name,attr"`
	Value int    `xml:",chardata"`
}

type podcastChapters struct {
	URL  string `xml:"url,attr"`
	Type string `xml:"type,attr"`
}

type podcastPerson struct {
	Role  string `xml:"role,attr,omitempty"`
	Group string `xml:"group,attr,omitempty"`
	Href  string `xml:"href,attr,omitempty"`
	Img   string `xml:"img,attr,omitempty"`
	Name  string `xml:",chardata"`
}

type podcastTranscript struct {
	URL      string `xml:"url,attr"`
	Type     string `xml:"type,attr"`
	Language string `xml:"language,attr,omitempty"`
	Rel      string `xml:"rel,attr,omitempty"`
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

func rssItem(p *Podcast, it Item, t text) *item {
	ri := &item{
		RssItem: &feeds.RssItem{
			Title:       xmlText(it.Title),
			Link:        it.Link,
			Description: t.description,
			Guid:        &feeds.RssGuid{Id: it.GUID, IsPermaLink: "false"},
			PubDate:     it.PubDate.Format(time.RFC1123Z),
			Enclosure: &feeds.RssEnclosure{
				Url:    it.Enclosure.URL,
				Length: strconv.FormatInt(it.Enclosure.Length, 10),
				Type:   it.Enclosure.Type,
			},
		},
		ItunesTitle:       xmlText(it.Title),
		ItunesDuration:    int64(it.Duration / time.Second),
		ItunesEpisode:     it.Episode,
		ItunesSeason:      it.Season,
		ItunesEpisodeType: it.EpisodeType,
		ItunesExplicit:    yesNo(p.Explicit, "true", "false"),
		PodcastEpisode:    it.Episode,
		ItunesKeywords:    xmlText(strings.Join(it.Keywords, ",")),
	}
	if it.Explicit != nil {
		ri.ItunesExplicit = yesNo(*it.Explicit, "true", "false")
	}
	if t.content != "" {
		ri.Content = &feeds.RssContent{Content: t.content}
	}
	if it.Image != "" {
		ri.ItunesImage = &href{it.Image}
	}
	if it.Season > 0 {
		ri.PodcastSeason = &podcastSeason{Name: "Season " + strconv.Itoa(it.Season), Value: it.Season}
	}
	if it.ChaptersURL != "" {
		ri.PodcastChapters = &podcastChapters{URL: it.ChaptersURL, Type: "application/json+chapters"}
	}
	if len(it.Chapters) > 0 {
		ri.PSCChapters = chapters.NewPSC(it.Chapters)
		for i := range ri.PSCChapters.Chapters {
			ri.PSCChapters.Chapters[i].Title = xmlText(ri.PSCChapters.Chapters[i].Title)
		}
	}
	for _, pe := range it.Persons {
		ri.Persons = append(ri.Persons, podcastPerson{Role: pe.Role, Group: "cast", Href: pe.Href, Img: pe.Img, Name: xmlText(pe.Name)})
	}
	for _, t := range it.Transcripts {
		ri.Transcripts = append(ri.Transcripts, podcastTranscript(t))
	}
	return ri
}

// contentHTML is the show notes followed by the repaired chapters, one
// "HH:MM:SS Title" line each.
func contentHTML(it Item) string {
	var b strings.Builder
	b.WriteString(xmlText(it.ContentHTML))
	if len(it.Chapters) > 0 {
		b.WriteString("\n<h2>Chapters</h2>\n<p>")
		for i, l := range chapterLines(it.Chapters) {
			if i > 0 {
				b.WriteString("<br>\n")
			}
			xml.EscapeText(&b, []byte(xmlText(l)))
		}
		b.WriteString("</p>\n")
	}
	return b.String()
}
