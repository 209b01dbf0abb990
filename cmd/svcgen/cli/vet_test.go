package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/compiler/check"
	"github.com/svcgen/svcgen/examples"
	"github.com/svcgen/svcgen/examples/synth"
)

// `svcgen vet --list-rules` prints every registered rule, one a line in ID
// order: its ID, its severity and its one-line doc, in aligned columns.
func TestListRules(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"vet", "--list-rules"}, &stdout, &stderr); code != ExitOK || stderr.Len() != 0 {
		t.Fatalf("exit code %d, stderr %q", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	rules := check.All()
	if len(lines) != len(rules) {
		t.Fatalf("%d lines for %d rules:\n%s", len(lines), len(rules), stdout.String())
	}
	kebab := regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	line := regexp.MustCompile(`^(\S+) +(error|warning) +(\S.*)$`)
	docColumn := -1
	for i, r := range rules {
		if !kebab.MatchString(r.ID) {
			t.Errorf("rule ID %q is not kebab-case", r.ID)
		}
		switch r.ID {
		case compiler.RuleLoad, compiler.RuleSchema, check.RuleIgnore:
			t.Errorf("rule ID %q is taken by the compiler's own diagnostics", r.ID)
		}
		if i > 0 && rules[i-1].ID >= r.ID {
			t.Errorf("rules out of order: %s before %s", rules[i-1].ID, r.ID)
		}
		if r.Doc == "" || strings.ContainsAny(r.Doc, "\n") || strings.HasSuffix(r.Doc, ".") {
			t.Errorf("rule %s: the doc must be one line without a final period: %q", r.ID, r.Doc)
		}
		m := line.FindStringSubmatch(lines[i])
		if m == nil || m[1] != r.ID || m[2] != r.Severity.String() || m[3] != r.Doc {
			t.Errorf("line %d is %q, want %s, %s and its doc", i+1, lines[i], r.ID, r.Severity)
			continue
		}
		col := strings.Index(lines[i], r.Doc)
		if docColumn >= 0 && col != docColumn {
			t.Errorf("line %d: the doc starts at column %d, not %d", i+1, col, docColumn)
		}
		docColumn = col
	}
}

// The README's table of what vet checks names every rule.
func TestREADMEListsRules(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(examples.Root(), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range check.All() {
		if !strings.Contains(string(data), "`"+r.ID+"`") {
			t.Errorf("README.md does not mention rule %s", r.ID)
		}
	}
}

// The examples, and the synthetic catalogs the benchmarks use, pass every
// rule without a warning.
func TestExamplesAreClean(t *testing.T) {
	dirs := map[string]string{"synth": t.TempDir()}
	if err := synth.Write(dirs["synth"], 60); err != nil {
		t.Fatal(err)
	}
	for _, name := range examples.Names() {
		dirs[name] = examples.Dir(name)
	}
	for name, dir := range dirs {
		var stdout, stderr bytes.Buffer
		if code := Main([]string{"vet", "--strict", dir}, &stdout, &stderr); code != ExitOK || stdout.Len()+stderr.Len() > 0 {
			t.Errorf("%s: exit code %d\n%s%s", name, code, stdout.String(), stderr.String())
		}
	}
}
