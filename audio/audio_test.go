package audio

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// testdata was made once with ffmpeg 5 (see testdata/README.md): six
// seconds of a 440 Hz tone, mono, 32 kb/s.

func cover(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var testChapters = []Chapter{
	{Start: 0, Title: "Intro"},
	{Start: 1500 * time.Millisecond, Title: "Définitions", URL: "https://example.com/defs?a=1&b=2"},
	{Start: 3 * time.Second, Title: "Ünïcode ☃ snow", URL: "https://example.org/"},
	{Start: 4750 * time.Millisecond, Title: "Outro"},
}

func testTags(t testing.TB) Tags {
	return Tags{
		Title: "Episode 42: Ça marche", Artist: "The Hosts", Album: "GeeksBlaBla",
		Track: 42, Date: "2024-05-01", Comment: "We talk about ☃ and more.", Cover: cover(t),
	}
}

// embedFile runs Embed from src into a new file in dir, as the pipeline
// does, and returns the file's path and what Embed said.
func embedFile(t *testing.T, src, dir string, tags Tags, chs []Chapter) (string, Info) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out"+filepath.Ext(src))
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	info, err := Embed(f, in, fi.Size(), tags, chs)
	if err != nil {
		f.Close()
		t.Fatalf("Embed(%s): %v", src, err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(out); err != nil || st.Size() != info.Size {
		t.Fatalf("Embed(%s) reported %d bytes, the file has %v (%v)", src, info.Size, st.Size(), err)
	}
	return out, info
}

// checkFFprobe holds ffprobe's chapters and duration to what was embedded.
func checkFFprobe(t *testing.T, path string, info Info, chs []Chapter) {
	t.Helper()
	p := ffprobe(t, path)
	if len(p.Chapters) != len(chs) {
		t.Fatalf("ffprobe %s: %d chapters, want %d", path, len(p.Chapters), len(chs))
	}
	for i, c := range chs {
		got := p.Chapters[i]
		if d := millis(t, got.StartTime) - c.Start.Milliseconds(); d < -1 || d > 1 {
			t.Errorf("ffprobe chapter %d start %s, want %v", i, got.StartTime, c.Start)
		}
		if got.Tags["title"] != c.Title {
			t.Errorf("ffprobe chapter %d title %q, want %q", i, got.Tags["title"], c.Title)
		}
	}
	last := p.Chapters[len(chs)-1]
	if d := millis(t, last.EndTime) - info.Duration.Milliseconds(); d < -1 || d > 1 {
		t.Errorf("ffprobe last chapter ends at %s, want the audio's end %v", last.EndTime, info.Duration)
	}
	// ffprobe's duration of an MP3 and ours differ by the encoder delay
	// it subtracts; one MPEG frame (26 ms here) bounds that.
	if d := millis(t, p.Format.Duration) - info.Duration.Milliseconds(); d < -30 || d > 30 {
		t.Errorf("ffprobe duration %s, Embed said %v", p.Format.Duration, info.Duration)
	}
}

func TestEmbedMP3(t *testing.T) {
	tests := []struct {
		name, src string
	}{
		{"replaces_id3v24_and_id3v1", "testdata/tone.mp3"},
		{"no_xing_header_counts_frames", "testdata/tone-noxing.mp3"},
		{"replaces_ffmpeg_chapters", "testdata/tone-chapters.mp3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tags := testTags(t)
			path, info := embedFile(t, tc.src, t.TempDir(), tags, testChapters)
			if info.Format != MP3 || info.Duration < 5900*time.Millisecond || info.Duration > 6100*time.Millisecond {
				t.Fatalf("Embed: %v %v, want MP3 of about 6s", info.Format, info.Duration)
			}
			checkFFprobe(t, path, info, testChapters)

			m := mutagenReadMP3(t, path)
			if !slices.Equal(m.Version, []int{2, 3, 0}) {
				t.Errorf("mutagen: ID3 version %v, want 2.3.0", m.Version)
			}
			if len(m.TOCs) != 1 || m.TOCs[0].Flags&3 != 3 {
				t.Fatalf("mutagen: CTOC frames %+v, want one top-level ordered", m.TOCs)
			}
			var ids []string
			for i, c := range m.Chaps {
				ids = append(ids, c.ID)
				want := testChapters[i]
				end := info.Duration.Milliseconds()
				if i+1 < len(testChapters) {
					end = testChapters[i+1].Start.Milliseconds()
				}
				if c.Start != want.Start.Milliseconds() || c.End != end || c.Title != want.Title {
					t.Errorf("mutagen CHAP %d: %d-%d %q, want %d-%d %q", i, c.Start, c.End, c.Title, want.Start.Milliseconds(), end, want.Title)
				}
				if wantURLs := []string{want.URL}; want.URL == "" && len(c.URLs) != 0 || want.URL != "" && !slices.Equal(c.URLs, wantURLs) {
					t.Errorf("mutagen CHAP %d: WXXX %q, want %q", i, c.URLs, want.URL)
				}
			}
			if !slices.Equal(m.TOCs[0].Children, ids) || len(ids) != len(testChapters) {
				t.Errorf("mutagen: CTOC children %q, CHAP frames %q", m.TOCs[0].Children, ids)
			}
			wantText := map[string]string{"TIT2": tags.Title, "TPE1": tags.Artist, "TALB": tags.Album, "TRCK": "42", "TYER": "2024", "TDAT": "0105", "TDRC": "2024-05-01"}
			for k, v := range wantText {
				if m.Text[k] != v {
					t.Errorf("mutagen: %s = %q, want %q", k, m.Text[k], v)
				}
			}
			if !slices.Equal(m.Comment, []string{tags.Comment}) || !slices.Equal(m.Covers, []int{len(tags.Cover)}) {
				t.Errorf("mutagen: COMM %q APIC %v, want %q and %d bytes", m.Comment, m.Covers, tags.Comment, len(tags.Cover))
			}
			// The source's tags are gone, v2.4 and v1 alike.
			p := ffprobe(t, path)
			if p.Format.Tags["title"] != tags.Title || p.Format.Tags["artist"] != tags.Artist {
				t.Errorf("ffprobe tags %v, want title %q artist %q", p.Format.Tags, tags.Title, tags.Artist)
			}
			if got, want := audioHash(t, path), audioHash(t, tc.src); got != want {
				t.Errorf("ffmpeg audio hash %s, source %s", got, want)
			}
			checkPayload(t, tc.src, path)
			checkProbe(t, path, info, tags, testChapters)
		})
	}
}

func TestEmbedM4A(t *testing.T) {
	for _, src := range []string{"testdata/tone.m4a", "testdata/tone-chapters.m4a"} {
		t.Run(filepath.Base(src), func(t *testing.T) { testEmbedM4A(t, src) })
	}
}

// testEmbedM4A embeds into src; tone-chapters.m4a has ffmpeg's chapters
// (chpl and a chapter track), which must give way to ours.
func testEmbedM4A(t *testing.T, src string) {
	tags := testTags(t)
	dir := t.TempDir()
	path, info := embedFile(t, src, dir, tags, testChapters)
	if info.Format != M4A || info.Duration != 6*time.Second {
		t.Fatalf("Embed: %v %v, want M4A of 6s", info.Format, info.Duration)
	}
	// ffprobe reads the QuickTime chapter track when there is one.
	checkFFprobe(t, path, info, testChapters)
	p := ffprobe(t, path)
	for k, want := range map[string]string{"title": tags.Title, "artist": tags.Artist, "album": tags.Album, "date": tags.Date, "track": "42", "comment": tags.Comment} {
		if p.Format.Tags[k] != want {
			t.Errorf("ffprobe tag %s = %q, want %q", k, p.Format.Tags[k], want)
		}
	}

	// With the track reference renamed (same size, so offsets hold)
	// ffprobe falls back to the chpl list: both must agree.
	b := readFile(t, path)
	i := bytes.Index(b, []byte("\x00\x00\x00\x0cchap"))
	if i < 0 || bytes.Count(b, []byte("\x00\x00\x00\x0cchap")) != 1 {
		t.Fatalf("output has %d tref/chap boxes, want 1", bytes.Count(b, []byte("\x00\x00\x00\x0cchap")))
	}
	noTrack := slices.Clone(b)
	copy(noTrack[i+4:], "xhap")
	chplOnly := filepath.Join(dir, "chpl-only.m4a")
	if err := os.WriteFile(chplOnly, noTrack, 0o644); err != nil {
		t.Fatal(err)
	}
	pc := ffprobe(t, chplOnly)
	if len(pc.Chapters) != len(testChapters) {
		t.Fatalf("ffprobe of chpl alone: %d chapters, want %d", len(pc.Chapters), len(testChapters))
	}
	for i, c := range testChapters {
		if d := millis(t, pc.Chapters[i].StartTime) - c.Start.Milliseconds(); d < -1 || d > 1 || pc.Chapters[i].Tags["title"] != c.Title {
			t.Errorf("ffprobe chpl chapter %d: %s %q, want %v %q", i, pc.Chapters[i].StartTime, pc.Chapters[i].Tags["title"], c.Start, c.Title)
		}
	}

	m := mutagenReadM4A(t, path)
	if len(m.Chapters) != len(testChapters) {
		t.Fatalf("mutagen chpl: %d chapters, want %d", len(m.Chapters), len(testChapters))
	}
	for i, c := range testChapters {
		// The test file's movie time scale is 1000, so mutagen's
		// start is in seconds (see mutagenM4A).
		if d := int64(m.Chapters[i].Start*1000+0.5) - c.Start.Milliseconds(); d < -1 || d > 1 || m.Chapters[i].Title != c.Title {
			t.Errorf("mutagen chpl %d: %v %q, want %v %q", i, m.Chapters[i].Start, m.Chapters[i].Title, c.Start, c.Title)
		}
	}
	for k, want := range map[string]string{"©nam": tags.Title, "©ART": tags.Artist, "©alb": tags.Album, "©day": tags.Date, "©cmt": tags.Comment} {
		if m.Tags[k] != want {
			t.Errorf("mutagen %q = %q, want %q", k, m.Tags[k], want)
		}
	}
	if !slices.Equal(m.Track, []int{42, 0}) || !slices.Equal(m.Covers, []int{len(tags.Cover)}) {
		t.Errorf("mutagen trkn %v covr %v, want [42 0] and %d bytes", m.Track, m.Covers, len(tags.Cover))
	}
	if got, want := audioHash(t, path), audioHash(t, src); got != want {
		t.Errorf("ffmpeg audio hash %s, source %s", got, want)
	}
	if got, want := mdatHash(t, path), mdatHash(t, src); got != want {
		t.Errorf("the first mdat's bytes differ from the source's")
	}
	checkProbe(t, path, info, tags, testChapters)

	// Embedding again over our own output replaces our chapters: one
	// chapter track, one chpl, the same audio.
	again, info2 := embedFile(t, path, t.TempDir(), tags, testChapters[:2])
	checkFFprobe(t, again, info2, testChapters[:2])
	if n := bytes.Count(readFile(t, again), []byte("chpl")); n != 1 {
		t.Errorf("re-embedded file has %d chpl boxes, want 1", n)
	}
	if got, want := audioHash(t, again), audioHash(t, src); got != want {
		t.Errorf("re-embedded audio hash %s, source %s", got, want)
	}
}

// checkProbe reads the output back with Probe.
func checkProbe(t *testing.T, path string, info Info, tags Tags, chs []Chapter) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := Probe(f, info.Size)
	if err != nil {
		t.Fatalf("Probe(%s): %v", path, err)
	}
	if d := got.Duration - info.Duration; got.Format != info.Format || d != 0 && !got.Estimated || d < -30*time.Millisecond || d > 30*time.Millisecond {
		t.Errorf("Probe: %v %v, Embed said %v %v", got.Format, got.Duration, info.Format, info.Duration)
	}
	if got.Tags.Title != tags.Title || got.Tags.Artist != tags.Artist || got.Tags.Album != tags.Album ||
		got.Tags.Track != tags.Track || got.Tags.Date != tags.Date || got.Tags.Comment != tags.Comment || !bytes.Equal(got.Tags.Cover, tags.Cover) {
		t.Errorf("Probe tags %+v, want %+v", got.Tags, tags)
	}
	want := chs
	if info.Format == M4A { // chpl has no links
		want = nil
		for _, c := range chs {
			want = append(want, Chapter{Start: c.Start, Title: c.Title})
		}
	}
	if !slices.Equal(got.Chapters, want) {
		t.Errorf("Probe chapters %+v, want %+v", got.Chapters, want)
	}
}

