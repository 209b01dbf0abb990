package specyaml_test

import (
	"testing"

	"github.com/svcgen/svcgen/interop/specyaml"
)

type inner struct {
	N specyaml.Number `yaml:"n"`
}

type doc struct {
	Name   string            `yaml:"name"`
	Labels map[string]string `yaml:"labels"`
	Items  []inner           `yaml:"items"`
}

func TestDecode(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"unknown nested key", "name: a\nitems:\n  - n: 1\n  - m: 2\n", `f.yml:4:5: unknown field "m" (known: n)`},
		{"type error", "name: a\nlabels: [x]\n", "f.yml:2:1: cannot unmarshal !!seq into map[string]string"},
		{"not a number", "items:\n  - n: many\n", `f.yml:2:8: want a number here, not "many"`},
		{"syntax", "name: [a\n", "f.yml:1:1: did not find expected ',' or ']'"},
		{"not a mapping", "- a\n", "f.yml:1:1: a document must be a mapping"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			docs, err := specyaml.Documents("f.yml", []byte(tc.in))
			if err == nil {
				var d doc
				err = docs[0].Decode(&d)
			}
			if err == nil || err.Error() != tc.want {
				t.Errorf("got %v, want %s", err, tc.want)
			}
		})
	}
	docs, err := specyaml.Documents("f.yml", []byte("name: a\nitems:\n  - n: 99.90\n---\n---\nname: b\n"))
	if err != nil || len(docs) != 2 {
		t.Fatalf("%d documents, %v", len(docs), err)
	}
	var d doc
	if err := docs[0].Decode(&d); err != nil || d.Items[0].N.Text != "99.90" || d.Items[0].N.Pos.Line != 3 {
		t.Errorf("decoded %+v, %v: want the number as written, at line 3", d, err)
	}
}
