package diag

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/catalog"
)

// A flood of diagnostics prints the first MaxShown and a line saying how
// many more there are; JSON keeps every one.
func TestWriteCapsTheFlood(t *testing.T) {
	var l List
	for i := range MaxShown + 50 {
		l.Errorf(catalog.Pos{Filename: "/c/a.cue", Line: i + 1, Column: 1}, "schema", "bad %d", i)
	}
	l.Warnf(catalog.Pos{Filename: "/c/a.cue", Line: 1000, Column: 1}, "rule", "also")
	l = l.Sort()

	var text strings.Builder
	if err := Write(&text, l, Text, "/c"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(text.String(), "\n"), "\n")
	if len(lines) != MaxShown+1 {
		t.Fatalf("%d lines, want %d", len(lines), MaxShown+1)
	}
	if lines[0] != "a.cue:1:1: error: bad 0 [schema]" || lines[MaxShown-1] != fmt.Sprintf("a.cue:%d:1: error: bad %d [schema]", MaxShown, MaxShown-1) {
		t.Errorf("first and last shown: %q, %q", lines[0], lines[MaxShown-1])
	}
	want := "svcgen: 51 more not shown (150 errors and 1 warning in all; --format json lists every one): fix the first ones, they often cause the rest"
	if lines[MaxShown] != want {
		t.Errorf("last line %q, want %q", lines[MaxShown], want)
	}

	var gh strings.Builder
	if err := Write(&gh, l, GitHub, "/c"); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(gh.String(), "\n"); n != MaxShown+1 || !strings.Contains(gh.String(), "::notice title=svcgen::svcgen: 51 more not shown") {
		t.Errorf("GitHub: %d lines:\n%s", n, gh.String()[max(0, gh.Len()-300):])
	}

	var js strings.Builder
	if err := Write(&js, l, JSON, "/c"); err != nil {
		t.Fatal(err)
	}
	var out struct{ Diagnostics []json.RawMessage }
	if err := json.Unmarshal([]byte(js.String()), &out); err != nil || len(out.Diagnostics) != len(l) {
		t.Errorf("JSON holds %d of %d (%v)", len(out.Diagnostics), len(l), err)
	}

	// At the cap, nothing is left out and nothing said.
	var exact strings.Builder
	Write(&exact, l[:MaxShown], Text, "/c")
	if strings.Contains(exact.String(), "more not shown") {
		t.Error("a list of MaxShown says more were left out")
	}
}