// mdatHash hashes the payload of a file's first mdat box, the audio
// samples Embed copies byte for byte.
func mdatHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b := readFile(t, path)
	tops, err := topBoxes(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, top := range tops {
		if top.typ == "mdat" {
			return sha256.Sum256(b[top.payload() : top.off+top.size])
		}
	}
	t.Fatalf("%s has no mdat", path)
	return [32]byte{}
}

// checkPayload compares the MP3 frames byte for byte: the source without
// its tags against the output without ours.
func checkPayload(t *testing.T, src, out string) {
	t.Helper()
	payload := func(path string) []byte {
		b := readFile(t, path)
		l, err := layoutMP3(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return b[l.tagEnd:l.payloadEnd]
	}
	a, b := payload(src), payload(out)
	if sha256.Sum256(a) != sha256.Sum256(b) || len(a) < 20000 {
		t.Errorf("payload of %s (%d bytes) differs from the source's (%d bytes)", out, len(b), len(a))
	}
}

func TestEmbedIsDeterministic(t *testing.T) {
	for _, src := range []string{"testdata/tone.mp3", "testdata/tone-noxing.mp3", "testdata/tone.m4a"} {
		t.Run(filepath.Base(src), func(t *testing.T) {
			a, _ := embedFile(t, src, t.TempDir(), testTags(t), testChapters)
			b, _ := embedFile(t, src, t.TempDir(), testTags(t), testChapters)
			if !bytes.Equal(readFile(t, a), readFile(t, b)) {
				t.Errorf("two runs of Embed(%s) wrote different bytes", src)
			}
		})
	}
}

func TestEmbedWithoutChaptersOrTags(t *testing.T) {
	for _, src := range []string{"testdata/tone.mp3", "testdata/tone.m4a"} {
		t.Run(filepath.Base(src), func(t *testing.T) {
			path, info := embedFile(t, src, t.TempDir(), Tags{}, nil)
			p := ffprobe(t, path)
			if len(p.Chapters) != 0 || len(p.Format.Tags["title"]) != 0 {
				t.Errorf("ffprobe: %d chapters, title %q; want none (the source's are replaced)", len(p.Chapters), p.Format.Tags["title"])
			}
			if got, want := audioHash(t, path), audioHash(t, src); got != want {
				t.Errorf("audio hash %s, source %s", got, want)
			}
			checkProbe(t, path, info, Tags{}, nil)
		})
	}
}

// embedBytes runs Embed on in-memory input.
func embedBytes(src []byte, tags Tags, chs []Chapter) ([]byte, Info, error) {
	var w memFile
	info, err := Embed(&w, bytes.NewReader(src), int64(len(src)), tags, chs)
	return w.b, info, err
}

func TestEmbedRefuses(t *testing.T) {
	mp3 := readFile(t, "testdata/tone.mp3")
	noxing := readFile(t, "testdata/tone-noxing.mp3")
	m4a := readFile(t, "testdata/tone.m4a")
	videoOnly := bytes.ReplaceAll(m4a, []byte("hdlr\x00\x00\x00\x00\x00\x00\x00\x00soun"), []byte("hdlr\x00\x00\x00\x00\x00\x00\x00\x00vide"))
	if bytes.Equal(videoOnly, m4a) {
		t.Fatal("tone.m4a has no soun handler to rewrite")
	}
	tests := []struct {
		name string
		src  []byte
		tags Tags
		chs  []Chapter
		want error
	}{
		{"mp3_cut_in_half_xing_says_more", mp3[:len(mp3)/2], Tags{}, nil, ErrTruncated},
		{"mp3_cut_mid_frame", noxing[:len(noxing)-50], Tags{}, nil, ErrTruncated},
		{"text_file", []byte("---\ntitle: not audio\n---\n"), Tags{}, nil, ErrNotAudio},
		{"empty_file", nil, Tags{}, nil, ErrNotAudio},
		{"id3_tag_only", mp3[:bytes.Index(mp3, []byte{0xFF, 0xFB})], Tags{}, nil, ErrNotAudio},
		{"m4a_cut_before_moov", m4a[:len(m4a)/2], Tags{}, nil, ErrTruncated},
		{"m4a_without_audio_track", videoOnly, Tags{}, nil, ErrNoAudioTrack},
		{"chapter_after_the_end", mp3, Tags{}, []Chapter{{Title: "a"}, {Start: 7 * time.Second, Title: "b"}}, ErrChapters},
		{"chapter_after_the_end_no_xing", noxing, Tags{}, []Chapter{{Title: "a"}, {Start: 7 * time.Second, Title: "b"}}, ErrChapters},
		{"chapter_after_the_end_m4a", m4a, Tags{}, []Chapter{{Title: "a"}, {Start: 6 * time.Second, Title: "b"}}, ErrChapters},
		{"first_chapter_not_at_0", m4a, Tags{}, []Chapter{{Start: time.Second, Title: "a"}}, ErrChapters},
		{"chapters_out_of_order", mp3, Tags{}, []Chapter{{Title: "a"}, {Start: 2 * time.Second}, {Start: time.Second}}, ErrChapters},
		{"cover_not_an_image", m4a, Tags{Cover: []byte("GIF89a")}, nil, ErrTags},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := embedBytes(tc.src, tc.tags, tc.chs)
			if !errors.Is(err, tc.want) {
				t.Errorf("Embed(%d bytes) = %v, want %v", len(tc.src), err, tc.want)
			}
		})
	}
}

