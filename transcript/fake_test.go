package transcript

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// fakeYouTube speaks the part of YouTube that kkdai/youtube calls: the
// home page (visitor data), the innertube player and get_transcript
// endpoints, and caption tracks. The real library code runs against it:
// tests inject it through Fetcher.HTTPClient, whose transport sends every
// request, whatever its host, to this server.
type fakeYouTube struct {
	t      testing.TB
	server *httptest.Server

	mu       sync.Mutex
	videos   map[string]*fakeVideo
	requests map[string]int // by path
	cookies  []string       // Cookie headers seen
	// failNext answers the next n requests with this status (429: rate
	// limited).
	failNext   int
	failStatus int
	// hang makes every request wait until the client gives up.
	hang bool

	// Audio streams (/videoplayback): the Range headers asked, how many
	// bytes each write sends (0: all at once; a small number throttles),
	// and cutAfter, which closes the next stream answer's connection
	// after that many bytes (0: never).
	ranges      []string
	writeSize   int
	cutAfter    int64
	streamFails int // the next n stream requests get streamStatus
	streamCode  int
	// stallAfter makes the next stream answer send that many bytes, then
	// nothing until the client gives up (0: never).
	stallAfter int64
}

type fakeVideo struct {
	status      string // playabilityStatus.status; "" means OK
	reason      string
	publishDate string
	tracks      []fakeTrack
	transcript  []fakeSegment // get_transcript answer; nil: none
	formats     []fakeFormat  // streamingData.adaptiveFormats; nil: none
}

// fakeFormat is one stream of a video. A format with a body is served at
// /videoplayback; contentLength, when set, is announced instead of the
// body's length.
type fakeFormat struct {
	itag                  int
	mime                  string
	channels              int
	width, height         int
	bitrate               int
	body                  []byte
	contentLength         int64
	ignoreRange, zeroBody bool
}

// audioFormat is YouTube's itag 140 serving body.
func audioFormat(body []byte) fakeFormat {
	return fakeFormat{itag: 140, mime: `audio/mp4; codecs="mp4a.40.2"`, channels: 2, bitrate: 130000, body: body}
}

type fakeTrack struct {
	lang, kind string // kind "asr" for automatic captions
	body       string // the WebVTT served; "" is the empty 200 YouTube sends without a PO token
}

type fakeSegment struct {
	startMs, endMs int
	text           string
}

func newFakeYouTube(t testing.TB) *fakeYouTube {
	f := &fakeYouTube{t: t, videos: map[string]*fakeVideo{}, requests: map[string]int{}}
	f.server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.server.Close)
	return f
}

// client returns an HTTP client whose requests all reach the fake.
func (f *fakeYouTube) client() *http.Client {
	target, _ := url.Parse(f.server.URL)
	return &http.Client{Transport: roundTripFunc(func(req *http.Request) (*http.Response, error) {
		r := req.Clone(req.Context())
		r.URL.Scheme, r.URL.Host = target.Scheme, target.Host
		r.Host = req.URL.Host
		return http.DefaultTransport.RoundTrip(r)
	})}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func (f *fakeYouTube) add(id string, v *fakeVideo) { f.mu.Lock(); f.videos[id] = v; f.mu.Unlock() }

// total is the number of requests the fake answered.
func (f *fakeYouTube) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.requests {
		n += c
	}
	return n
}

func (f *fakeYouTube) count(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[path]
}

