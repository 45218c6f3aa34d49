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
---

Right-to-left layouts and the fonts that carry them.

## Notes
0:00:00 - Welcome
0:07:15 - Unicode
`)
	ep, problems := episode.NewReader().Parse("episodes/episode-0003.md", file)
	fmt.Println(ep.Number, ep.Title, ep.YouTubeID, ep.Duration)
	fmt.Println(ep.PubDate(time.UTC, 0).Format(time.RFC3339))
	fmt.Println(ep.Notes[1].Num, ep.Notes[1].Text)
	fmt.Println(len(problems), "problems")
	// Output:
	// 3 Arabic on the Web HtPilot0003 1h18m22s
	// 2024-03-09T20:30:00Z
	// 13 0:07:15 - Unicode
	// 0 problems
}
