package site

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkEpisodePages renders one episode's page and embed, with eight
// chapters and no transcript, like the synthetic show of the pipeline's
// benchmarks.
func BenchmarkEpisodePages(b *testing.B) {
	s := newSite(b, sampleShow())
	ep := sampleEpisode()
	ep.Cues = nil
	ep.Chapters = nil
	for c := range 8 {
		ep.Chapters = append(ep.Chapters, Chapter{Start: time.Duration(c) * 10 * time.Minute, Title: fmt.Sprintf("Topic %d of episode 1", c+1)})
	}
	for b.Loop() {
		if _, err := s.EpisodePages(ep); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkShowPages10k renders the show's 200 pages of a
// 10,000-episode show.
func BenchmarkShowPages10k(b *testing.B) {
	s := newSite(b, sampleShow())
	var entries []Entry
	for _, ep := range manyEpisodes(10000) {
		e, err := s.Entry(ep)
		if err != nil {
			b.Fatal(err)
		}
		entries = append(entries, e)
	}
	for b.Loop() {
		if _, err := s.ShowPages(entries); err != nil {
			b.Fatal(err)
		}
	}
}
