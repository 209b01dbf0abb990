package yamlenc

import "testing"

// TestFromJSON: the JSON a k8s.io/api or protojson value marshals to comes
// out as the YAML document of the same values, keys sorted, numbers with
// their JSON text (no float64 round trip: 1e21 would become 1e+21, and
// 9007199254740993 would lose its last digit).
func TestFromJSON(t *testing.T) {
	tree, err := FromJSON([]byte(`{"spec":{"replicas":3,"big":9007199254740993,"ratio":0.1,"exp":1e21},"kind":"Deployment","args":["a","yes"],"empty":null,"on":true}`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Marshal(tree, Options{CompactSequences: true})
	if err != nil {
		t.Fatal(err)
	}
	want := "args:\n- a\n- 'yes'\nempty: null\nkind: Deployment\n'on': true\nspec:\n  big: 9007199254740993\n  exp: 1e21\n  ratio: 0.1\n  replicas: 3\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if _, err := FromJSON([]byte(`{"a":`)); err == nil {
		t.Error("FromJSON accepted truncated JSON")
	}
}
