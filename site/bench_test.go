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
