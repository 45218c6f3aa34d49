package episode_test

import (
	"fmt"
	"time"

	"github.com/castfeed/castfeed/episode"
)

func ExampleReader_Parse() {
	file := []byte(`---
date: 2024-03-09
time: 20h:30min
duration: "1:18:22"
title: "Arabic on the Web"
youtube: https://www.youtube.com/live/HtPilot0003?si=share
featurd: true
---

Right-to-left layouts and the fonts that carry them.

## Notes
0:00:00 - Welcome
0:07:15 - Unicode
`)
	r := episode.NewReader() // make one, share it
	ep, diags := r.Parse("episodes/episode-0003.md", file)
	fmt.Println(ep.Number, ep.Title, ep.YouTubeID, ep.Duration)
	fmt.Println(ep.Summary)
	fmt.Println(ep.Notes[1].Num, ep.Notes[1].Text)
	loc, _ := time.LoadLocation("Africa/Casablanca")
	fmt.Println(ep.PubDate(loc, 20*time.Hour).Format(time.RFC3339))
	for _, d := range diags {
		fmt.Println(d)
	}
	// Output:
	// 3 Arabic on the Web HtPilot0003 1h18m22s
	// Right-to-left layouts and the fonts that carry them.
	// 14 0:07:15 - Unicode
	// 2024-03-09T20:30:00+01:00
	// episodes/episode-0003.md:7: warning: unknown front-matter key "featurd" is ignored; did you mean featured?
}

func ExampleReader_Parse_broken() {
	_, diags := episode.NewReader().Parse("episode-0009.md", []byte("---\ntitle: Broken\ndate: [2024\n---\n"))
	for _, d := range diags {
		fmt.Println(d)
	}
	// Output:
	// episode-0009.md:3: error: the front matter is not valid YAML: sequence end token ']' not found; fix the YAML: write key: value, quote values that contain ": " or " #" or start with [ { * & ! | > ' " %, and close every bracket and quote
}

func ExampleVideoID() {
	for _, link := range []string{
		"https://www.youtube.com/live/Ab3_-xYz09Q?si=shareToken",
		"https://youtu.be/Ab3_-xYz09Q?t=30",
		"https://vimeo.com/123",
	} {
		fmt.Println(episode.VideoID(link))
	}
	// Output:
	// Ab3_-xYz09Q true
	// Ab3_-xYz09Q true
	//  false
}
