package transcript

import (
	"os"
	"path/filepath"
)

// FindLocal looks beside an episode for a transcript the author supplied,
// which takes precedence over YouTube: <slug>.vtt, then <slug>.srt, then
// <slug>.<lang>.vtt and <slug>.<lang>.srt for each language in order of
// preference. It returns the file's path, its language (the first preferred
// language for a file without one) and whether one was found.
func FindLocal(dir, slug string, langs []string) (path, lang string, ok bool) {
	if dir == "" || slug == "" {
		return "", "", false
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
			return p, c.lang, true
		}
	}
	return "", "", false
}

// formatOf returns the caption format of a file name.
func formatOf(path string) string {
	switch filepath.Ext(path) {
	case ".srt":
		return "srt"
	}
	return "vtt"
}
