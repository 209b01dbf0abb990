// Package specyaml decodes the YAML specifications svcgen imports (Sloth,
// OpenSLO) strictly and with positions: every struct records where it was
// written, and a key the type does not know is an error at the key, not a
// field silently dropped.
//
// Input: a file name and its bytes, one or more YAML documents. Output: each
// document's root node, from which the spec packages decode their own types
// through Decode.
package specyaml

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Pos is a position in a spec file (1-based line and column; 0 when unknown).
type Pos struct {
	File   string
	Line   int
	Column int
}

// String renders file:line:col.
func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// Error is a mistake in a spec, or a part of one svcgen cannot import, at
// its position.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Errorf returns an *Error at pos.
func Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// Document is one YAML document of a file.
type Document struct {
	File string
	Root *yaml.Node // the document's top-level mapping
}

// Pos returns the position of n in the document's file.
func (d Document) Pos(n *yaml.Node) Pos { return Pos{File: d.File, Line: n.Line, Column: n.Column} }

// Key returns the value node of key in the top-level mapping, or nil.
func (d Document) Key(key string) *yaml.Node { return Field(d.Root, key) }

// Documents splits data into its YAML documents, skipping empty ones.
func Documents(file string, data []byte) ([]Document, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []Document
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, yamlError(file, err)
		}
		if n.Kind != yaml.DocumentNode || len(n.Content) == 0 {
			continue
		}
		root := n.Content[0]
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			continue
		}
		if root.Kind != yaml.MappingNode {
			return nil, Errorf(Pos{file, root.Line, root.Column}, "a document must be a mapping")
		}
		docs = append(docs, Document{File: file, Root: root})
	}
}

// Field returns the value node of key in mapping n, or nil.
func Field(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// KeyNode returns the key node of key in mapping n (for positions), or n.
func KeyNode(n *yaml.Node, key string) *yaml.Node {
	if n != nil && n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i]
			}
		}
	}
	return n
}

// Decode decodes the document's root into v strictly: every mapping key
// must be a field of v's type (by yaml tag), at any depth.
func (d Document) Decode(v any) error {
	if err := checkKeys(d.File, d.Root, reflect.TypeOf(v)); err != nil {
		return err
	}
	return d.decode(d.Root, v)
}

func (d Document) decode(n *yaml.Node, v any) error {
	if err := n.Decode(v); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) && len(te.Errors) > 0 {
			// "line 4: cannot unmarshal !!seq into map[string]string"
			return yamlError(d.File, errors.New(te.Errors[0]))
		}
		var pe *Error
		if errors.As(err, &pe) {
			if pe.Pos.File == "" {
				pe.Pos.File = d.File
			}
			return pe
		}
		return yamlError(d.File, err)
	}
	return nil
}

var lineRE = "line "

// yamlError turns yaml.v3's "yaml: line 3: ..." into a positioned error.
func yamlError(file string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, lineRE); ok {
		if num, tail, ok := strings.Cut(rest, ":"); ok {
			if line, err := strconv.Atoi(num); err == nil {
				return &Error{Pos: Pos{File: file, Line: line, Column: 1}, Msg: strings.TrimSpace(tail)}
			}
		}
	}
	return &Error{Pos: Pos{File: file}, Msg: msg}
}

// checkKeys reports the first mapping key, at any depth, that t has no field
// for.
func checkKeys(file string, n *yaml.Node, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode {
		return Errorf(Pos{file, n.Line, n.Column}, "YAML aliases are not supported in specs")
	}
	if t == numberType {
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return Errorf(Pos{file, n.Line, n.Column}, "want a mapping here, not %s", describe(n))
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			f, ok := fields[k.Value]
			if !ok {
				return Errorf(Pos{file, k.Line, k.Column}, "unknown field %q (known: %s)", k.Value, strings.Join(sortedKeys(fields), ", "))
			}
			if err := checkKeys(file, val, f.Type); err != nil {
				return err
			}
		}
	case reflect.Slice:
		if n.Kind == yaml.SequenceNode {
			for _, c := range n.Content {
				if err := checkKeys(file, c, t.Elem()); err != nil {
					return err
				}
			}
		}
	case reflect.Map:
		if n.Kind == yaml.MappingNode {
			for i := 1; i < len(n.Content); i += 2 {
				if err := checkKeys(file, n.Content[i], t.Elem()); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

var numberType = reflect.TypeOf(Number{})

func yamlFields(t reflect.Type) map[string]reflect.StructField {
	m := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if strings.Contains(opts, "inline") {
			for k, v := range yamlFields(f.Type) {
				m[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		m[name] = f
	}
	return m
}

func sortedKeys(m map[string]reflect.StructField) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	for i := 1; i < len(ks); i++ {
		for j := i; j > 0 && ks[j] < ks[j-1]; j-- {
			ks[j], ks[j-1] = ks[j-1], ks[j]
		}
	}
	return ks
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return strconv.Quote(n.Value)
	}
	return "this"
}

// Number is a YAML number kept as written ("99.9"), so that a decimal
// objective reaches the catalog exactly rather than through a float64.
type Number struct {
	Text string
	Pos  Pos
}

// UnmarshalYAML accepts an integer or a decimal.
func (x *Number) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
		return Errorf(Pos{Line: n.Line, Column: n.Column}, "want a number here, not %s", describe(n))
	}
	x.Text = n.Value
	x.Pos = Pos{Line: n.Line, Column: n.Column}
	return nil
}

// Float returns the number's value.
func (x Number) Float() float64 {
	f, _ := strconv.ParseFloat(x.Text, 64)
	return f
}

// At is embedded in spec structs to record where they were written: the
// struct's UnmarshalYAML calls Set before decoding the rest.
type At struct {
	Line, Column int
}

// Set records n's position.
func (a *At) Set(n *yaml.Node) { a.Line, a.Column = n.Line, n.Column }

// In returns the position in file.
func (a At) In(file string) Pos { return Pos{File: file, Line: a.Line, Column: a.Column} }

// MarshalYAML writes the number as written.
func (x Number) MarshalYAML() (any, error) {
	tag := "!!int"
	if strings.ContainsAny(x.Text, ".eE") {
		tag = "!!float"
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: x.Text}, nil
}
