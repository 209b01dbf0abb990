//go:build devtools

// Command jsonschemas writes the JSON schemas kubeconform validates against,
// offline, from sources in the Go module cache: Kubernetes' OpenAPI v2
// document (api/openapi-spec/swagger.json of module k8s.io/kubernetes) and
// CustomResourceDefinition manifests (Istio's, prometheus-operator's, ...).
//
//	jsonschemas -out DIR [-swagger swagger.json] [-crds crds.yaml]...
//
// Each kind becomes DIR/<group>/<kind>_<version>.json (the core group's
// directory is "v1"), which kubeconform finds with
//
//	-schema-location 'DIR/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json'
//
// The schemas are strict: every object that lists its properties admits no
// others (except where a CRD preserves unknown fields), so that a misspelt
// field fails validation, as `kubeconform -strict` is meant to. Each schema
// is standalone: the definitions it refers to are copied into it.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

func main() {
	var (
		out, swagger string
		crds         stringList
	)
	flag.StringVar(&out, "out", "", "directory to write the schemas into")
	flag.StringVar(&swagger, "swagger", "", "Kubernetes' OpenAPI v2 document (swagger.json)")
	flag.Var(&crds, "crds", "a YAML file of CustomResourceDefinitions (repeatable)")
	flag.Parse()
	if out == "" || (swagger == "" && len(crds) == 0) || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: jsonschemas -out DIR [-swagger swagger.json] [-crds FILE]...")
		os.Exit(2)
	}
	n := 0
	if swagger != "" {
		k, err := fromSwagger(out, swagger)
		if err != nil {
			fmt.Fprintln(os.Stderr, "jsonschemas:", err)
			os.Exit(1)
		}
		n += k
	}
	for _, f := range crds {
		k, err := fromCRDs(out, f)
		if err != nil {
			fmt.Fprintln(os.Stderr, "jsonschemas:", err)
			os.Exit(1)
		}
		n += k
	}
	fmt.Printf("jsonschemas: %d schemas in %s\n", n, out)
}

type object = map[string]any

