package yamlenc

import (
	"bytes"
	"encoding/json"
)

// FromJSON is the bridge from a value that only knows how to be JSON (the
// k8s.io/api types, by their json tags; an istio.io/api message, through
// protojson) to YAML: it decodes the JSON text into the tree Marshal writes
// as the same document, of map[string]any (keys sorted when written),
// []any, string, bool, nil and json.Number. Numbers stay json.Number, which
// Marshal writes as the number it holds, so 1e21 and 0.1 keep their text.
func FromJSON(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, err
	}
	return tree, nil
}
