package goclient_test

import (
	"bytes"
	"fmt"
	"go/format"
	"go/parser"
	"go/token"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/compiler/check"
	"github.com/svcgen/svcgen/compiler/compilertest"
	"github.com/svcgen/svcgen/emitters/emit"
	"github.com/svcgen/svcgen/emitters/goclient"
	"github.com/svcgen/svcgen/examples"
	"github.com/svcgen/svcgen/examples/synth"
)

// Every example's output: one package per service with dependencies, each
// file gofmt-clean, headed, and of the package its directory promises.
func TestEmittedGo(t *testing.T) {
	for _, name := range examples.Names() {
		t.Run(name, func(t *testing.T) {
			c := examples.Compile(t, name)
			files, err := goclient.Emitter{}.Emit(c)
			if err != nil {
				t.Fatal(err)
			}
			var paths, want []string
			for _, s := range c.Services {
				if len(s.Dependencies) > 0 {
					want = append(want, path.Join("go", s.Name, goclient.DependenciesFile))
				}
			}
			for _, f := range files {
				paths = append(paths, f.Path)
				checkGoFile(t, f, goclient.PackageName(path.Base(path.Dir(f.Path))))
			}
			if !slices.Equal(paths, want) {
				t.Errorf("emitted %v, want %v", paths, want)
			}
		})
	}
}

