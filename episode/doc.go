// Package episode reads one show-notes file: YAML front matter between
// --- lines, then a Markdown body whose sections (## Guests, ## Notes,
// ## Links, ## Prepared and Presented by) come in any order and any
// spelling volunteers use. It returns an Episode whose people, notes and
// links keep the file lines they came from, and every problem as a
// diag.Diagnostic at its line in the file, worded for the volunteers who
// write show notes.
//
// Parse first reads the file faithfully (front-matter fields with their
// lines, sections with their lines) and then converts the fields into
// typed values, so that a wrong type or an absurd value is reported at
// the key that holds it. Derived values (GUID defaults, chapters,
// enclosures) are left to later stages.
//
// Only this package and internal/config import the YAML library.
package episode
