package webvtt

import "testing"

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"Q&A":             "Q&amp;A",
		"x < y > z":       "x &lt; y > z",
		"&amp; already":   "&amp;amp; already",
		"plain, مرحبا":    "plain, مرحبا",
		"<b>not bold</b>": "&lt;b>not bold&lt;/b>",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}
