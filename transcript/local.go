package transcript

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/castfeed/castfeed/internal/rawfile"
)

// findLocal looks beside an episode for a transcript the author supplied,
// which takes precedence over YouTube: <slug>.vtt, then <slug>.srt, then
// <slug>.<lang>.vtt and <slug>.<lang>.srt for each language in order of
// preference. It returns the file's path, its language (the first preferred
// language for a file without one), its FileInfo as found (nil: none) and
// whether one was found.
func findLocal(dir, slug string, langs []string) (path, lang string, fi os.FileInfo, ok bool) {
	if dir == "" || slug == "" {
		return "", "", nil, false
	}
	def := ""
	if len(langs) > 0 {
		def = langs[0]
	}
	type candidate struct{ name, lang string }
	cands := []candidate{{slug + ".vtt", def}, {slug + ".srt", def}}
	for _, l := range langs {
		cands = append(cands, candidate{slug + "." + l + ".vtt", l}, candidate{slug + "." + l + ".srt", l})
	}
	for _, c := range cands {
		p := filepath.Join(dir, c.name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, c.lang, fi, true
		}
	}
	return "", "", nil, false
}

// ReadFile reads a caption file of the show's own, WebVTT or (by its .srt
// extension) SRT, cleaned of rolling repeats.
func ReadFile(path string) (*Transcript, error) {
	data, err := rawfile.Read(path)
	if err != nil {
		return nil, err
	}
	format := "vtt"
	if strings.EqualFold(filepath.Ext(path), ".srt") {
		format = "srt"
	}
	t, err := parse(data, format)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	t.Cues = clean(t.Cues, true) // parse normalized the text
	return t, nil
}

// readLocal reads the caption file found for an episode (findLocal).
func readLocal(path, lang string) (*Transcript, error) {
	t, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	t.Language, t.Kind = lang, Local
	return t, nil
}