func TestProbe(t *testing.T) {
	tests := []struct {
		src       string
		format    Format
		duration  time.Duration
		estimated bool
		title     string
	}{
		// 231 frames of 1152 samples at 44.1 kHz, from the Info header.
		{"testdata/tone.mp3", MP3, 231 * 1152 * time.Second / 44100, false, "Old title"},
		{"testdata/tone-noxing.mp3", MP3, 6034 * time.Millisecond, true, ""},
		{"testdata/tone.m4a", M4A, 6 * time.Second, false, "Old title"},
	}
	for _, tc := range tests {
		t.Run(filepath.Base(tc.src), func(t *testing.T) {
			b := readFile(t, tc.src)
			info, err := Probe(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			d := info.Duration - tc.duration
			if info.Format != tc.format || d < -5*time.Millisecond || d > 5*time.Millisecond || info.Estimated != tc.estimated || info.Tags.Title != tc.title {
				t.Errorf("Probe(%s) = %v %v estimated=%v title %q, want %v %v %v %q", tc.src, info.Format, info.Duration, info.Estimated, info.Tags.Title, tc.format, tc.duration, tc.estimated, tc.title)
			}
		})
	}
}

// memFile is an in-memory io.WriteSeeker.
type memFile struct {
	b   []byte
	off int64
}

func (m *memFile) Write(p []byte) (int, error) {
	if need := m.off + int64(len(p)); need > int64(len(m.b)) {
		m.b = append(m.b, make([]byte, need-int64(len(m.b)))...)
	}
	copy(m.b[m.off:], p)
	m.off += int64(len(p))
	return len(p), nil
}

func (m *memFile) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case 1:
		off += m.off
	case 2:
		off += int64(len(m.b))
	}
	if off < 0 {
		return 0, errors.New("negative seek")
	}
	m.off = off
	return off, nil
}

