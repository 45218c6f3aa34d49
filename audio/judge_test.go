package audio

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// The judges are programs castfeed does not share code with: ffprobe and
// ffmpeg (Debian's ffmpeg) and mutagen (python3-mutagen). A missing judge
// fails the test with the command that installs it.

const installJudges = "apt-get install ffmpeg python3-mutagen"

func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found (%v); install it: %s", name, err, installJudges)
	}
	return p
}

// mutagenPython returns a python3 that can import mutagen: the one on
// PATH, else Debian's, where python3-mutagen installs (a pyenv or venv
// python3 on PATH does not see it).
func mutagenPython(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if path, err := exec.LookPath(p); err == nil {
			if exec.Command(path, "-c", "import mutagen").Run() == nil {
				return path
			}
		}
	}
	t.Fatalf("no python3 with mutagen found; install it: %s", installJudges)
	return ""
}

func run(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.Bytes())
	}
	return out
}

// probed is what ffprobe says of a file.
type probed struct {
	Chapters []struct {
		StartTime string            `json:"start_time"`
		EndTime   string            `json:"end_time"`
		Tags      map[string]string `json:"tags"`
	} `json:"chapters"`
	Format struct {
		Duration string            `json:"duration"`
		Tags     map[string]string `json:"tags"`
	} `json:"format"`
}

func ffprobe(t *testing.T, path string) probed {
	t.Helper()
	out := run(t, tool(t, "ffprobe"), "-v", "error", "-show_chapters", "-show_format", "-of", "json", path)
	var p probed
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatalf("ffprobe output: %v\n%s", err, out)
	}
	return p
}

// seconds parses ffprobe's "1.234000" into milliseconds.
func millis(t *testing.T, s string) int64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("ffprobe time %q: %v", s, err)
	}
	return int64(f*1000 + 0.5)
}

// audioHash is ffmpeg's hash of the audio packets, demuxed by ffmpeg
// itself: equal hashes mean the payload went through untouched.
func audioHash(t *testing.T, path string) string {
	t.Helper()
	out := run(t, tool(t, "ffmpeg"), "-v", "error", "-i", path, "-map", "0:a", "-c", "copy", "-f", "hash", "-hash", "sha256", "-")
	return strings.TrimSpace(string(out))
}

// mutagenMP3 is what mutagen reads from an MP3's ID3 tag, untranslated
// (so the v2.3 frames show as written).
type mutagenMP3 struct {
	Version []int `json:"version"`
	TOCs    []struct {
		ID       string   `json:"id"`
		Flags    int      `json:"flags"`
		Children []string `json:"children"`
	} `json:"tocs"`
	Chaps []struct {
		ID    string   `json:"id"`
		Start int64    `json:"start"`
		End   int64    `json:"end"`
		Title string   `json:"title"`
		URLs  []string `json:"urls"`
	} `json:"chaps"`
	Text    map[string]string `json:"text"`
	Comment []string          `json:"comment"`
	Covers  []int             `json:"covers"`
	Frames  []string          `json:"frames"`
}

const mutagenMP3Script = `
import sys, json
from mutagen.id3 import ID3
t = ID3(sys.argv[1], translate=False)
def title(c):
    f = c.sub_frames.get('TIT2')
    return f.text[0] if f else ''
print(json.dumps({
  'version': list(t.version),
  'tocs': [{'id': c.element_id, 'flags': int(c.flags), 'children': list(c.child_element_ids)} for c in t.getall('CTOC')],
  'chaps': [{'id': c.element_id, 'start': c.start_time, 'end': c.end_time, 'title': title(c),
             'urls': [w.url for w in c.sub_frames.getall('WXXX')]} for c in t.getall('CHAP')],
  'text': {k: str(t[k]) for k in ['TIT2', 'TPE1', 'TALB', 'TRCK', 'TYER', 'TDAT', 'TDRC'] if k in t},
  'comment': [c.text[0] for c in t.getall('COMM')],
  'covers': [len(a.data) for a in t.getall('APIC')],
  'frames': sorted(set(k[:4] for k in t.keys())),
}))
`

func mutagenReadMP3(t *testing.T, path string) mutagenMP3 {
	t.Helper()
	out := run(t, mutagenPython(t), "-c", mutagenMP3Script, path)
	var m mutagenMP3
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("mutagen output: %v\n%s", err, out)
	}
	return m
}

// mutagenM4A is what mutagen reads from an M4A: its chpl chapters (which
// mutagen divides by the movie time scale after converting to ms, so
// starts are in seconds only for a time scale of 1000) and ilst items.
type mutagenM4A struct {
	Chapters []struct {
		Start float64 `json:"start"`
		Title string  `json:"title"`
	} `json:"chapters"`
	Tags   map[string]string `json:"tags"`
	Track  []int             `json:"track"`
	Covers []int             `json:"covers"`
	Length float64           `json:"length"`
}

const mutagenM4AScript = `
import sys, json
from mutagen.mp4 import MP4
m = MP4(sys.argv[1])
tags = m.tags or {}
print(json.dumps({
  'chapters': [{'start': c.start, 'title': c.title} for c in (m.chapters or [])],
  'tags': {k: str(tags[k][0]) for k in ['\xa9nam', '\xa9ART', '\xa9alb', '\xa9day', '\xa9cmt'] if k in tags},
  'track': list(tags['trkn'][0]) if 'trkn' in tags else [],
  'covers': [len(c) for c in tags.get('covr', [])],
  'length': m.info.length,
}))
`

func mutagenReadM4A(t *testing.T, path string) mutagenM4A {
	t.Helper()
	out := run(t, mutagenPython(t), "-c", mutagenM4AScript, path)
	var m mutagenM4A
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("mutagen output: %v\n%s", err, out)
	}
	return m
}

// readFile reads a testdata file, failing the test if it cannot.
func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
