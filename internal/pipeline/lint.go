package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/castfeed/castfeed/diag"
	"github.com/castfeed/castfeed/episode"
	"github.com/castfeed/castfeed/internal/config"
)

// Lint is `castfeed lint`: it reads the named episode files (all of
// episodes.dir when files is empty) and returns every problem, without
// network access or writing anything. It is what the show's CI runs on
// each pull request, so it must be fast and precise. Files are named
// relative to workDir, as in Options.WorkDir.
func Lint(ctx context.Context, cfg *config.Config, files []string, workDir string) (diag.List, error) {
	display := displayName(cfg.Episodes.Dir, workDir)
	if len(files) == 0 {
		var err error
		files, err = listEpisodes(cfg.Episodes.Dir)
		if err != nil {
			return nil, err
		}
	} else if workDir == "" {
		display = func(p string) string { return filepath.ToSlash(p) }
	}
	eps, err := loadAll(ctx, episode.NewReader().WithoutHTML(), cfg, files, display, nil, nil, nil)
	if err != nil {
		return nil, err
	}
	st := openState(cfg.State.Dir)
	_ = st.load() // a damaged state only costs us the cached lengths here

	diags := cfg.Warnings()
	guids := guidSet{}
	numbers := map[int]string{}
	tmpl, _ := cfg.MediaTemplate()
	s := &show{cfg: cfg, opt: Options{Offline: true, Config: cfg}, state: st, log: slog.New(slog.DiscardHandler)}
	for _, l := range eps {
		diags = append(diags, l.diags...)
		ep := l.ep
		if ep == nil {
			continue
		}
		if _, d := guids.claim(l); d != nil {
			diags = append(diags, *d)
		}
		if ep.Number > 0 && ep.Published && !ep.IsNext {
			if other, dup := numbers[ep.Number]; dup {
				diags = append(diags, diag.Diagnostic{File: l.name, Line: ep.KeyLine("episode"), Severity: diag.Warning,
					Message: fmt.Sprintf("episode number %d is also used by %s", ep.Number, other),
					Hint:    "set episode: N in the front matter to the right number"})
			}
			numbers[ep.Number] = l.name
		}
		if !ep.Published || ep.IsNext {
			continue
		}
		if tmpl != nil {
			_, d := s.enclosure(ctx, l, tmpl, st.lengths)
			diags = append(diags, d...)
		}
		diags = append(diags, s.lintAudio(l)...)
		if ep.Image != "" && !strings.HasPrefix(ep.Image, "https://") && !strings.HasPrefix(ep.Image, "http://") {
			diags = append(diags, diag.Diagnostic{File: l.name, Line: ep.KeyLine("image"), Severity: diag.Error,
				Message: fmt.Sprintf("image %q is not an absolute http(s) URL", ep.Image),
				Hint:    "podcast apps fetch episode art by URL: give the full https:// address"})
		}
	}
	diags.Sort()
	return diags, nil
}
