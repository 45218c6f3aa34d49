// Package site writes the show's own web pages: the show (index.html
// with the newest episodes, and archive pages page/K/index.html numbered
// from the oldest, see Site.ShowPages), one page per episode
// (episodes/<slug>/index.html) with a player that navigates chapters and
// follows the transcript, and a compact player per episode for other
// sites' iframes (episodes/<slug>/embed.html).
//
// The model is ours (Show, Episode, Entry); the pipeline fills it.
// Every title, name, cue and URL from outside is escaped as html/template
// escapes it: the show's pages are html/template (templates/index.html,
// embedded, parsed once by New); an episode's pages and entry, tens of
// thousands in a large show, are written by hand with html/template's own
// escapers, which is ten times cheaper (see html.go; FuzzEscapers holds
// them to html/template's output). Only Episode.NotesHTML, which the
// episode package has already sanitised, is inserted as HTML.
//
// One stylesheet and one script serve every page. They are embedded and
// written under assets/ with a hash of their content in the name, so a
// host may cache them forever and a new version is a new URL. No
// framework, font, third-party script or CDN is loaded, and every page is
// complete without JavaScript: chapters and transcript are plain lists of
// #t=SECONDS links; the script only adds seeking, highlighting and
// copying on top.
//
// Output depends on the input only (no clock, no map order), so the same
// show gives byte-identical pages and an unchanged page is not
// republished.
package site
