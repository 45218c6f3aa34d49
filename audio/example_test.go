package audio_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/castfeed/castfeed/audio"
)

// Embed tags a copy of an episode's audio and embeds its chapters; Probe
// reads them back.
func ExampleEmbed() {
	src, err := os.Open("testdata/tone.m4a")
	if err != nil {
		panic(err)
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		panic(err)
	}
	dst, err := os.Create(filepath.Join(os.TempDir(), "castfeed-example.m4a"))
	if err != nil {
		panic(err)
	}
	defer os.Remove(dst.Name())
	defer dst.Close()

	tags := audio.Tags{Title: "Episode 1", Album: "Hallway Track", Track: 1, Date: "2024-01-13"}
	chs := []audio.Chapter{{Title: "Welcome"}, {Start: 2500 * time.Millisecond, Title: "Main topic"}}
	info, err := audio.Embed(dst, src, fi.Size(), tags, chs)
	if err != nil {
		panic(err)
	}
	fmt.Println(info.Format, info.Duration, info.Format.MIMEType())

	back, err := audio.Probe(dst, info.Size)
	if err != nil {
		panic(err)
	}
	fmt.Println(back.Tags.Title, back.Tags.Album, back.Tags.Track, back.Tags.Date)
	for _, c := range back.Chapters {
		fmt.Println(c.Start, c.Title)
	}
	// Output:
	// M4A 6s audio/mp4
	// Episode 1 Hallway Track 1 2024-01-13
	// 0s Welcome
	// 2.5s Main topic
}
