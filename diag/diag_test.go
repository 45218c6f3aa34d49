package diag

import (
	"encoding/json"
	"testing"
)

func TestStringSortAndJSON(t *testing.T) {
	l := List{
		NewWarning(7, "add a first note at 0:00:00", "the first chapter starts at %s", "00:01:00"),
		NewError(3, "", "date %q is not a date", "2024-02-30"),
	}.InFile("episodes/ep.md")
	l = append(l, Diagnostic{File: "config.yaml", Severity: Error, Message: "no title"})
	l.Sort()
	want := []string{
		"config.yaml: error: no title",
		`episodes/ep.md:3: error: date "2024-02-30" is not a date`,
		"episodes/ep.md:7: warning: the first chapter starts at 00:01:00; add a first note at 0:00:00",
	}
	for i, d := range l {
		if d.String() != want[i] {
			t.Errorf("%d: %q, want %q", i, d.String(), want[i])
		}
	}
	if !l.HasErrors() || (List{NewWarning(1, "", "w")}).HasErrors() {
		t.Error("HasErrors is wrong")
	}
	data, _ := json.Marshal(l[1])
	if string(data) != `{"file":"episodes/ep.md","line":3,"severity":"error","message":"date \"2024-02-30\" is not a date"}` {
		t.Errorf("json: %s", data)
	}
}

// TestGitHub: the workflow-command form of a diagnostic, with the escapes
// GitHub's runner expects (issue 10, item 5).
func TestGitHub(t *testing.T) {
	for _, tc := range []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{File: "episodes/episode-0002.md", Line: 29, Severity: Warning, Message: "timestamp 00:38:00 is out of order", Hint: "fix it"},
			"::warning file=episodes/episode-0002.md,line=29::timestamp 00:38:00 is out of order; fix it"},
		{Diagnostic{File: "a,b:c.md", Severity: Error, Message: "100% broken\nreally"},
			"::error file=a%2Cb%3Ac.md::100%25 broken%0Areally"},
	} {
		if got := tc.d.GitHub(); got != tc.want {
			t.Errorf("%+v:\ngot  %s\nwant %s", tc.d, got, tc.want)
		}
	}
}
