package transcript

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/castfeed/castfeed/internal/atomicfile"
)

// Request asks for one episode's transcript.
type Request struct {
	Slug       string // names the state file; must be a plain file name
	VideoID    string // empty: local files only
	EpisodeDir string // where findLocal looks; empty: nowhere
}

// Outcome says what Sync did for one episode.
type Outcome string

// Outcomes of a Sync.
const (
	OutcomeFetched     Outcome = "fetched"     // fetched from YouTube now
	OutcomeCached      Outcome = "cached"      // from the state directory, no request
	OutcomeLocal       Outcome = "local"       // a file beside the episode
	OutcomeNone        Outcome = "none"        // no video ID and no local file
	OutcomeUnavailable Outcome = "unavailable" // YouTube has nothing usable (yet); retried later
	OutcomeBlocked     Outcome = "blocked"     // YouTube refused; retried later
	OutcomeFailed      Outcome = "failed"      // any other failure; retried later
	OutcomeDeferred    Outcome = "deferred"    // not asked this time: backing off, offline, or YouTube blocked another request
)

// Result is Sync's answer for one Request.
type Result struct {
	Slug string
	// Transcript to publish, unshifted; nil means none, but for a local
	// file unchanged since the last Sync, which is not read again: then
	// Outcome is OutcomeLocal, Digest says what it holds, and Load reads
	// it. After a failure it is the one fetched before, if any.
	Transcript *Transcript
	// Digest is the transcript's (Transcript.Digest), whether it is in
	// Transcript or left in a local file; zero without one.
	Digest  [sha256.Size]byte
	Source  string // a Source* name, "state", or the local file's path
	Outcome Outcome
	Err     error     // why this run did not fetch; nil when fine
	Retry   time.Time // for failures: when the next attempt is due
	// Next is when a later Sync would next ask YouTube about this episode
	// (zero: never, e.g. uploaded captions or a local file). A scheduler
	// may skip work until then.
	Next time.Time
}

// Syncer keeps the transcripts of many episodes up to date, politely. Each
// episode's state (what was fetched, when, and the transcript itself) lives
// in StateDir/<slug>.json, written atomically, so restarts lose nothing
// and a failure never removes a transcript that was published before.
//
// Per episode: a local file wins; uploaded captions are fetched once;
// automatic ones are fetched again after RecheckAuto; failures back off
// from RetryMin, doubling up to RetryMax. Once YouTube blocks a request or
// cannot be reached, the rest of the run asks nothing more.
type Syncer struct {
	Fetcher     *Fetcher
	StateDir    string
	Offline     bool // use state and local files only; no request at all
	Concurrency int  // fetches at once; default 2

	RecheckAuto time.Duration // default 30 days
	RetryMin    time.Duration // default 1 hour
	RetryMax    time.Duration // default 7 days

	Now    func() time.Time // nil: time.Now
	Logger *slog.Logger
}

// state is the on-disk record of one episode.
type state struct {
	Version     int       `json:"version"`
	VideoID     string    `json:"video_id"`
	FetchedAt   time.Time `json:"fetched_at,omitzero"`   // last successful fetch
	Source      string    `json:"source,omitempty"`      // where that came from
	LastAttempt time.Time `json:"last_attempt,omitzero"` // last request, successful or not
	Failures    int       `json:"failures,omitempty"`    // consecutive failed attempts
	NextAttempt time.Time `json:"next_attempt,omitzero"` // no request before this
	LastError   string    `json:"last_error,omitempty"`
	LastOutcome Outcome   `json:"last_outcome,omitempty"`
	Transcript  *stored   `json:"transcript,omitempty"` // as fetched, unshifted
}

type stored struct {
	Language string      `json:"language"`
	Kind     Kind        `json:"kind"`
	Cues     []storedCue `json:"cues"`
}

type storedCue struct {
	StartMS int64  `json:"start_ms"`
	EndMS   int64  `json:"end_ms"`
	Text    string `json:"text"`
}

const stateVersion = 1

func toStored(t *Transcript) *stored {
	s := &stored{Language: t.Language, Kind: t.Kind, Cues: make([]storedCue, len(t.Cues))}
	for i, c := range t.Cues {
		s.Cues[i] = storedCue{c.Start.Milliseconds(), c.End.Milliseconds(), c.Text}
	}
	return s
}

func (s *stored) transcript() *Transcript {
	t := &Transcript{Language: s.Language, Kind: s.Kind, Cues: make([]Cue, len(s.Cues))}
	for i, c := range s.Cues {
		t.Cues[i] = Cue{time.Duration(c.StartMS) * time.Millisecond, time.Duration(c.EndMS) * time.Millisecond, c.Text}
	}
	return t
}

