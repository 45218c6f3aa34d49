package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/castfeed/castfeed/diag"
	"github.com/castfeed/castfeed/feed"
	"github.com/castfeed/castfeed/transcript"
)

// Transcripts keeps episodes' transcripts; *transcript.Syncer is the real
// one. Sync never fails as a whole: each episode's trouble is its Result.
type Transcripts interface {
	Sync(ctx context.Context, reqs []transcript.Request) []transcript.Result
}

var _ Transcripts = (*transcript.Syncer)(nil)

// transcriptFormats are the files written per episode, in the order the
// feed lists them. Timed formats carry rel="captions".
var transcriptFormats = []struct {
	format string
	timed  bool
}{{"vtt", true}, {"srt", true}, {"json", true}, {"html", false}}

// syncTranscripts asks for the transcript of every episode that may be
// published. It returns the results by slug and the earliest time a later
// refresh would ask YouTube again (zero: never).
func (s *show) syncTranscripts(ctx context.Context, eps []*loaded) (map[string]transcript.Result, time.Time) {
	var reqs []transcript.Request
	for _, l := range eps {
		if l.ep == nil || !l.ep.Published || l.ep.IsNext {
			continue
		}
		reqs = append(reqs, transcript.Request{Slug: l.slug, VideoID: l.ep.YouTubeID, EpisodeDir: s.cfg.Episodes.Dir})
	}
	out := make(map[string]transcript.Result, len(reqs))
	var due time.Time
	outcomes := map[transcript.Outcome]int{}
	for _, r := range s.opt.Transcripts.Sync(ctx, reqs) {
		out[r.Slug] = r
		outcomes[r.Outcome]++
		if !r.Next.IsZero() && (due.IsZero() || r.Next.Before(due)) {
			due = r.Next
		}
		// The syncer has logged each failure, with what to do.
	}
	s.outcomes = make(map[string]int, len(outcomes))
	for _, k := range slices.Sorted(maps.Keys(outcomes)) {
		s.outcomes[string(k)] = outcomes[k]
		s.log.Debug("transcripts", "outcome", k, "episodes", outcomes[k])
	}
	return out, due
}

// transcriptDiags reports the cues of an episode's transcript that fall
// before the start of the audio after its audio offset.
func (s *show) transcriptDiags(l *loaded) diag.List {
	r, ok := s.transcripts[l.slug]
	if !ok || r.Transcript == nil {
		return nil
	}
	offset := l.ep.Offset(secondsToDuration(s.cfg.Media.AudioOffset))
	if _, dropped := r.Transcript.Shift(offset); dropped > 0 {
		return diag.List{{File: l.name, Line: l.ep.KeyLine("audio_offset"), Severity: diag.Warning,
			Message: fmt.Sprintf("%d transcript cues fall before the start of the audio after audio_offset %s and are left out", dropped, offset),
			Hint:    "check audio_offset: it is the audio time minus the video time (negative when the audio cuts the video's intro)"}}
	}
	return nil
}

// transcriptFiles shifts an episode's transcript by its audio offset and
// encodes it in every format. It returns the files and the feed's tags.
// It runs when the episode is written, so a large show never holds every
// episode's encoded transcripts at once.
func (s *show) transcriptFiles(slug string, offset time.Duration) ([]outFile, []feed.Transcript) {
	r, ok := s.transcripts[slug]
	if !ok || r.Transcript == nil {
		return nil, nil
	}
	t, _ := r.Transcript.Shift(offset)
	if len(t.Cues) == 0 {
		return nil, nil
	}
	var (
		files []outFile
		tags  []feed.Transcript
		buf   bytes.Buffer
	)
	for _, f := range transcriptFormats {
		buf.Reset()
		if err := transcript.Write(&buf, t, f.format); err != nil {
			// Our own encoders on a parsed transcript: not the show's
			// doing, so a log line rather than a diagnostic.
			s.log.Warn("cannot write a transcript", "episode", slug, "format", f.format, "error", err)
			continue
		}
		name := "transcript." + f.format
		files = append(files, outFile{name: name, data: bytes.Clone(buf.Bytes())})
		typ, _ := transcript.MediaType(f.format)
		tag := feed.Transcript{URL: s.url("episodes", slug, name), Type: typ, Language: t.Language}
		if f.timed {
			tag.Rel = "captions"
		}
		tags = append(tags, tag)
	}
	return files, tags
}

type outFile struct {
	name string
	data []byte
}
