package draft_test

import (
	"testing"

	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"

	"github.com/svcgen/svcgen/interop/draft"
)

// TestFiles: names that are not CUE identifiers are quoted, a query over
// several lines stays a multi-line string unless it holds a backslash, and
// each file evaluates to the values put in.
func TestFiles(t *testing.T) {
	c := &draft.Catalog{From: "test", DefaultTeam: "web",
		Teams: []*draft.Team{{Name: "web", Receivers: []draft.Receiver{{Kind: "email", Fields: []draft.Field{{Name: "to", Value: "a@b.c"}}}}}},
		Services: []*draft.Service{{Name: "api-gw", Fields: []draft.Field{{Name: "tier", Value: "low"}, {Name: "port", Value: 8080}},
			SLOs: []*draft.SLO{{Name: "req-ok", Fields: []draft.Field{{Name: "objective", Value: draft.Number("99.95")}},
				ErrorQuery: "sum(\n  rate(e{a=\"x\"}[{{.window}}])\n)\n", TotalQuery: "sum(rate(t{re=~\"a\\\\.b\"}[{{.window}}]))\nor vector(0)"}}}},
	}
	files, err := c.Files()
	if err != nil {
		t.Fatal(err)
	}
	if got := draft.FileNames(files); len(got) != 3 || got[0] != "api-gw.cue" || got[1] != "settings.cue" || got[2] != "teams.cue" {
		t.Fatalf("files %v", got)
	}
	v := cuecontext.New().CompileBytes(files["api-gw.cue"])
	if err := v.Err(); err != nil {
		t.Fatalf("%v\n%s", err, files["api-gw.cue"])
	}
	slo := v.LookupPath(cueParse(`services."api-gw".slos."req-ok"`))
	for path, want := range map[string]string{
		"sli.errorQuery": "sum(\n  rate(e{a=\"x\"}[{{.window}}])\n)",
		"sli.totalQuery": "sum(rate(t{re=~\"a\\\\.b\"}[{{.window}}]))\nor vector(0)",
	} {
		got, err := slo.LookupPath(cueParse(path)).String()
		if err != nil || got != want {
			t.Errorf("%s = %q (%v), want %q", path, got, err, want)
		}
	}
	if obj, _ := slo.LookupPath(cueParse("objective")).Float64(); obj != 99.95 {
		t.Errorf("objective %v", obj)
	}
	if !contains(files["api-gw.cue"], "errorQuery: \"\"\"\n") || contains(files["api-gw.cue"], "totalQuery: \"\"\"") {
		t.Errorf("multi-line strings:\n%s", files["api-gw.cue"])
	}
}

func cueParse(p string) cue.Path { return cue.ParsePath(p) }

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }
