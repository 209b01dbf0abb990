package sloth_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/interop/sloth"
)

// TestReadmeMigration: the README's before/after of a Sloth spec is what
// the import writes (the service file, without its two header lines).
func TestReadmeMigration(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## Migrating from Sloth and OpenSLO")
	if !ok {
		t.Fatal("no migration section in the README")
	}
	block := regexp.MustCompile("(?ms)^```(yaml|cue)\\n(.*?)^```$")
	m := block.FindAllStringSubmatch(section, 2)
	if len(m) != 2 || m[0][1] != "yaml" || m[1][1] != "cue" {
		t.Fatalf("want a yaml block (before) then a cue block (after), found %d blocks", len(m))
	}
	specs, err := sloth.Parse("api.yml", []byte(m[0][2]))
	if err != nil {
		t.Fatal(err)
	}
	r := sloth.Import(specs)
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	files, err := r.Catalog.Files()
	if err != nil {
		t.Fatal(err)
	}
	name := specs[0].Service + ".cue"
	got := string(files[name])
	// The header comment and the package clause are not shown.
	if _, rest, ok := strings.Cut(got, "package catalog\n\n"); ok {
		got = rest
	}
	if got != m[1][2] {
		t.Errorf("the README's after differs from what the import writes into %s:\n%s", name, got)
	}
}
