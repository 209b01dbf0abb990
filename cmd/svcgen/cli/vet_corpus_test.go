package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/svcgen/svcgen/compiler/check"
)

// TestVetCorpus runs `svcgen vet` on every catalog of testdata/vet. The
// corpus has a directory per rule, named after its ID, holding catalogs that
// must trigger the rule and near misses (files named ok*.txtar) that must
// pass clean. Each file holds a catalog under catalog/ and, in its "want"
// section, exactly what vet prints (empty for a near miss). The exit code
// follows: 1 when an unsuppressed error is printed, else 0, and 1 under
// --strict when anything is. SVCGEN_UPDATE=1 rewrites the want sections
// (review them like code).
func TestVetCorpus(t *testing.T) {
	dirs, err := filepath.Glob("testdata/vet/*")
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, r := range check.All() {
		known[r.ID] = true
	}
	bad, ok := map[string]int{}, map[string]int{}
	total := 0
	for _, dir := range dirs {
		rule := filepath.Base(dir)
		if !known[rule] {
			t.Errorf("testdata/vet/%s names no rule", rule)
			continue
		}
		paths, _ := filepath.Glob(filepath.Join(dir, "*.txtar"))
		for _, path := range paths {
			nearMiss := strings.HasPrefix(filepath.Base(path), "ok")
			if nearMiss {
				ok[rule]++
			} else {
				bad[rule]++
			}
			total++
			t.Run(rule+"/"+strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
				runVetCase(t, path, rule, nearMiss)
			})
		}
	}
	for _, r := range check.All() {
		if bad[r.ID] == 0 {
			t.Errorf("rule %s has no catalog in testdata/vet/%s that triggers it", r.ID, r.ID)
		}
		if ok[r.ID] == 0 {
			t.Errorf("rule %s has no near miss (testdata/vet/%s/ok*.txtar)", r.ID, r.ID)
		}
	}
	if total < 2*len(check.All()) {
		t.Errorf("only %d catalogs in testdata/vet", total)
	}
}

// findingLine is the first line of a printed diagnostic (related positions
// follow it, indented).
var findingLine = regexp.MustCompile(`^\S+:\d+:\d+: (error|warning): .* \[([a-z0-9-]+)\]$`)

func runVetCase(t *testing.T, path, rule string, nearMiss bool) {
	abs, _ := filepath.Abs(path)
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	var want []byte
	for _, f := range ar.Files {
		if f.Name == "want" {
			want = f.Data
			continue
		}
		if !strings.HasPrefix(f.Name, "catalog/") {
			t.Fatalf("file %s is not under catalog/", f.Name)
		}
		p := filepath.Join(work, f.Name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(work)
	var stdout, stderr bytes.Buffer
	code := Main([]string{"vet", "catalog"}, &stdout, &stderr)

	if os.Getenv("SVCGEN_UPDATE") != "" {
		found := false
		for i := range ar.Files {
			if ar.Files[i].Name == "want" {
				ar.Files[i].Data, found = stdout.Bytes(), true
			}
		}
		if !found {
			ar.Files = append(ar.Files, txtar.File{Name: "want", Data: stdout.Bytes()})
		}
		if err := os.WriteFile(abs, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		want = stdout.Bytes()
	}
	if diff := cmp.Diff(string(want), stdout.String()); diff != "" {
		t.Errorf("stdout (-want +got):\n%s", diff)
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr: %s", stderr.String())
	}

	errors, findings, ofRule := 0, 0, 0
	for _, line := range strings.Split(string(want), "\n") {
		m := findingLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		findings++
		if m[1] == "error" {
			errors++
		}
		if m[2] == rule {
			ofRule++
		}
	}
	switch {
	case nearMiss && len(want) != 0:
		t.Errorf("a near miss of %s must pass clean", rule)
	case !nearMiss && ofRule == 0:
		t.Errorf("no finding of %s", rule)
	}
	wantCode := ExitOK
	if errors > 0 {
		wantCode = ExitFindings
	}
	if code != wantCode {
		t.Errorf("exit code %d, want %d", code, wantCode)
	}
	// --strict fails on warnings too.
	stdout.Reset()
	code = Main([]string{"vet", "--strict", "catalog"}, &stdout, &stderr)
	wantCode = ExitOK
	if findings > 0 {
		wantCode = ExitFindings
	}
	if code != wantCode {
		t.Errorf("--strict: exit code %d, want %d", code, wantCode)
	}
}
