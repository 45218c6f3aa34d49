package site

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkEpisodePages renders what the pipeline renders of one
// episode: its page, its embed and its entry in the show's pages, with
// eight chapters and no transcript, like the synthetic show of the
// pipeline's benchmarks (target: 30 µs).
func BenchmarkEpisodePages(b *testing.B) {
	s := newSite(b, sampleShow())
	ep := sampleEpisode()
	ep.Cues = nil
	ep.Chapters = nil
	for c := range 8 {
		ep.Chapters = append(ep.Chapters, Chapter{Start: time.Duration(c) * 10 * time.Minute, Title: fmt.Sprintf("Topic %d of episode 1", c+1)})
	}
	for b.Loop() {
		s.EpisodePages(ep)
		s.Entry(ep)
	}
}

// BenchmarkShowPages10k renders the show's 200 pages of a
// 10,000-episode show.
func BenchmarkShowPages10k(b *testing.B) {
	s := newSite(b, sampleShow())
	var entries []Entry
	for _, ep := range manyEpisodes(10000) {
		entries = append(entries, s.Entry(ep))
	}
	for b.Loop() {
		if _, _, err := s.ShowPages(entries, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEpisodePagesTranscript renders an hour's episode with 1,000
// transcript cues.
func BenchmarkEpisodePagesTranscript(b *testing.B) {
	s := newSite(b, sampleShow())
	ep := sampleEpisode()
	ep.Cues = nil
	for c := range 1000 {
		ep.Cues = append(ep.Cues, Cue{Start: time.Duration(c) * 3600 * time.Millisecond, End: time.Duration(c+1) * 3600 * time.Millisecond, Text: fmt.Sprintf("Words of cue %d, with <markup> & quotes \"here\"", c)})
	}
	for b.Loop() {
		s.EpisodePages(ep)
	}
}
