package transcript_test

import (
	"os"
	"time"

	"github.com/castfeed/castfeed/transcript"
)

func ExampleClean() {
	// YouTube's automatic captions roll: each cue repeats the line before.
	rolling := []transcript.Cue{
		{Start: 0, End: 2 * time.Second, Text: "welcome to the show"},
		{Start: 2 * time.Second, End: 2010 * time.Millisecond, Text: "welcome to the show"},
		{Start: 2010 * time.Millisecond, End: 4 * time.Second, Text: "welcome to the show\ntoday: monoliths"},
	}
	t := &transcript.Transcript{Language: "en", Cues: transcript.Clean(rolling)}
	transcript.Write(os.Stdout, t, "srt")
	// Output:
	// 1
	// 00:00:00,000 --> 00:00:02,010
	// welcome to the show
	//
	// 2
	// 00:00:02,010 --> 00:00:04,000
	// today: monoliths
}
