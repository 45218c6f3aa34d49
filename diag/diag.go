// Package diag holds the positioned problems that castfeed reports about a
// show's own files: what `castfeed lint` prints and what a build logs.
//
// It is modelled on go/scanner's Error and ErrorList: a position, a message
// and, where we know one, a hint that tells the volunteer how to fix it.
package diag

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Severity says whether a problem stops an episode from being published
// (Error) or is repaired and only reported (Warning).
type Severity int

const (
	Warning Severity = iota
	Error
)

// String returns "warning" or "error", the words lint prints.
func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// MarshalText lets JSON output carry the same words as the text output.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Diagnostic is one problem at one place. Line is 1-based; 0 means the
// problem concerns the whole file.
type Diagnostic struct {
	File     string   `json:"file"`
	Line     int      `json:"line,omitempty"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Hint     string   `json:"hint,omitempty"`
}

// String formats d as "file:line: severity: message; hint", the form
// editors and CI annotators recognise.
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d", d.Line)
	}
	fmt.Fprintf(&b, ": %s: %s", d.Severity, d.Message)
	if d.Hint != "" {
		b.WriteString("; ")
		b.WriteString(d.Hint)
	}
	return b.String()
}

// GitHub formats d as a GitHub Actions workflow command,
// "::warning file=…,line=…::message; hint", which the Actions runner
// turns into an annotation on the pull request's file and line.
func (d Diagnostic) GitHub() string {
	var b strings.Builder
	fmt.Fprintf(&b, "::%s file=%s", d.Severity, ghProperty.Replace(d.File))
	if d.Line > 0 {
		fmt.Fprintf(&b, ",line=%d", d.Line)
	}
	b.WriteString("::")
	msg := d.Message
	if d.Hint != "" {
		msg += "; " + d.Hint
	}
	b.WriteString(ghData.Replace(msg))
	return b.String()
}

// The escapes of workflow commands (as in the Actions toolkit's
// command.ts): data escapes %, CR and LF; properties also : and ,.
var (
	ghData     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	ghProperty = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// NewError is shorthand for an Error diagnostic without a file; the caller
// that knows the file fills it in (see List.InFile).
func NewError(line int, hint, format string, args ...any) Diagnostic {
	return Diagnostic{Line: line, Severity: Error, Message: fmt.Sprintf(format, args...), Hint: hint}
}

// NewWarning is shorthand for a Warning diagnostic without a file.
func NewWarning(line int, hint, format string, args ...any) Diagnostic {
	return Diagnostic{Line: line, Severity: Warning, Message: fmt.Sprintf(format, args...), Hint: hint}
}

// List is an ordered collection of diagnostics. It implements error so a
// whole list can be returned where one error is expected.
type List []Diagnostic

// HasErrors reports whether any diagnostic in l is an Error.
func (l List) HasErrors() bool {
	return slices.ContainsFunc(l, func(d Diagnostic) bool { return d.Severity == Error })
}

// InFile returns a copy of l with File set on every diagnostic.
func (l List) InFile(file string) List {
	out := slices.Clone(l)
	for i := range out {
		out[i].File = file
	}
	return out
}

// Sort orders l by file, then line, keeping the order of equal positions.
func (l List) Sort() {
	slices.SortStableFunc(l, func(a, b Diagnostic) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
}

// Error joins the diagnostics one per line.
func (l List) Error() string {
	s := make([]string, len(l))
	for i, d := range l {
		s[i] = d.String()
	}
	return strings.Join(s, "\n")
}
