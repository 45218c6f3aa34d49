// Package webvtt holds what castfeed's two WebVTT writers share: chapters
// (chapters.vtt) and transcripts (transcript.vtt) escape cue text by the
// same rule.
package webvtt

import "strings"

// escaper escapes what starts a tag ("<") or a character reference ("&")
// in cue text (W3C WebVTT, 4.2.2 "cue text"). ">" may stay as it is, and
// astisub would not read "&gt;" back.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;")

// Escape returns s safe as WebVTT cue text.
func Escape(s string) string { return escaper.Replace(s) }