func (f *fakeYouTube) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests[r.URL.Path]++
	if c := r.Header.Get("Cookie"); c != "" {
		f.cookies = append(f.cookies, c)
	}
	hang := f.hang
	fail := 0
	if f.failNext > 0 {
		f.failNext--
		fail = f.failStatus
	}
	f.mu.Unlock()
	if hang {
		<-r.Context().Done()
		return
	}
	if fail != 0 {
		http.Error(w, "Too Many Requests", fail)
		return
	}
	switch {
	case r.URL.Path == "/" || r.URL.Path == "":
		// The home page carries the visitor data the library sends back.
		io.WriteString(w, "<html><script>\nytcfg.set({\"INNERTUBE_CONTEXT\":{\"client\":{\"visitorData\":\"Cgt2aXNpdG9y\"}}});</script></html>")
	case r.URL.Path == "/youtubei/v1/player":
		f.player(w, r)
	case r.URL.Path == "/api/timedtext":
		f.timedText(w, r)
	case r.URL.Path == "/youtubei/v1/get_transcript":
		f.transcript(w, r)
	case strings.HasPrefix(r.URL.Path, "/embed/"):
		// The embed page names the player script kkdai/youtube reads
		// before it hands out a stream URL.
		io.WriteString(w, `<html><script src="/s/player/fake0001/player_ias.vflset/en_US/base.js"></script></html>`)
	case r.URL.Path == "/s/player/fake0001/player_ias.vflset/en_US/base.js":
		io.WriteString(w, "var fake=function(a){return a};")
	case r.URL.Path == "/videoplayback":
		f.stream(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeYouTube) video(id string) *fakeVideo {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.videos[id]
}

func (f *fakeYouTube) player(w http.ResponseWriter, r *http.Request) {
	var req struct {
		VideoID string `json:"videoId"`
	}
	json.NewDecoder(r.Body).Decode(&req)
	v := f.video(req.VideoID)
	if v == nil {
		answerJSON(w, map[string]any{"playabilityStatus": map[string]any{"status": "ERROR", "reason": "This video is unavailable"}})
		return
	}
	status := v.status
	if status == "" {
		status = "OK"
	}
	var tracks []map[string]any
	for _, tr := range v.tracks {
		t := map[string]any{
			"baseUrl":      fmt.Sprintf("https://www.youtube.com/api/timedtext?v=%s&lang=%s&kind=%s", req.VideoID, tr.lang, tr.kind),
			"languageCode": tr.lang,
			"name":         map[string]any{"simpleText": tr.lang},
		}
		if tr.kind != "" {
			t["kind"] = tr.kind
		}
		tracks = append(tracks, t)
	}
	resp := map[string]any{
		"playabilityStatus": map[string]any{"status": status, "reason": v.reason, "playableInEmbed": true},
		"videoDetails":      map[string]any{"videoId": req.VideoID, "title": "A video", "lengthSeconds": "3600"},
		"microformat":       map[string]any{"playerMicroformatRenderer": map[string]any{"publishDate": v.publishDate}},
		// Without a proof-of-origin token YouTube often sends no formats.
		"streamingData": map[string]any{},
	}
	if v.formats != nil {
		var fs []map[string]any
		for _, fm := range v.formats {
			n := fm.contentLength
			if n == 0 {
				n = int64(len(fm.body))
			}
			fs = append(fs, map[string]any{
				"itag": fm.itag, "mimeType": fm.mime, "bitrate": fm.bitrate, "audioChannels": fm.channels,
				"width": fm.width, "height": fm.height, "contentLength": fmt.Sprint(n),
				// No "v" parameter: nothing for the library to decipher.
				"url": fmt.Sprintf("https://rr1---sn-fake.googlevideo.com/videoplayback?id=%s&itag=%d", req.VideoID, fm.itag),
			})
		}
		resp["streamingData"] = map[string]any{"adaptiveFormats": fs}
	}
	if tracks != nil {
		resp["captions"] = map[string]any{"playerCaptionsTracklistRenderer": map[string]any{"captionTracks": tracks}}
	}
	answerJSON(w, resp)
}

func (f *fakeYouTube) timedText(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("fmt") != "vtt" {
		http.Error(w, "want fmt=vtt", http.StatusBadRequest)
		return
	}
	v := f.video(q.Get("v"))
	if v == nil {
		http.NotFound(w, r)
		return
	}
	for _, tr := range v.tracks {
		if tr.lang == q.Get("lang") && tr.kind == q.Get("kind") {
			io.WriteString(w, tr.body)
			return
		}
	}
	http.NotFound(w, r)
}

// transcript answers get_transcript in the Android shape the library
// parses. The request names the video inside a protobuf parameter; the
// fake serves the one video that has a transcript.
func (f *fakeYouTube) transcript(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	var segs []fakeSegment
	for _, v := range f.videos {
		if v.transcript != nil {
			segs = v.transcript
		}
	}
	f.mu.Unlock()
	if segs == nil {
		answerJSON(w, map[string]any{"actions": []any{}})
		return
	}
	var initial []any
	for _, s := range segs {
		initial = append(initial, map[string]any{"transcriptSegmentRenderer": map[string]any{
			"startMs": fmt.Sprint(s.startMs), "endMs": fmt.Sprint(s.endMs),
			"snippet":       map[string]any{"elementsAttributedString": map[string]any{"content": s.text}},
			"startTimeText": map[string]any{"elementsAttributedString": map[string]any{"content": "0:00"}},
		}})
	}
	answerJSON(w, map[string]any{"actions": []any{map[string]any{"elementsCommand": map[string]any{
		"transformEntityCommand": map[string]any{"arguments": map[string]any{"transformTranscriptSegmentListArguments": map[string]any{
			"overwrite": map[string]any{"initialSegments": initial}}}}}}}})
}

// stream serves a format's bytes, honouring "Range: bytes=N-".
func (f *fakeYouTube) stream(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.ranges = append(f.ranges, r.Header.Get("Range"))
	cut, size, stall := f.cutAfter, f.writeSize, f.stallAfter
	f.cutAfter, f.stallAfter = 0, 0
	code := 0
	if f.streamFails > 0 {
		f.streamFails--
		code = f.streamCode
	}
	f.mu.Unlock()
	if code != 0 {
		http.Error(w, http.StatusText(code), code)
		return
	}
	v := f.video(r.URL.Query().Get("id"))
	if v == nil {
		http.NotFound(w, r)
		return
	}
	var fm *fakeFormat
	for i := range v.formats {
		if fmt.Sprint(v.formats[i].itag) == r.URL.Query().Get("itag") {
			fm = &v.formats[i]
		}
	}
	if fm == nil {
		http.NotFound(w, r)
		return
	}
	body := fm.body
	if fm.zeroBody {
		body = nil
	}
	var start int64
	if rg, ok := strings.CutPrefix(r.Header.Get("Range"), "bytes="); ok && !fm.ignoreRange {
		first, _, _ := strings.Cut(rg, "-")
		if _, err := fmt.Sscan(first, &start); err != nil || start > int64(len(body)) {
			http.Error(w, "bad range", http.StatusRequestedRangeNotSatisfiable)
			return
		}
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, len(body)-1, len(body)))
		w.Header().Set("Content-Length", fmt.Sprint(int64(len(body))-start))
		w.WriteHeader(http.StatusPartialContent)
	} else {
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	}
	rest := body[start:]
	if stall > 0 && stall < int64(len(rest)) {
		w.Write(rest[:stall])
		w.(http.Flusher).Flush()
		<-r.Context().Done()
		return
	}
	if cut > 0 && cut < int64(len(rest)) {
		// Fewer bytes than Content-Length: the server closes the
		// connection and the client sees the body end early.
		rest = rest[:cut]
	}
	for len(rest) > 0 {
		n := len(rest)
		if size > 0 && size < n {
			n = size
		}
		if _, err := w.Write(rest[:n]); err != nil {
			return
		}
		w.(http.Flusher).Flush()
		rest = rest[n:]
	}
}

func answerJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// vtt builds a WebVTT body from "start --> end|text" lines.
func vtt(cues ...string) string {
	var b strings.Builder
	b.WriteString("WEBVTT\nKind: captions\nLanguage: en\n\n")
	for _, c := range cues {
		times, text, _ := strings.Cut(c, "|")
		fmt.Fprintf(&b, "%s\n%s\n\n", times, text)
	}
	return b.String()
}