func checkGoFile(t *testing.T, f emit.File, pkg string) {
	t.Helper()
	if err := emit.CheckPath(f.Path); err != nil {
		t.Error(err)
	}
	if !bytes.HasPrefix(f.Data, []byte(goclient.Header+"\n\n")) {
		t.Errorf("%s does not start with %q and a blank line", f.Path, goclient.Header)
	}
	formatted, err := format.Source(f.Data)
	if err != nil {
		t.Errorf("%s does not parse: %v", f.Path, err)
		return
	}
	if !bytes.Equal(formatted, f.Data) {
		t.Errorf("%s is not gofmt-clean", f.Path)
	}
	file, err := parser.ParseFile(token.NewFileSet(), f.Path, f.Data, parser.PackageClauseOnly|parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	if file.Name.Name != pkg {
		t.Errorf("%s is package %s, want %s", f.Path, file.Name.Name, pkg)
	}
	// The header must not be read as the package documentation.
	if file.Doc != nil && strings.Contains(file.Doc.Text(), "DO NOT EDIT") {
		t.Errorf("%s: the generated-code header became the package doc", f.Path)
	}
}

// The same catalog gives the same bytes, whatever order it was built in.
func TestDeterministic(t *testing.T) {
	c := examples.Compile(t, "shop")
	first, err := goclient.Emitter{}.Emit(c)
	if err != nil {
		t.Fatal(err)
	}
	teams := slices.Clone(c.Teams)
	services := slices.Clone(c.Services)
	slices.Reverse(teams)
	slices.Reverse(services)
	for _, s := range services {
		slices.Reverse(s.Dependencies)
	}
	second, err := goclient.Emitter{}.Emit(catalog.New(c.Settings, teams, services))
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != len(second) {
		t.Fatalf("%d files, then %d", len(first), len(second))
	}
	for i := range first {
		if first[i].Path != second[i].Path || !bytes.Equal(first[i].Data, second[i].Data) {
			t.Errorf("%s differs between two builds", first[i].Path)
		}
	}
}

func TestPackageName(t *testing.T) {
	for _, tc := range []struct{ service, want string }{
		{"payment", "payment"},
		{"api-gateway", "apigateway"},
		{"order-v2", "orderv2"},
		{"2fa", "svc2fa"},
		{"func", "svcfunc"},
		{"go", "svcgo"},
		{"string", "svcstring"},
		{"error", "svcerror"},
		{"len", "svclen"},
		{"nil", "svcnil"},
		{"main", "svcmain"},
		{"init", "svcinit"},
	} {
		got := goclient.PackageName(tc.service)
		if got != tc.want {
			t.Errorf("PackageName(%q) = %q, want %q", tc.service, got, tc.want)
		}
		if !token.IsIdentifier(got) {
			t.Errorf("PackageName(%q) = %q is not an identifier", tc.service, got)
		}
	}
}

// Names that are keywords, predeclared identifiers, start with a digit or
// echo the runtime's own identifiers still give packages that compile.
const trickyCatalog = `package catalog

settings: {
	namespace: "edge"
	alerting: defaultReceiver: team: "web"
}
teams: web: receivers: slack: {channel: "#web", apiURLFile: "/etc/alertmanager/slack"}
services: "func": {
	team: "web", tier: "critical", image: "registry.example.com/func:1.0.0"
	dependencies: {
		"2fa": {}
		"string": {idempotent: false}
		"policy": {kind: "external", host: "syslog.example.com", protocol: "TLS", port: 6514}
		"error-db": {kind: "database", host: "db.example.com", protocol: "HTTP", port: 8123}
		"upload-api": {kind: "upload", host: "files.example.com", port: 8443}
		"guard": {kind: "cache", host: "cache.example.com"}
	}
}
services: "2fa": {
	team: "web", tier: "low", image: "registry.example.com/2fa:1.0.0"
	dependencies: "option": {kind: "external", host: "sms.example.com", breaker: {window: "time", failureRate: 12.5, slowCall: "750ms"}}
}
services: "string": {team: "web", tier: "low", image: "registry.example.com/string:1.0.0"}
`

func TestTrickyNamesCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go vet")
	}
	// Only the rule this emitter relies on: the catalog exists to stress
	// names, not to satisfy every other rule.
	rules := []*check.Rule{compilertest.Rule(t, "go-name-collision")}
	c, diags := compilertest.Compile(t, compiler.Config{Rules: rules}, compilertest.One(trickyCatalog))
	if c == nil {
		t.Fatalf("compile:\n%s", compilertest.Lines(diags))
	}
	files, err := goclient.Emitter{}.Emit(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		checkGoFile(t, f, goclient.PackageName(path.Base(path.Dir(f.Path))))
	}
	generated := map[string]string{}
	for _, f := range files {
		generated[f.Path] = string(f.Data)
	}
	for file, wants := range map[string][]string{
		"go/func/dependencies.go": {"package svcfunc", "func PolicyPolicy() Policy", "func NewPolicyGuard(", "func NewErrorDBClient(",
			"func NewUploadAPIClient(", "func NewX2faClient(", "func NewStringClient(", "func NewGuardGuard(",
			`BaseURL:    "https://files.example.com:8443"`, `BaseURL:    "http://2fa.edge.svc.cluster.local:8080"`},
		"go/2fa/dependencies.go": {"package svc2fa", "func NewOptionClient(", "FailureRate:   0.125,", "SlowCall:      750 * time.Millisecond,"},
	} {
		for _, want := range wants {
			if !strings.Contains(generated[file], want) {
				t.Errorf("%s lacks %q", file, want)
			}
		}
	}
	if msg, err := goIn(t, generatedModule(t, files), "vet", "./..."); err != nil {
		t.Fatalf("go vet of the generated packages: %v\n%s", err, msg)
	}
}

// The generator lays out its code itself (go/format is too slow to run on
// every file of a large catalog); a synthetic catalog of every kind, profile,
// isolation and strategy holds that layout to gofmt's.
func TestLayoutMatchesGofmt(t *testing.T) {
	dir := t.TempDir()
	if err := synth.Write(dir, 60); err != nil {
		t.Fatal(err)
	}
	c, diags, err := compiler.Compile(compiler.Config{Dir: dir})
	if err != nil || c == nil {
		t.Fatalf("compile: %v %v", err, diags)
	}
	files, err := goclient.Emitter{}.Emit(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no files")
	}
	for _, f := range files {
		formatted, err := format.Source(f.Data)
		if err != nil {
			t.Fatalf("%s does not parse: %v", f.Path, err)
		}
		if !bytes.Equal(formatted, f.Data) {
			t.Errorf("%s is not gofmt-clean:\n%s", f.Path, firstDifference(f.Data, formatted))
		}
	}
}

func firstDifference(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d:\n  got  %q\n  want %q", i+1, g[i], w[i])
		}
	}
	return "lengths differ"
}
