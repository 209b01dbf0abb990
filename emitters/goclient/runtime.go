package goclient

import (
	"bytes"
	_ "embed"
	"fmt"
	"go/format"
	"go/parser"
	"go/token"
	"sync"
)

// runtimeSource is package resilience's runtime, which every generated
// package carries.
//
//go:embed resilience/resilience.go
var runtimeSource []byte

// renderRuntime returns the runtime as a file of package pkg: the embedded
// source with its package clause renamed, and the generated-code header.
//
// The source is parsed and printed once per process, through the Go parser
// and printer; every package then differs only in the name on its package
// line, which no other line's layout depends on. (Printing it anew for each
// of a thousand services was most of a large build's time.)
func renderRuntime(pkg string) ([]byte, error) {
	runtimeOnce.Do(func() { runtimeText, runtimeErr = formatRuntime() })
	if runtimeErr != nil {
		return nil, runtimeErr
	}
	out := bytes.Replace(runtimeText, []byte("\npackage "+runtimePackage+"\n"), []byte("\npackage "+pkg+"\n"), 1)
	if bytes.Equal(out, runtimeText) && pkg != runtimePackage {
		return nil, fmt.Errorf("the runtime has no package clause %q to rename", runtimePackage)
	}
	return out, nil
}

var (
	runtimeOnce sync.Once
	runtimeText []byte
	runtimeErr  error
)

// runtimePackage is the package name the runtime is written with.
const runtimePackage = "resilience"

func formatRuntime() ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "resilience.go", runtimeSource, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("parsing the runtime: %w", err)
	}
	if f.Name.Name != runtimePackage {
		return nil, fmt.Errorf("the runtime is package %s, not %s", f.Name.Name, runtimePackage)
	}
	var b bytes.Buffer
	b.WriteString(Header + "\n\n")
	if err := format.Node(&b, fset, f); err != nil {
		return nil, fmt.Errorf("printing the runtime: %w", err)
	}
	return format.Source(b.Bytes())
}
