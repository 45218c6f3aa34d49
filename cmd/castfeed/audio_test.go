package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestAudioCommand(t *testing.T) {
	cfg := exampleShow(t)
	dir := filepath.Dir(cfg)
	ep := filepath.Join(dir, "examples/hallway-track/episodes/episode-0001.md")
	src := filepath.Join(dir, "examples/hallway-track/media/episode-0001.mp3")
	before, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "tagged.mp3")
	r := castfeed(t, context.Background(), nil, "audio", "--config", cfg, ep, "--out", out)
	if r.code != 0 || !strings.Contains(r.stdout, "tagged.mp3: MP3, 1h2m40.2s") || !strings.Contains(r.stdout, "5 chapters") ||
		!strings.Contains(r.stdout, "00:00:00.000  Welcome and why a hallway") || !strings.Contains(r.stdout, "00:58:20.000  How to suggest a topic") {
		t.Fatalf("castfeed audio: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// The example's audio has the episode's length: no warning about it.
	if strings.Contains(r.stderr, "episode-0001.md:3: warning: duration") {
		t.Errorf("castfeed audio: a duration warning for audio of the episode's length:\n%s", r.stderr)
	}
	bin, err := exec.LookPath("ffprobe")
	if err != nil {
		t.Fatalf("ffprobe not found (%v); install it: apt-get install ffmpeg", err)
	}
	js, err := exec.Command(bin, "-v", "error", "-show_chapters", "-show_format", "-of", "json", out).Output()
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Chapters []struct {
			Tags map[string]string `json:"tags"`
		} `json:"chapters"`
		Format struct {
			Tags map[string]string `json:"tags"`
		} `json:"format"`
	}
	if err := json.Unmarshal(js, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Chapters) != 5 || p.Chapters[0].Tags["title"] != "Welcome and why a hallway" || p.Chapters[4].Tags["title"] != "How to suggest a topic" || p.Format.Tags["title"] != "Hello, Hallway Track" || p.Format.Tags["album"] != "Hallway Track" {
		t.Errorf("ffprobe of the written file: %s", js)
	}
	if after, err := os.ReadFile(src); err != nil || !bytes.Equal(before, after) {
		t.Errorf("the source changed (%v)", err)
	}

	if r := castfeed(t, context.Background(), nil, "audio", "--config", cfg, ep, "--out", src); r.code != 1 || !strings.Contains(r.stderr, "is the source file") {
		t.Errorf("--out the source: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := castfeed(t, context.Background(), nil, "audio", "--config", cfg); r.code != 2 {
		t.Errorf("no episode: exit %d, want 2", r.code)
	}
}
