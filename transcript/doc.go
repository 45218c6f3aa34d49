// Package transcript turns YouTube captions into podcast transcripts.
//
// It has three layers, usable on their own:
//
//   - The model and its codecs: [Parse] reads WebVTT and SRT (through
//     go-astisub; a clean WebVTT file, markup-free, through a shortcut that
//     FuzzPlainVTT holds to astisub's result), [Clean] repairs YouTube's rolling automatic captions,
//     [Transcript.Shift] applies an episode's audio offset and [Write]
//     encodes WebVTT, SRT, Podcasting 2.0 JSON, HTML and plain text.
//   - [Fetcher] asks YouTube for one video's captions through kkdai/youtube,
//     falling back to the library's transcript endpoint and, when configured,
//     to yt-dlp. Failures are classified as sentinel errors (ErrBlocked,
//     ErrNoCaptions, …) whose messages say what to do.
//   - [Syncer] decides per episode whether to fetch at all. It remembers what
//     it fetched, and when, in a state directory, so a refresh where
//     everything is known makes no request, uploaded captions are fetched
//     once, automatic ones are re-checked after a while, and failures back
//     off exponentially. A transcript that was fetched once is kept in the
//     state directory and is never replaced by a failure.
//
// Only this package imports kkdai/youtube and go-astisub.
package transcript
