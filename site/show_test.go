package site_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/castfeed/castfeed/internal/config"
	"github.com/castfeed/castfeed/internal/pipeline"
	"github.com/castfeed/castfeed/internal/server"
	"github.com/castfeed/castfeed/transcript"
)

// playerEpisode is a stand-in the browser can play through: the example
// show's audio is ten seconds of real MP3, too short for its episodes'
// chapters, so this episode has chapters and captions two seconds apart.
const playerEpisode = `---
date: 2024-07-13
duration: "0:00:10"
title: "Player check: chapters every two seconds"
youtube: https://www.youtube.com/watch?v=HtPilot0090
---

A short episode whose chapters and transcript fit in the example audio.

## Guests

- [Amina Berrada](https://example.org/amina)

## Notes

0:00:00 - Opening

0:00:02 - Second

0:00:04 - Third

0:00:06 - Fourth

0:00:08 - Last

## Prepared and Presented by

- [Salma Idrissi](https://example.org/salma)
`

const playerCaptions = `WEBVTT
Language: en

00:00:00.000 --> 00:00:02.000
Salma: Welcome to the player check.

00:00:02.000 --> 00:00:04.000
Amina: Each cue lasts two seconds.

00:00:04.000 --> 00:00:06.000
So the third one starts at four.

00:00:06.000 --> 00:00:08.000
The fourth at six.

00:00:08.000 --> 00:00:10.000
And this is the end.
`

// xssEpisode carries markup and script where volunteers' files and
// YouTube's captions could: the pages must show it as text.
const xssEpisode = `---
date: 2024-07-20
duration: "0:00:10"
title: "Escaping <script>alert('title')</script> check"
youtube: https://www.youtube.com/watch?v=HtPilot0091
---

Summary with <script>alert('summary')</script> inside.

## Guests

- [Eve <img src=x onerror=alert('guest')>](https://example.org/eve)

## Notes

0:00:00 - Chapter <script>alert('chapter')</script>

## Links

- [click me](javascript:alert('link'))
- <a href="javascript:alert('raw')">raw link</a>
`

const xssCaptions = `WEBVTT

00:00:00.000 --> 00:00:05.000
Cue &lt;script&gt;alert('cue')&lt;/script&gt; text
`

// show is the example show built into a folder served by the real
// castfeed server.
type show struct {
	url, out string
	opt      pipeline.Options
	srv      *server.Server
}

// exampleShow copies the example show (config.yaml, episodes, media)
// with the stand-in and XSS episodes into a temporary folder, serves its
// output folder with internal/server on 127.0.0.1:0 and builds it there.
func exampleShow(t *testing.T) *show {
	t.Helper()
	cfg, err := config.Load(filepath.Join("..", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, d := range []*string{&cfg.Episodes.Dir, &cfg.Media.Dir} {
		to := filepath.Join(dir, filepath.Base(*d))
		if err := os.CopyFS(to, os.DirFS(*d)); err != nil {
			t.Fatal(err)
		}
		*d = to
	}
	audio, err := os.ReadFile(filepath.Join(cfg.Media.Dir, "episode-0001.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"episodes/episode-0090.md": []byte(playerEpisode), "episodes/episode-0090.vtt": []byte(playerCaptions),
		"episodes/episode-0091.md": []byte(xssEpisode), "episodes/episode-0091.vtt": []byte(xssCaptions),
		"media/episode-0090.mp3": audio, "media/episode-0091.mp3": audio,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := &show{out: filepath.Join(dir, "public")}
	s.srv = server.New(server.Options{Dir: s.out, MediaDir: cfg.Media.Dir})
	ts := httptest.NewServer(s.srv.Handler())
	t.Cleanup(ts.Close)
	s.url = ts.URL
	cfg.Podcast.BaseURL = ts.URL
	cfg.Media.URLTemplate = ts.URL + "/media/{{.Slug}}.mp3"
	cfg.Podcast.Image = filepath.Join("..", "examples", "hallway-track", "cover.png")
	cfg.Output.Dir, cfg.State.Dir = s.out, filepath.Join(dir, "state")
	cfg.Site.ApplePodcasts = "https://podcasts.apple.com/podcast/id1234567890"
	cfg.Site.AntennaPod = "https://antennapod.org/deeplink/subscribe?url=" + ts.URL + "/feed.xml"
	s.opt = pipeline.Options{
		Config: cfg, Offline: true, Version: "test",
		Now:         func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) },
		Transcripts: &transcript.Syncer{StateDir: filepath.Join(cfg.State.Dir, "transcripts"), Offline: true, Fetcher: &transcript.Fetcher{Languages: cfg.Transcripts.Languages}},
	}
	res, err := pipeline.Run(context.Background(), s.opt)
	if err != nil {
		t.Fatalf("build the example show: %v", err)
	}
	if res.Published != 8 {
		t.Fatalf("published %d episodes, want 8 (6 of the example, the player check and the XSS check); %v", res.Published, res.Diagnostics)
	}
	s.srv.Published()
	return s
}

// pages lists the HTML pages of the output folder, slash-separated.
func (s *show) pages(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(s.out, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == ".html" && filepath.Base(filepath.Dir(p)) != "" {
			rel, _ := filepath.Rel(s.out, p)
			if filepath.Base(rel) == "transcript.html" {
				return nil // a transcript download, not a page
			}
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
