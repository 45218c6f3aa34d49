package chapters_test

import (
	"fmt"
	"os"
	"time"

	"github.com/castfeed/castfeed/chapters"
)

func ExampleBuild() {
	notes := []chapters.Note{
		{Line: 20, Text: "0:00:00 - Welcome"},
		{Line: 21, Text: "0:38:00 - Testing"},
		{Line: 22, Text: "1:45:00 - Typo for 0:45:00"},
		{Line: 23, Text: "0:52:00 - Questions"},
	}
	cs, problems := chapters.Build(notes, chapters.Options{Duration: time.Hour})
	fmt.Print(chapters.Lines(cs))
	for _, p := range problems.InFile("episode-0009.md") {
		fmt.Println(p)
	}
	// Output:
	// 00:00:00 Welcome
	// 00:38:00 Testing
	// 00:52:00 Questions
	// episode-0009.md:22: warning: timestamp 01:45:00 is out of order (after 00:38:00, before 00:52:00); this chapter is left out; did you mean 00:45:00?
}

func ExampleWriteYouTube() {
	cs, _ := chapters.Build([]chapters.Note{
		{Line: 1, Text: "0:00:00 - Intro"},
		{Line: 2, Text: "0:04:30 - Definitions"},
		{Line: 3, Text: "1:02:00 - Questions"},
	}, chapters.Options{})
	chapters.WriteYouTube(os.Stdout, cs)
	// Output:
	// 0:00 Intro
	// 4:30 Definitions
	// 1:02:00 Questions
}