func (s *Syncer) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Syncer) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// Sync returns one Result per request, in order. It never fails as a
// whole: a problem with one episode is that episode's Result, and the
// build goes on with whatever transcripts there are.
func (s *Syncer) Sync(ctx context.Context, reqs []Request) []Result {
	results := make([]Result, len(reqs))
	s.SyncEach(ctx, reqs, func(i int, r Result) { results[i] = r })
	return results
}

// SyncEach is Sync handing each request's Result to each as soon as it is
// ready, in no particular order, rather than all of them at the end. each
// is called by one goroutine at a time; the Result's Transcript is its to
// keep or drop (Load reads it again), so a show of 100,000 episodes need
// not hold every episode's transcript at once.
func (s *Syncer) SyncEach(ctx context.Context, reqs []Request, each func(i int, r Result)) {
	n := s.Concurrency
	if n <= 0 {
		n = 2
	}
	var mu sync.Mutex
	report := func(i int, r Result) {
		mu.Lock()
		defer mu.Unlock()
		each(i, r)
	}
	// The slot is taken before the goroutine starts: a show of 100,000
	// episodes has at most n goroutines (and n transcripts being read)
	// at once, not one per episode waiting on the semaphore.
	sem := make(chan struct{}, n)
	var halted atomic.Pointer[error] // set when YouTube blocks us or cannot be reached
	var wg sync.WaitGroup
	known := openLocalIndex(s.StateDir)
	for i, req := range reqs {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			for j := i; j < len(reqs); j++ {
				report(j, Result{Slug: reqs[j].Slug, Outcome: OutcomeDeferred, Err: ctx.Err()})
			}
			wg.Wait()
			return
		}
		wg.Go(func() {
			defer func() { <-sem }()
			r := s.one(ctx, req, &halted, known)
			if r.Transcript != nil && r.Digest == ([sha256.Size]byte{}) {
				r.Digest = r.Transcript.Digest()
			}
			report(i, r)
		})
	}
	wg.Wait()
	if err := known.save(); err != nil {
		// Only costs the next Sync a read of every local file.
		s.logger().Warn("cannot keep the index of local caption files", "file", known.path, "error", err)
	}
}

// Load reads again the transcript that Sync gave for req as r, from the
// local file or the state folder, without any request. A caller that
// dropped the transcript takes it back this way when it needs it. It is
// an error when r had no transcript, or the file no longer holds it.
func (s *Syncer) Load(req Request, r Result) (*Transcript, error) {
	if r.Outcome == OutcomeLocal {
		var langs []string
		if s.Fetcher != nil {
			langs = s.Fetcher.Languages
		}
		path, lang, _, ok := findLocal(req.EpisodeDir, req.Slug, langs)
		if !ok || path != r.Source {
			return nil, fmt.Errorf("%s: the local transcript %s is gone", req.Slug, r.Source)
		}
		return readLocal(path, lang)
	}
	if !validSlug(req.Slug) {
		return nil, fmt.Errorf("episode slug %q cannot name a file", req.Slug)
	}
	st, err := loadState(filepath.Join(s.StateDir, req.Slug+".json"))
	if err != nil {
		return nil, err
	}
	if st.Transcript == nil || st.VideoID != req.VideoID {
		return nil, fmt.Errorf("%s: no transcript kept for video %s", req.Slug, req.VideoID)
	}
	return st.Transcript.transcript(), nil
}

// decide says whether to ask YouTube now about an episode whose state is
// st; when not, why (nil: what is kept is up to date). halted is why this
// run asks nothing more, if it is so. It reads no file and no clock, so
// the policy is tested as a table.
func (s *Syncer) decide(st *state, now time.Time, halted error) (fetch bool, why error) {
	recheck := orDefault(s.RecheckAuto, 30*24*time.Hour)
	kept := st.Transcript != nil
	switch {
	case kept && st.Transcript.Kind != Automatic:
		return false, nil // uploaded captions do not change
	case kept && now.Sub(st.FetchedAt) < recheck && st.Failures == 0:
		return false, nil
	case now.Before(st.NextAttempt):
		return false, fmt.Errorf("waiting until %s after: %s", st.NextAttempt.UTC().Format(time.RFC3339), st.LastError)
	case s.Offline:
		return false, errors.New("offline")
	case s.Fetcher == nil:
		return false, errors.New("no fetcher configured")
	case halted != nil:
		return false, fmt.Errorf("not asked this run: %w", halted)
	}
	return true, nil
}