// TestEmbedM4ALayouts: MP4s laid out as other muxers write them. The
// source here is tone.m4a rewritten by Embed itself (moov first, mdat
// last), then its mdat header changed to size 0 ("to the end of the
// file") or to a 64-bit size; chunk offsets must follow either way.
func TestEmbedM4ALayouts(t *testing.T) {
	faststart, _, err := embedBytes(readFile(t, "testdata/tone.m4a"), Tags{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tops, err := topBoxes(bytes.NewReader(faststart), int64(len(faststart)))
	if err != nil {
		t.Fatal(err)
	}
	last := tops[len(tops)-1]
	if last.typ != "mdat" || last.hdr != 8 {
		t.Fatalf("Embed's output ends with %q (header %d), want mdat", last.typ, last.hdr)
	}
	toEOF := slices.Clone(faststart)
	binary.BigEndian.PutUint32(toEOF[last.off:], 0)
	// A 64-bit size needs 8 more header bytes: the chunk offsets of the
	// source move with them.
	wide := slices.Concat(faststart[:last.off], []byte{0, 0, 0, 1}, []byte("mdat"), binary.BigEndian.AppendUint64(nil, uint64(last.size+8)), faststart[last.off+8:])
	f, err := openM4A(bytes.NewReader(wide), int64(len(wide)))
	if err != nil {
		t.Fatal(err)
	}
	stco := f.snd.box.path("mdia", "minf", "stbl", "stco")
	ct, err := readChunkTable(stco)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ct.orig {
		ct.orig[i] += 8
	}
	ct.write(ct.orig)
	var moov bytes.Buffer
	w := bufio.NewWriter(&moov)
	f.moov.writeTo(w)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	moovTop := tops[1]
	if moovTop.typ != "moov" || int64(moov.Len()) != moovTop.size {
		t.Fatalf("moov rewritten to %d bytes, was %d (%s)", moov.Len(), moovTop.size, moovTop.typ)
	}
	copy(wide[moovTop.off:], moov.Bytes())

	dir := t.TempDir()
	for name, src := range map[string][]byte{"mdat_to_eof": toEOF, "mdat_64_bit_size": wide} {
		t.Run(name, func(t *testing.T) {
			in := filepath.Join(dir, name+".m4a")
			if err := os.WriteFile(in, src, 0o644); err != nil {
				t.Fatal(err)
			}
			want := audioHash(t, "testdata/tone.m4a")
			if got := audioHash(t, in); got != want {
				t.Fatalf("the test's source is broken: audio hash %s, tone.m4a %s", got, want)
			}
			out, info := embedFile(t, in, t.TempDir(), testTags(t), testChapters)
			checkFFprobe(t, out, info, testChapters)
			if got := audioHash(t, out); got != want {
				t.Errorf("audio hash %s, source %s", got, want)
			}
		})
	}
}

func TestChunkTableWidens(t *testing.T) {
	b := leaf("stco", make([]byte, 8))
	ct := chunkTable{box: b}
	if !ct.write([]uint64{100, 1 << 33}) || b.typ != "co64" {
		t.Fatalf("offsets past 4 GB: box %s, want co64", b.typ)
	}
	back, err := readChunkTable(b)
	if err != nil || !slices.Equal(back.orig, []uint64{100, 1 << 33}) {
		t.Errorf("co64 reads back %v (%v)", back.orig, err)
	}
}

// TestEmbedM4AKeepsFreeform: iTunes' freeform items (iTunSMPB, which
// Apple's players read for gapless playback) survive; the source's other
// tags do not.
func TestEmbedM4AKeepsFreeform(t *testing.T) {
	src := readFile(t, "testdata/tone.m4a")
	f, err := openM4A(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	last := f.tops[len(f.tops)-1]
	if last.typ != "moov" {
		t.Fatalf("tone.m4a ends with %s, want moov (then a new moov moves no chunk)", last.typ)
	}
	ilst := f.moov.path("udta", "meta", "ilst")
	if ilst == nil {
		t.Fatal("tone.m4a has no ilst")
	}
	smpb := " 00000000 00000840 000001C0 0000000000040DC0"
	ilst.children = append(ilst.children, container("----",
		leaf("mean", []byte("\x00\x00\x00\x00com.apple.iTunes")),
		leaf("name", []byte("\x00\x00\x00\x00iTunSMPB")),
		leaf("data", append([]byte{0, 0, 0, 1, 0, 0, 0, 0}, smpb...))))
	var moov bytes.Buffer
	w := bufio.NewWriter(&moov)
	f.moov.writeTo(w)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(t.TempDir(), "smpb.m4a")
	if err := os.WriteFile(in, slices.Concat(src[:last.off], moov.Bytes()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ := embedFile(t, in, t.TempDir(), Tags{Title: "New"}, nil)
	const script = `
import sys, json
from mutagen.mp4 import MP4
t = MP4(sys.argv[1]).tags
print(json.dumps({k: (bytes(v[0]).decode() if k.startswith('----') else str(v[0])) for k, v in t.items()}))
`
	var got map[string]string
	if err := json.Unmarshal(run(t, mutagenPython(t), "-c", script, out), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"©nam": "New", "----:com.apple.iTunes:iTunSMPB": smpb}
	if !maps.Equal(got, want) {
		t.Errorf("mutagen reads %q, want %q (the source's ©nam and ©too replaced, iTunSMPB kept)", got, want)
	}
}
