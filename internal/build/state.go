package build

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// readJSON loads v from name; a missing file leaves v as it is.
func readJSON(name string, v any) error {
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w; the state file is damaged: delete it and castfeed rebuilds it", name, err)
	}
	return nil
}

// writeJSON stores v in name atomically: temp file beside it, sync,
// rename. A crash leaves the old state or the new one, never half.
func writeJSON(name string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if old, err := os.ReadFile(name); err == nil && string(old) == string(data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// state is what castfeed remembers between refreshes, in state.dir:
//
//	published.json   slug → guid and title of every published episode
//	lengths.json     enclosure URL → length learnt by HTTP HEAD
//	build.json       fingerprint of the last build's inputs
//	episodes/<slug>.md  the last published version of each episode file
type state struct {
	dir       string
	published map[string]publishedEpisode
	lengths   *lengths
	build     buildRecord
}

type publishedEpisode struct {
	GUID  string `json:"guid"`
	Title string `json:"title"`
}

// buildRecord lets a refresh that finds nothing changed skip all work.
type buildRecord struct {
	Inputs  string    `json:"inputs"`
	Output  string    `json:"output"`
	NextDue time.Time `json:"next_due,omitzero"` // a scheduled episode goes out
	// TranscriptsDue is when a transcript is next to be asked of YouTube.
	TranscriptsDue time.Time `json:"transcripts_due,omitzero"`
	Published      int       `json:"published"`
}

// upToDate tells whether a refresh with inputs fp can skip all work: the
// inputs and the published folder are as the last build left them, and
// nothing has fallen due since (a scheduled episode, a transcript retry).
func (b buildRecord) upToDate(fp, outDir string, now time.Time, online bool) bool {
	due := func(t time.Time) bool { return !t.IsZero() && !now.Before(t) }
	return b.Inputs != "" && fp == b.Inputs && outputIntact(outDir, b.Output) &&
		!due(b.NextDue) && !(online && due(b.TranscriptsDue))
}

func openState(dir string) *state {
	return &state{dir: dir, published: map[string]publishedEpisode{}, lengths: &lengths{byURL: map[string]remoteLength{}}}
}

func (s *state) load() error {
	return errors.Join(
		readJSON(filepath.Join(s.dir, "published.json"), &s.published),
		readJSON(filepath.Join(s.dir, "lengths.json"), &s.lengths.byURL),
		readJSON(filepath.Join(s.dir, "build.json"), &s.build),
	)
}

// save stores what was published and learnt; saveBuild, called after it,
// stores the build record.
func (s *state) save() error {
	return errors.Join(
		writeJSON(filepath.Join(s.dir, "published.json"), s.published),
		writeJSON(filepath.Join(s.dir, "lengths.json"), s.lengths.byURL),
	)
}

func (s *state) saveBuild() error {
	return writeJSON(filepath.Join(s.dir, "build.json"), s.build)
}

func (s *state) lastGoodPath(slug string) string {
	return filepath.Join(s.dir, "episodes", slug+".md")
}

// lastGood returns the last published version of an episode file, or nil.
func (s *state) lastGood(slug string) []byte {
	data, err := os.ReadFile(s.lastGoodPath(slug))
	if err != nil {
		return nil
	}
	return data
}

// keepLastGood stores data as the episode's last published version; it
// writes only when the file changed.
func (s *state) keepLastGood(slug string, data []byte) error {
	p := s.lastGoodPath(slug)
	if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}
