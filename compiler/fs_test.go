package compiler_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/compiler/compilertest"
)

const fsBase = `package catalog

settings: alerting: defaultReceiver: team: "web"
teams: web: receivers: slack: {channel: "#web", apiURLFile: "/etc/slack"}
`

const fsService = `package catalog

services: hello: {team: "web", tier: "low", image: "r.example.com/hello:1.0.0"}
`

// errorLines compiles cfg and returns its diagnostics one a line, failing
// when the compiler fails as a tool.
func errorLines(t *testing.T, cfg compiler.Config) (bool, string) {
	t.Helper()
	c, diags, err := compiler.Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, d := range diags {
		lines = append(lines, d.String())
	}
	return c != nil, strings.Join(lines, "\n")
}

// A catalog in a directory of an fs.FS is named by its path there.
func TestCompileFromFS(t *testing.T) {
	t.Parallel()
	fsys := compilertest.FS(map[string]string{
		"repo/catalog/base.cue":     fsBase,
		"repo/catalog/services.cue": strings.Replace(fsService, `"low"`, `"gold"`, 1),
		"repo/other.cue":            "not even CUE",
	})
	ok, got := errorLines(t, compiler.Config{FS: fsys, Dir: "repo/catalog"})
	want := `repo/catalog/services.cue:3:38: error: tier: "gold" is not one of critical, high, medium, low [schema]`
	if ok || got != want {
		t.Errorf("got %v\n%s\nwant\n%s", ok, got, want)
	}
	for _, dir := range []string{"../x", "/repo", "repo/missing"} {
		if _, _, err := compiler.Compile(compiler.Config{FS: fsys, Dir: dir}); err == nil {
			t.Errorf("Dir %q: no error", dir)
		}
	}
}

// A catalog that imports a package of its module reads cue.mod/ and the
// package from the same file system; the package's directory below the
// catalog is part of the build, any other .cue file below it is refused.
func TestModuleImportFromFS(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"cue.mod/module.cue": "module: \"example.com/cat@v0\"\nlanguage: version: \"v0.12.0\"\n",
		"lib/lib.cue":        "package lib\n\nimage: \"r.example.com/hello:1.0.0\"\n",
		"base.cue":           fsBase,
		"services.cue": `package catalog

import "example.com/cat/lib"

services: hello: {team: "web", tier: "low", image: lib.image}
`,
	}
	c := compilertest.MustCompile(t, files)
	if img := c.Service("hello").Image; img != "r.example.com/hello:1.0.0" {
		t.Errorf("image %q, not the imported one", img)
	}
	files["services/more.cue"] = fsService
	_, diags := compilertest.Compile(t, compiler.Config{}, files)
	if len(diags) != 1 || diags[0].Pos.String() != "services/more.cue:1:1" || !strings.Contains(diags[0].Message, "subdirectories") {
		t.Errorf("diagnostics:\n%s", compilertest.Lines(diags))
	}
}

// Every .cue file below the catalog directory is loaded or refused, never
// skipped without a word; what CUE itself never looks at is left alone.
func TestNestedFiles(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"base.cue":                    fsBase,
		"services.cue":                fsService,
		"more/payments.cue":           fsService,
		"more/deep/x.cue":             "package other\n",
		"more/notes.txt":              "not CUE",
		"_drafts/x.cue":               fsService,
		".git/x.cue":                  fsService,
		"testdata/x.cue":              fsService,
		"cue.mod/module.cue":          "module: \"example.com/cat@v0\"\nlanguage: version: \"v0.12.0\"\n",
		"vendored/cue.mod/module.cue": "module: \"example.com/v@v0\"\nlanguage: version: \"v0.12.0\"\n",
		"vendored/v.cue":              "package v\n",
	}
	c, diags := compilertest.Compile(t, compiler.Config{}, files)
	got := compilertest.Lines(diags)
	const msg = "error: svcgen does not load .cue files in subdirectories of the catalog directory . (like cue, it loads one directory as one package), so what this file declares would not exist: move it into ., or out of it [load]"
	want := "\tmore/deep/x.cue:1:1: " + msg + "\n\tmore/payments.cue:1:1: " + msg + "\n"
	if c != nil || got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// A file past the size cap is refused at its position, whatever it holds.
func TestFileSizeCap(t *testing.T) {
	t.Parallel()
	fsys := compilertest.FS(map[string]string{"base.cue": fsBase, "services.cue": fsService})
	fsys["big.cue"] = &fstest.MapFile{Data: []byte("package catalog\n" + strings.Repeat("// padding\n", 100))}
	ok, got := errorLines(t, compiler.Config{FS: fsys, MaxFileSize: 1 << 10})
	want := "big.cue:1:1: error: the file is 1116 bytes, larger than 1 KiB, the most svcgen reads of one .cue file: split it into several files [load]"
	if ok || got != want {
		t.Errorf("got %v\n%s\nwant\n%s", ok, got, want)
	}
	if ok, got := errorLines(t, compiler.Config{FS: fsys, MaxFileSize: 2 << 10}); !ok {
		t.Errorf("under the cap: %s", got)
	}
}

// @embed would read files past those checks: it is refused where written.
func TestEmbedRefused(t *testing.T) {
	t.Parallel()
	ok, got := errorLines(t, compiler.Config{FS: compilertest.FS(map[string]string{
		"base.cue": fsBase,
		"services.cue": `@extern(embed)

package catalog

services: hello: {
	team: "web", tier: "low", image: "r.example.com/hello:1.0.0"
	description: _ @embed(file="/etc/passwd", type=text)
}
`,
	})})
	want := `services.cue:1:1: error: @extern(embed): svcgen does not embed files into the catalog (it reads only the catalog's own .cue files): remove the attribute and write the values in the catalog [load]
services.cue:7:17: error: @embed: svcgen does not embed files into the catalog (it reads only the catalog's own .cue files): write the value in the catalog instead [load]`
	if ok || got != want {
		t.Errorf("got %v\n%s\nwant\n%s", ok, got, want)
	}
}
