package openslo_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/svcgen/svcgen/examples"
	"github.com/svcgen/svcgen/interop/openslo"
)

const schemaRoot = "https://openslo.com/schemas/v1/"

// openSLOSchema compiles the OpenSLO v1 JSON schema of testdata (see its
// SOURCE.md), resolving the parts' absolute $ids to the local files.
func openSLOSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	dir := filepath.Join("testdata", "openslo-schema-v1")
	c := jsonschema.NewCompiler()
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".schema.json") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		return c.AddResource(schemaRoot+filepath.ToSlash(rel), doc)
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(schemaRoot + "openslo.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestExportMatchesSchema validates every exported document of
// examples/shop against the OpenSLO v1 JSON schema.
func TestExportMatchesSchema(t *testing.T) {
	t.Parallel()
	schema := openSLOSchema(t)
	docs, err := openslo.Export(compile(t, examples.Dir("shop")))
	if err != nil {
		t.Fatal(err)
	}
	b, err := openslo.Marshal(docs)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	n := 0
	for {
		var v any
		if err := dec.Decode(&v); err != nil {
			break
		}
		pocAlertPolicies(v)
		// Through JSON, as a JSON schema sees a document.
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("document %d (%.80s...) does not match the OpenSLO v1 schema: %v", n+1, j, err)
		}
		n++
	}
	if n != len(docs) {
		t.Fatalf("validated %d documents of %d", n, len(docs))
	}
}

// pocAlertPolicies rewrites an SLO's alertPolicies from the README's form
// ([{alertPolicyRef: name}], which svcgen writes) into the form the
// schema's proof of concept predates it with ([name]): the one place the
// two disagree for what svcgen writes.
func pocAlertPolicies(v any) {
	doc, _ := v.(map[string]any)
	spec, _ := doc["spec"].(map[string]any)
	if doc["kind"] != openslo.KindSLO || spec == nil {
		return
	}
	items, _ := spec["alertPolicies"].([]any)
	for i, it := range items {
		if m, ok := it.(map[string]any); ok && len(m) == 1 && m["alertPolicyRef"] != nil {
			items[i] = m["alertPolicyRef"]
		}
	}
}

// TestSchemaRefusesBadDocument: the schema test can fail.
func TestSchemaRefusesBadDocument(t *testing.T) {
	t.Parallel()
	schema := openSLOSchema(t)
	for _, doc := range []string{
		`{"apiVersion":"openslo/v1","kind":"AlertNotificationTarget","metadata":{"name":"a"},"spec":{"description":"no target"}}`,
		`{"apiVersion":"openslo/v1","kind":"AlertCondition","metadata":{"name":"a"},"spec":{"severity":"page","condition":{"kind":"burnrate","op":"gt","threshold":2,"lookbackWindow":"1 hour"}}}`,
	} {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if schema.Validate(inst) == nil {
			t.Errorf("the schema accepts %s", doc)
		}
	}
}
