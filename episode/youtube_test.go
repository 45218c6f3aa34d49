package episode

import (
	"strings"
	"testing"
)

func TestVideoID(t *testing.T) {
	const id = "Ab3_-xYz09Q"
	for _, tc := range []struct{ in, want string }{
		{"https://www.youtube.com/watch?v=" + id, id},
		{"https://www.youtube.com/watch?v=" + id + "&t=42s", id},
		{"https://www.youtube.com/watch?v=" + id + "&list=PL0123&index=3", id},
		{"https://www.youtube.com/watch?v=" + id + "&ab_channel=Show", id},
		{"https://www.youtube.com/watch?si=share&v=" + id, id},
		{"https://www.youtube.com/watch?feature=share&v=" + id + "&t=1h2m", id},
		{"https://www.youtube.com/watch/?v=" + id, id},
		{"https://youtu.be/" + id, id},
		{"https://youtu.be/" + id + "?si=5QnDE6RCcNOB", id},
		{"https://youtu.be/" + id + "?t=30", id},
		{"https://www.youtube.com/live/" + id + "?si=abc", id},
		{"https://youtube.com/live/" + id + "?feature=share", id},
		{"https://www.youtube.com/embed/" + id + "?start=10", id},
		{"https://www.youtube-nocookie.com/embed/" + id, id},
		{"https://youtube.com/shorts/" + id, id},
		{"https://www.youtube.com/shorts/" + id + "/", id},
		{"https://www.youtube.com/v/" + id + "?version=3", id},
		{"https://m.youtube.com/watch?v=" + id, id},
		{"https://music.youtube.com/watch?v=" + id + "&list=RD", id},
		{"http://www.youtube.com/watch?v=" + id, id},
		{"//www.youtube.com/watch?v=" + id, id},
		{"www.youtube.com/watch?v=" + id, id},
		{"youtu.be/" + id, id},
		{"HTTPS://WWW.YOUTUBE.COM/watch?v=" + id, id},
		{"<https://youtu.be/" + id + ">", id},
		{"  https://youtu.be/" + id + "  ", id},
		{id, id},

		{"https://www.youtube.com/live/", ""},
		{"https://www.youtube.com/watch?v=short", ""},
		{"https://www.youtube.com/watch?v=" + id + "X", ""},
		{"https://www.youtube.com/watch?list=PL0123", ""},
		{"https://www.youtube.com/watch?v=Ab3_-xYz09!", ""},
		{"https://www.youtube.com/channel/UC1234567890", ""},
		{"https://www.youtube.com/@show", ""},
		{"https://www.youtube.com/", ""},
		{"https://vimeo.com/123456789", ""},
		{"https://youtube.com.evil.example/watch?v=" + id, ""},
		{"https://evil.example/youtu.be/" + id, ""},
		{"javascript://youtu.be/" + id, ""},
		{"ftp://youtu.be/" + id, ""},
		{"not a url at all", ""},
		{"", ""},
		{"https://youtu.be/%zz", ""},
	} {
		got, ok := VideoID(tc.in)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("VideoID(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
}

// FuzzYouTubeID: whatever is pasted, an id is 11 safe characters; and
// an id found in one form of link is found in all the others.
func FuzzYouTubeID(f *testing.F) {
	for _, s := range []string{
		"https://www.youtube.com/live/Ab3_-xYz09Q?si=5", "youtu.be/Ab3_-xYz09Q", "https://www.youtube.com/watch?v=Ab3_-xYz09Q&t=1",
		"https://m.youtube.com/shorts/Ab3_-xYz09Q/", "Ab3_-xYz09Q", "//youtube-nocookie.com/embed/x", "https://youtu.be/%zz",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, ok := VideoID(s)
		if !ok {
			if id != "" {
				t.Fatalf("VideoID(%q) = %q but not ok", s, id)
			}
			return
		}
		if !isVideoID(id) {
			t.Fatalf("VideoID(%q) = %q, not an id", s, id)
		}
		for _, form := range []string{
			"https://www.youtube.com/watch?v=%s", "https://www.youtube.com/watch?v=%s&t=42s&list=PL1", "https://youtu.be/%s?si=x",
			"https://www.youtube.com/live/%s?si=x", "https://www.youtube.com/embed/%s", "https://youtube.com/shorts/%s",
			"https://m.youtube.com/watch?v=%s", "https://music.youtube.com/watch?v=%s", "https://www.youtube-nocookie.com/embed/%s",
		} {
			u := strings.ReplaceAll(form, "%s", id)
			if got, ok := VideoID(u); !ok || got != id {
				t.Fatalf("VideoID(%q) = %q, %v; want %q (found in %q)", u, got, ok, id, s)
			}
		}
	})
}
