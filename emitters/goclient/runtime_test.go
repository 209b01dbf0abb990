package goclient_test

import (
	"bytes"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/conventions"
	"github.com/svcgen/svcgen/emitters/emit"
	"github.com/svcgen/svcgen/emitters/goclient"
	"github.com/svcgen/svcgen/examples"
)

// runtimeDir is the runtime module, beside this module's root.
var runtimeDir = filepath.Join("..", "..", "runtime")

// runtimeConstants type-checks the runtime package's constant declarations
// from its source (svcgen's module does not depend on the runtime module, so
// it cannot import it) and returns their values.
func runtimeConstants(t *testing.T) map[string]constant.Value {
	t.Helper()
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range []string{"names.go", "version.go"} {
		f, err := parser.ParseFile(fset, filepath.Join(runtimeDir, "resilience", name), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	pkg, err := (&types.Config{}).Check("resilience", fset, files, nil)
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]constant.Value{}
	for _, name := range pkg.Scope().Names() {
		if c, ok := pkg.Scope().Lookup(name).(*types.Const); ok {
			values[name] = c.Val()
		}
	}
	return values
}

// The runtime's metric and label names are those of the catalog, which the
// rules and dashboards read.
func TestRuntimeNamesAreTheCatalogs(t *testing.T) {
	values := runtimeConstants(t)
	for runtime, want := range map[string]string{
		"MetricRequests":              conventions.ClientRequests,
		"MetricRequestDuration":       conventions.ClientRequestDuration,
		"MetricRetries":               conventions.ClientRetries,
		"MetricBreakerState":          conventions.ClientBreakerState,
		"MetricBulkheadRejections":    conventions.ClientBulkheadRejections,
		"MetricInFlight":              conventions.ClientInFlight,
		"MetricBulkheadMaxConcurrent": conventions.ClientBulkheadMaxConcurrent,
		"LabelDependency":             conventions.ClientLabelDependency,
		"LabelOutcome":                conventions.ClientLabelOutcome,
		"LabelState":                  conventions.ClientLabelState,
		"OutcomeSuccess":              conventions.ClientOutcomeSuccess,
		"OutcomeError":                conventions.ClientOutcomeError,
		"OutcomeTimeout":              conventions.ClientOutcomeTimeout,
		"OutcomeBreakerOpen":          conventions.ClientOutcomeBreakerOpen,
		"OutcomeBulkheadFull":         conventions.ClientOutcomeBulkheadFull,
		"OutcomeCanceled":             conventions.ClientOutcomeCanceled,
		"StateClosed":                 conventions.ClientStateClosed,
		"StateOpen":                   conventions.ClientStateOpen,
		"StateHalfOpen":               conventions.ClientStateHalfOpen,
	} {
		v, ok := values[runtime]
		if !ok {
			t.Errorf("the runtime declares no %s", runtime)
			continue
		}
		if got := constant.StringVal(v); got != want {
			t.Errorf("resilience.%s = %q, the catalog's is %q", runtime, got, want)
		}
	}
	lo, _ := constant.Int64Val(values["MinVersion"])
	hi, _ := constant.Int64Val(values["MaxVersion"])
	if goclient.GenVersion < lo || goclient.GenVersion > hi {
		t.Errorf("the emitter writes version %d; the runtime supports %d to %d", goclient.GenVersion, lo, hi)
	}
}

// generatedModule writes files into a module of their own that requires the
// runtime from this repository, as golden/go.mod does, and returns its
// directory.
func generatedModule(t *testing.T, files []emit.File) string {
	t.Helper()
	dir := t.TempDir()
	runtime, err := filepath.Abs(runtimeDir)
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join("..", "..", "golden", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	gomod = bytes.Replace(gomod, []byte("module github.com/svcgen/svcgen/golden\n"), []byte("module example.com/generated\n"), 1)
	gomod = bytes.Replace(gomod, []byte("=> ../runtime\n"), []byte("=> "+runtime+"\n"), 1)
	gosum, err := os.ReadFile(filepath.Join("..", "..", "golden", "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, emit.File{Path: "go.mod", Data: gomod}, emit.File{Path: "go.sum", Data: gosum})
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// goIn runs the go command in dir, outside any workspace.
func goIn(t *testing.T, dir string, args ...string) ([]byte, error) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	return cmd.CombinedOutput()
}

// Generated code of a version the runtime does not support fails to
// compile, at the version check: older than MinVersion, or newer than
// MaxVersion.
func TestUnsupportedVersionDoesNotCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	values := runtimeConstants(t)
	lo, _ := constant.Int64Val(values["MinVersion"])
	hi, _ := constant.Int64Val(values["MaxVersion"])
	c := examples.Compile(t, "shop")
	for _, tc := range []struct {
		name    string
		version int
		check   string
	}{
		{"older than the runtime supports", int(lo) - 1, "MinVersion"},
		{"newer than the runtime supports", int(hi) + 1, "MaxVersion"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer goclient.SetGenVersion(tc.version)()
			files, err := goclient.Emitter{}.Emit(c)
			if err != nil {
				t.Fatal(err)
			}
			msg, err := goIn(t, generatedModule(t, files), "build", "./go/order")
			if err == nil {
				t.Fatalf("generated code of version %d compiled against a runtime of versions %d to %d", tc.version, lo, hi)
			}
			if !strings.Contains(string(msg), "overflows resilience.EnforceVersion") || !strings.Contains(string(msg), "dependencies.go") {
				t.Fatalf("go build failed, but not at the version check:\n%s", msg)
			}
		})
	}
}