// one keeps one episode's transcript: a local caption file wins; else the
// state decides (decide) whether YouTube is asked now, and the answer is
// recorded (record).
func (s *Syncer) one(ctx context.Context, req Request, halted *atomic.Pointer[error], known *localIndex) Result {
	log := s.logger().With("episode", req.Slug)
	if !validSlug(req.Slug) {
		return Result{Slug: req.Slug, Outcome: OutcomeFailed, Err: fmt.Errorf("episode slug %q cannot name a file", req.Slug)}
	}
	res, localErr, found := s.fromLocal(req, log, known)
	if found {
		return res
	}
	if req.VideoID == "" {
		res.Outcome, res.Err = OutcomeNone, localErr
		return res
	}
	path, st := s.stateFor(req, log)
	var prev *Transcript
	if st.Transcript != nil {
		prev = st.Transcript.transcript()
		res.Transcript, res.Source = prev, "state"
	}
	now := s.now()
	var stop error
	if h := halted.Load(); h != nil {
		stop = *h
	}
	if fetch, why := s.decide(st, now, stop); !fetch {
		return s.deferred(res, st, prev, errors.Join(why, localErr), localErr, now)
	}
	t, source, err := s.Fetcher.Fetch(ctx, req.VideoID)
	if ctx.Err() != nil {
		// Shutting down: not the video's fault, so no backoff is recorded.
		res.Outcome, res.Err = OutcomeDeferred, ctx.Err()
		return res
	}
	res = s.record(res, st, req, t, source, err, localErr, now, halted, log, prev != nil)
	if err := saveState(path, st); err != nil {
		// The transcript is still good for this build; only the memory of
		// it is lost, and the next run fetches again.
		log.Error("save transcript state", "file", path, "error", err)
		res.Err = errors.Join(res.Err, err)
	}
	return res
}

// fromLocal reads the episode's own caption file, if it has a readable
// one (found). A broken one is reported in localErr and the episode goes
// on to YouTube: the author fixes the file, and meanwhile listeners get
// what YouTube has.
func (s *Syncer) fromLocal(req Request, log *slog.Logger, known *localIndex) (res Result, localErr error, found bool) {
	res = Result{Slug: req.Slug}
	var langs []string
	if s.Fetcher != nil {
		langs = s.Fetcher.Languages
	}
	// fi is from before reading: a change while reading shows next time.
	path, lang, fi, ok := findLocal(req.EpisodeDir, req.Slug, langs)
	if !ok {
		return res, nil, false
	}
	res.Source, res.Outcome = path, OutcomeLocal
	if d, ok := known.lookup(path, lang, fi); ok {
		res.Digest = d // unchanged since the last Sync: Load reads it when needed
		return res, nil, true
	}
	t, err := readLocal(path, lang)
	if err != nil {
		log.Warn("local transcript unreadable", "file", path, "error", err)
		return Result{Slug: req.Slug}, err, false
	}
	res.Transcript, res.Digest = t, t.Digest()
	known.remember(path, lang, fi, res.Digest, s.now())
	return res, nil, true
}

// stateFor loads what the state folder remembers of the episode, for its
// current video: a changed video starts afresh.
func (s *Syncer) stateFor(req Request, log *slog.Logger) (string, *state) {
	path := filepath.Join(s.StateDir, req.Slug+".json")
	st, err := loadState(path)
	if err != nil {
		log.Warn("transcript state unreadable, starting afresh", "file", path, "error", err)
		st = &state{}
	}
	if st.VideoID != req.VideoID {
		if st.VideoID != "" {
			log.Info("episode video changed; forgetting its transcript", "old_video_id", st.VideoID, "video_id", req.VideoID)
		}
		st = &state{VideoID: req.VideoID}
	}
	return path, st
}

// deferred is the result of not asking YouTube now (why): the transcript
// kept before, if any, and when a later refresh should ask.
func (s *Syncer) deferred(res Result, st *state, prev *Transcript, why, localErr error, now time.Time) Result {
	res.Outcome, res.Err, res.Retry = OutcomeDeferred, why, st.NextAttempt
	if prev != nil {
		res.Outcome, res.Err = OutcomeCached, localErr
	}
	switch {
	case prev != nil && prev.Kind != Automatic && st.Failures == 0:
		// Uploaded captions do not change: never again.
	case !st.NextAttempt.IsZero():
		res.Next = st.NextAttempt
	case prev != nil:
		res.Next = st.FetchedAt.Add(orDefault(s.RecheckAuto, 30*24*time.Hour))
	default:
		res.Next = now // never asked yet (offline, or halted this run)
	}
	return res
}

