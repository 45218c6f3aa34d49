package episode

import (
	"testing"
	"unsafe"
)

// TestDetach: a detached episode keeps what choosing items needs, and no
// string of it points into the file's text, so the text can be freed.
func TestDetach(t *testing.T) {
	src := "---\ndate: 2024-03-01\ntitle: \"Detached: the title\"\nguid: ep-guid-1\nyoutube: https://www.youtube.com/watch?v=abcdefghijk\ncategory: Tech\naudio: https://media.example.org/a.mp3\naudio_type: audio/mpeg\nimage: https://example.org/a.png\n---\n\nThe summary.\n\n## Guests\n\n- [Guest](https://example.org/g)\n\n## Notes\n\n0:00:00 - Intro\n0:10:00 - More\n"
	ep, diags := NewReader().WithoutHTML().Parse("episode-0042.md", []byte(src))
	if ep == nil {
		t.Fatalf("not parsed: %v", diags)
	}
	text := unsafe.StringData(ep.Source)
	inText := func(s string) bool {
		if s == "" {
			return false
		}
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		return p >= uintptr(unsafe.Pointer(text)) && p < uintptr(unsafe.Pointer(text))+uintptr(len(ep.Source))
	}
	if !inText(ep.Title) {
		t.Fatal("the title does not share the text's memory: this test tests nothing")
	}
	line := ep.KeyLine("guid")
	want := *ep
	ep.Detach()

	if ep.Source != "" || ep.Summary != "" || ep.Guests != nil || ep.Notes != nil || ep.Body().text != "" || ep.Body().skip != nil {
		t.Errorf("detached episode still has its text or its body: %+v", ep)
	}
	for name, s := range map[string]string{"Slug": ep.Slug, "Title": ep.Title, "Category": ep.Category, "YouTube": ep.YouTube,
		"YouTubeID": ep.YouTubeID, "GUID": ep.GUID, "Audio": ep.Audio, "AudioType": ep.AudioType, "Image": ep.Image} {
		if inText(s) {
			t.Errorf("%s still points into the file's text", name)
		}
	}
	for _, k := range ep.keys {
		if inText(k.key) {
			t.Errorf("front-matter key %q still points into the file's text", k.key)
		}
	}
	if ep.Title != want.Title || ep.GUID != want.GUID || ep.YouTubeID != want.YouTubeID || ep.Image != want.Image ||
		!ep.Date.Equal(want.Date) || ep.Number != 42 || ep.KeyLine("guid") != line || line == 1 {
		t.Errorf("detached episode lost what items need: %+v, want %+v", ep, want)
	}
}