// fromSwagger writes a schema for every definition that names a group,
// version and kind.
func fromSwagger(out, file string) (int, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	var doc struct {
		Definitions map[string]object `json:"definitions"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return 0, fmt.Errorf("%s: %w", file, err)
	}
	names := make([]string, 0, len(doc.Definitions))
	for name := range doc.Definitions {
		names = append(names, name)
	}
	sort.Strings(names)
	n := 0
	for _, name := range names {
		def := doc.Definitions[name]
		gvks, _ := def["x-kubernetes-group-version-kind"].([]any)
		for _, g := range gvks {
			gvk, _ := g.(object)
			group, _ := gvk["group"].(string)
			version, _ := gvk["version"].(string)
			kind, _ := gvk["kind"].(string)
			if version == "" || kind == "" {
				continue
			}
			schema := standalone(name, doc.Definitions)
			if err := write(out, group, version, kind, schema); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// standalone returns the definition called root with every definition it
// refers to, directly or not, copied under "definitions"; refs point there.
func standalone(root string, defs map[string]object) object {
	used := map[string]object{}
	var visit func(name string)
	visit = func(name string) {
		if _, ok := used[name]; ok {
			return
		}
		def, ok := defs[name]
		if !ok {
			return
		}
		conv := convert(def, false).(object)
		used[name] = conv
		for _, ref := range refs(conv) {
			visit(ref)
		}
	}
	visit(root)
	schema := object{}
	for k, v := range used[root] {
		schema[k] = v
	}
	delete(used, root)
	// The root may refer to itself (rarely); keep it reachable.
	for _, ref := range refs(schema) {
		if ref == root {
			used[root] = convert(defs[root], false).(object)
		}
	}
	if len(used) > 0 {
		schema["definitions"] = used
	}
	schema["$schema"] = "http://json-schema.org/draft-07/schema#"
	return schema
}

const refPrefix = "#/definitions/"

// refs lists the definitions v refers to.
func refs(v any) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case object:
			if r, ok := x["$ref"].(string); ok && strings.HasPrefix(r, refPrefix) {
				out = append(out, strings.TrimPrefix(r, refPrefix))
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(v)
	return out
}

// convert turns an OpenAPI schema into a strict JSON schema: objects that
// list properties admit no others, int-or-string values and quantities admit
// both forms, and OpenAPI's own keywords go. preserve is true below a node
// that keeps unknown fields.
func convert(v any, preserve bool) any {
	switch x := v.(type) {
	case object:
		out := object{}
		if x["x-kubernetes-preserve-unknown-fields"] == true {
			preserve = true
		}
		for k, c := range x {
			switch {
			case k == "properties" || k == "patternProperties" || k == "definitions":
				props := object{}
				for name, p := range c.(object) {
					props[name] = convert(p, preserve)
				}
				out[k] = props
			case strings.HasPrefix(k, "x-kubernetes-"), k == "description", k == "example", k == "externalDocs":
				// Documentation and Kubernetes' extensions validate nothing.
			default:
				out[k] = convert(c, preserve)
			}
		}
		if x["x-kubernetes-int-or-string"] == true || x["format"] == "int-or-string" {
			delete(out, "type")
			delete(out, "format")
			out["oneOf"] = []any{object{"type": "string"}, object{"type": "integer"}}
		}
		if x["nullable"] == true {
			if t, ok := out["type"].(string); ok {
				out["type"] = []any{t, "null"}
			}
			delete(out, "nullable")
		}
		if _, ok := x["properties"]; ok && !preserve {
			if _, set := x["additionalProperties"]; !set {
				out["additionalProperties"] = false
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, c := range x {
			out[i] = convert(c, preserve)
		}
		return out
	}
	return v
}

// fromCRDs writes a schema for every served version of every CRD in file.
func fromCRDs(out, file string) (int, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	n := 0
	for i, doc := range splitYAML(data) {
		var crd struct {
			Kind string `json:"kind"`
			Spec struct {
				Group string `json:"group"`
				Names struct {
					Kind string `json:"kind"`
				} `json:"names"`
				Versions []struct {
					Name   string `json:"name"`
					Served bool   `json:"served"`
					Schema struct {
						OpenAPIV3Schema object `json:"openAPIV3Schema"`
					} `json:"schema"`
				} `json:"versions"`
			} `json:"spec"`
		}
		if err := yaml.Unmarshal(doc, &crd); err != nil {
			return n, fmt.Errorf("%s: document %d: %w", file, i+1, err)
		}
		if crd.Kind != "CustomResourceDefinition" {
			continue
		}
		for _, v := range crd.Spec.Versions {
			if !v.Served || v.Schema.OpenAPIV3Schema == nil {
				continue
			}
			schema := convert(v.Schema.OpenAPIV3Schema, false).(object)
			// apiVersion, kind and metadata are the API server's; a CRD's
			// schema need not list them, so they are admitted here.
			props, _ := schema["properties"].(object)
			if props == nil {
				props = object{}
				schema["properties"] = props
			}
			for _, k := range []string{"apiVersion", "kind"} {
				if _, ok := props[k]; !ok {
					props[k] = object{"type": "string"}
				}
			}
			if _, ok := props["metadata"]; !ok {
				props["metadata"] = object{"type": "object"}
			}
			schema["$schema"] = "http://json-schema.org/draft-07/schema#"
			if err := write(out, crd.Spec.Group, v.Name, crd.Spec.Names.Kind, schema); err != nil {
				return n, err
			}
			n++
		}
	}
	if n == 0 {
		return 0, errors.New(file + ": no CustomResourceDefinition with a schema")
	}
	return n, nil
}

// splitYAML splits a multi-document YAML stream.
func splitYAML(data []byte) [][]byte {
	var docs [][]byte
	for _, d := range bytes.Split(append([]byte("\n"), data...), []byte("\n---")) {
		if len(bytes.TrimSpace(d)) > 0 {
			docs = append(docs, d)
		}
	}
	return docs
}

// write puts schema where the schema-location template finds it.
func write(out, group, version, kind string, schema object) error {
	dir := group
	if dir == "" {
		dir = version // kubeconform's .Group of a core kind ("v1") is its version
	}
	p := filepath.Join(out, dir, strings.ToLower(kind)+"_"+version+".json")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(io.Writer(f))
	if err := enc.Encode(schema); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
