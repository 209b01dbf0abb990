package goclient

import (
	"bytes"
	_ "embed"
	"fmt"
	"go/format"
	"go/parser"
	"go/token"
)

// runtimeSource is package resilience's runtime, which every generated
// package carries.
//
//go:embed resilience/resilience.go
var runtimeSource []byte

// renderRuntime returns the runtime as a file of package pkg: the embedded
// source with its package clause renamed through the Go parser, and the
// generated-code header.
func renderRuntime(pkg string) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "resilience.go", runtimeSource, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("parsing the runtime: %w", err)
	}
	f.Name.Name = pkg
	var b bytes.Buffer
	b.WriteString(Header + "\n\n")
	if err := format.Node(&b, fset, f); err != nil {
		return nil, fmt.Errorf("printing the runtime: %w", err)
	}
	return format.Source(b.Bytes())
}
