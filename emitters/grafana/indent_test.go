package grafana

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestIndent: indent writes what json.Indent writes, for the shapes JSON
// has and for strings holding every character the indenter acts on.
func TestIndent(t *testing.T) {
	for _, src := range []string{
		`{}`, `[]`, `""`, `1`, `null`,
		`{"a":1}`, `[1,2,3]`, `{"a":[],"b":{},"c":[{}],"d":[[]],"e":{"f":{"g":[1,{"h":null}]}}}`,
		`["a,b","{[:]}","\"","\\","\\\"","x\u0026y","tab\there","ünïcödé",""]`,
		`{"k\"{":"v\\","":[true,false,-1.5e-7]}`,
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
	} {
		var want bytes.Buffer
		if err := json.Indent(&want, []byte(src), "", "  "); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if got := indent(nil, []byte(src)); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("indent(%s):\n%s\nwant:\n%s", src, got, want.Bytes())
		}
	}
}
