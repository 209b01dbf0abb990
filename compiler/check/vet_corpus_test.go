package check_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/compiler/check"
	"github.com/svcgen/svcgen/compiler/diag"
)

// TestVetCorpus compiles every catalog of testdata/vet in memory, with
// every rule, as `svcgen vet` does. The corpus has a directory per rule,
// named after its ID, holding catalogs that must trigger the rule and near
// misses (files named ok*.txtar) that must pass clean. Each file holds a
// catalog under catalog/ and, in its "want" section, exactly what vet
// prints for it from the catalog's parent directory (empty for a near
// miss). SVCGEN_UPDATE=1 rewrites the want sections (review them like
// code).
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
				t.Parallel()
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
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	var want []byte
	for _, f := range ar.Files {
		if f.Name == "want" {
			want = f.Data
			continue
		}
		if !strings.HasPrefix(f.Name, "catalog/") {
			t.Fatalf("file %s is not under catalog/", f.Name)
		}
		fsys[f.Name] = &fstest.MapFile{Data: f.Data, Mode: 0o644}
	}
	c, diags, err := compiler.Compile(compiler.Config{FS: fsys, Dir: "catalog"})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := diag.Write(&out, diags, diag.Text, ""); err != nil {
		t.Fatal(err)
	}
	got := out.String()

	if os.Getenv("SVCGEN_UPDATE") != "" {
		found := false
		for i := range ar.Files {
			if ar.Files[i].Name == "want" {
				ar.Files[i].Data, found = []byte(got), true
			}
		}
		if !found {
			ar.Files = append(ar.Files, txtar.File{Name: "want", Data: []byte(got)})
		}
		if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		want = []byte(got)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("vet prints (-want +got):\n%s", diff)
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
	// vet exits 1 on an unsuppressed error, and does so exactly when the
	// compiler returns no model; --strict also on a warning.
	if diags.Errors() != errors || (c == nil) != (errors > 0) {
		t.Errorf("%d errors and a model: %v, for %d errors printed", diags.Errors(), c != nil, errors)
	}
	if diags.Errors()+diags.Warnings() != findings {
		t.Errorf("%d errors and %d warnings, for %d findings printed", diags.Errors(), diags.Warnings(), findings)
	}
}
