package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/castfeed/castfeed/diag"
	"github.com/castfeed/castfeed/feed"
	"github.com/castfeed/castfeed/transcript"
)

// Transcripts keeps episodes' transcripts; *transcript.Syncer is the real
// one. SyncEach never fails as a whole: each episode's trouble is its
// Result. Load reads a transcript SyncEach gave again: a build keeps only
// a digest of each, never every episode's transcript at once.
type Transcripts interface {
	SyncEach(ctx context.Context, reqs []transcript.Request, each func(i int, r transcript.Result))
	Load(req transcript.Request, r transcript.Result) (*transcript.Transcript, error)
}

var _ Transcripts = (*transcript.Syncer)(nil)

// episodeTranscript is what a build keeps of an episode's transcript
// between syncing and writing: enough to key the item's pieces, report
// cues cut by the audio offset, and load it again to encode it.
type episodeTranscript struct {
	req     transcript.Request
	res     transcript.Result // without its Transcript
	has     bool              // there is a transcript to publish
	digest  [sha256.Size]byte // of the transcript, unshifted
	offset  time.Duration     // the episode's audio offset
	dropped int               // cues before the audio's start after offset
}

// transcriptFormats are the files written per episode, in the order the
// feed lists them. Timed formats carry rel="captions".
var transcriptFormats = []struct {
	format string
	timed  bool
}{{"vtt", true}, {"srt", true}, {"json", true}, {"html", false}}

// syncTranscripts asks for the transcript of every episode that may be
// published. It returns what it keeps of them by slug and the earliest
// time a later refresh would ask YouTube again (zero: never).
func (s *show) syncTranscripts(ctx context.Context, eps []*loaded) (map[string]*episodeTranscript, time.Time) {
	var (
		reqs    []transcript.Request
		offsets []time.Duration
	)
	for _, l := range eps {
		if l.ep == nil || !l.ep.Published || l.ep.IsNext {
			continue
		}
		reqs = append(reqs, transcript.Request{Slug: l.slug, VideoID: l.ep.YouTubeID, EpisodeDir: s.cfg.Episodes.Dir})
		offsets = append(offsets, l.ep.Offset(secondsToDuration(s.cfg.Media.AudioOffset)))
	}
	out := make(map[string]*episodeTranscript, len(reqs))
	var due time.Time
	outcomes := map[transcript.Outcome]int{}
	s.opt.Transcripts.SyncEach(ctx, reqs, func(i int, r transcript.Result) {
		et := &episodeTranscript{req: reqs[i], offset: offsets[i]}
		t, digest, none := r.Transcript, r.Digest, [sha256.Size]byte{}
		if t != nil && digest == none {
			digest = t.Digest()
		}
		if t == nil && digest != none && offsets[i] != 0 {
			// A local file the syncer did not read again: only an audio
			// offset needs its cues now, to tell which fall before the
			// audio's start.
			var err error
			if t, err = s.opt.Transcripts.Load(reqs[i], r); err != nil {
				s.log.Warn("cannot read a transcript", "episode", r.Slug, "error", err)
				digest = none
			}
		}
		if digest != none {
			et.has, et.digest = true, digest
			if t != nil {
				_, et.dropped = t.Shift(offsets[i])
			}
			r.Transcript = nil // Load reads it again when the item is encoded
		}
		et.res = r
		out[r.Slug] = et
		outcomes[r.Outcome]++
		if !r.Next.IsZero() && (due.IsZero() || r.Next.Before(due)) {
			due = r.Next
		}
		// The syncer has logged each failure, with what to do.
	})
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
	et, ok := s.transcripts[l.slug]
	if !ok || et.dropped == 0 {
		return nil
	}
	return diag.List{{File: l.name, Line: l.ep.KeyLine("audio_offset"), Severity: diag.Warning,
		Message: fmt.Sprintf("%d transcript cues fall before the start of the audio after audio_offset %s and are left out", et.dropped, et.offset),
		Hint:    "check audio_offset: it is the audio time minus the video time (negative when the audio cuts the video's intro)"}}
}

// transcriptFiles loads an episode's transcript again, shifts it by its
// audio offset and encodes it in every format. It returns the shifted
// transcript (nil without one; the episode's page shows it), the files
// and the feed's tags. It runs when the episode is encoded, so a large
// show never holds every episode's transcript at once. ok is false when
// the transcript cannot be loaded again: the item is then published
// without it this time, and not cached.
func (s *show) transcriptFiles(slug string, offset time.Duration) (t *transcript.Transcript, files []outFile, tags []feed.Transcript, ok bool) {
	et, found := s.transcripts[slug]
	if !found || !et.has {
		return nil, nil, nil, true
	}
	t, err := s.opt.Transcripts.Load(et.req, et.res)
	if err != nil {
		s.log.Warn("cannot read a transcript again to publish it", "episode", slug, "error", err)
		return nil, nil, nil, false
	}
	if t.Digest() != et.digest {
		// Changed since the sync (a local file edited during the build):
		// publish it, but do not cache it under the old digest.
		ok = false
	} else {
		ok = true
	}
	t, _ = t.Shift(offset)
	if len(t.Cues) == 0 {
		return nil, nil, nil, ok
	}
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	for _, f := range transcriptFormats {
		buf.Reset()
		bw.Reset(&buf)
		if err := transcript.Write(bw, t, f.format); err != nil {
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
	return t, files, tags, ok
}

type outFile struct {
	name string
	data []byte
	size int64 // the length of data, while a cached item's data is unread (pieces.load)
	// published: the output folder holds these bytes (markPublished).
	// Not cached: it says so of one build only.
	published bool
}