// record puts YouTube's answer into st and res: a transcript, or a
// failure with its backoff. A block or an unreachable YouTube halts the
// rest of the run (halted), so that no other episode asks.
func (s *Syncer) record(res Result, st *state, req Request, t *Transcript, source string, err, localErr error, now time.Time,
	halted *atomic.Pointer[error], log *slog.Logger, kept bool) Result {
	st.Version, st.LastAttempt = stateVersion, now
	if err == nil {
		st.FetchedAt, st.Source, st.Failures, st.NextAttempt, st.LastError = now, source, 0, time.Time{}, ""
		st.LastOutcome, st.Transcript = OutcomeFetched, toStored(t)
		res.Transcript, res.Source, res.Outcome = t, source, OutcomeFetched
		if t.Kind == Automatic {
			res.Next = now.Add(orDefault(s.RecheckAuto, 30*24*time.Hour))
		}
		log.Info("transcript fetched", "video_id", req.VideoID, "source", source, "language", t.Language, "kind", t.Kind, "cues", len(t.Cues))
		return res
	}
	st.Failures++
	st.NextAttempt = now.Add(s.backoff(st.Failures))
	st.LastError = err.Error()
	res.Outcome = outcomeOf(err)
	st.LastOutcome = res.Outcome
	res.Err, res.Retry, res.Next = errors.Join(err, localErr), st.NextAttempt, st.NextAttempt
	if errors.Is(err, ErrBlocked) || errors.Is(err, ErrUnreachable) {
		halted.CompareAndSwap(nil, &err)
	}
	log.Warn("transcript fetch failed", "video_id", req.VideoID, "outcome", res.Outcome,
		"failures", st.Failures, "retry_at", st.NextAttempt, "kept_previous", kept, "error", err)
	return res
}

func outcomeOf(err error) Outcome {
	switch {
	case errors.Is(err, ErrBlocked):
		return OutcomeBlocked
	case errors.Is(err, ErrNoCaptions), errors.Is(err, ErrCaptionsDisabled), errors.Is(err, ErrCaptionsWithheld),
		errors.Is(err, ErrLanguageUnavailable), errors.Is(err, ErrVideoUnavailable):
		return OutcomeUnavailable
	}
	return OutcomeFailed
}

// backoff returns RetryMin doubled per earlier failure, at most RetryMax.
func (s *Syncer) backoff(failures int) time.Duration {
	lo, hi := orDefault(s.RetryMin, time.Hour), orDefault(s.RetryMax, 7*24*time.Hour)
	d := lo
	for i := 1; i < failures && d < hi; i++ {
		d *= 2
	}
	return min(d, hi)
}

func validSlug(slug string) bool {
	return slug != "" && slug != "." && slug != ".." && !strings.ContainsAny(slug, `/\`+"\x00") && filepath.Base(slug) == slug
}

func loadState(path string) (*state, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &state{}, nil
	}
	if err != nil {
		return nil, err
	}
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		// Keep the damaged file for a person to look at; a fresh one
		// replaces it on the next save.
		_ = os.Rename(path, path+".corrupt")
		return nil, err
	}
	if st.Version > stateVersion {
		return nil, fmt.Errorf("state version %d is newer than this castfeed (%d)", st.Version, stateVersion)
	}
	return &st, nil
}

// saveState writes atomically, so a crash leaves the old or the new state,
// never half of one.
func saveState(path string, st *state) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(path, append(data, '\n'))
}

// Status is what the state folder says of one episode's transcript, for
// `castfeed status`.
type Status struct {
	Slug        string
	VideoID     string
	Outcome     Outcome   // of the last attempt
	Source      string    // where the kept transcript came from
	Language    string    // of the kept transcript; "" when there is none
	Kind        Kind      // of the kept transcript
	FetchedAt   time.Time // last success
	LastAttempt time.Time
	Failures    int       // consecutive
	NextAttempt time.Time // no request before this
	LastError   string
}

// ReadStatus lists the state of every episode in stateDir, by slug.
func ReadStatus(stateDir string) ([]Status, error) {
	names, err := filepath.Glob(filepath.Join(stateDir, "*.json"))
	if err != nil {
		return nil, err
	}
	var out []Status
	for _, name := range names {
		st, err := loadState(name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		s := Status{
			Slug: strings.TrimSuffix(filepath.Base(name), ".json"), VideoID: st.VideoID, Outcome: st.LastOutcome,
			Source: st.Source, FetchedAt: st.FetchedAt, LastAttempt: st.LastAttempt, Failures: st.Failures,
			NextAttempt: st.NextAttempt, LastError: st.LastError,
		}
		if st.Transcript != nil {
			s.Language, s.Kind = st.Transcript.Language, st.Transcript.Kind
		}
		out = append(out, s)
	}
	return out, nil
}
