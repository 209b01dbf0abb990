package yamlenc

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"
)

type inner struct {
	Name   string            `yaml:"name"`
	Labels map[string]string `yaml:"labels,omitempty"`
	Count  int               `yaml:"count,omitempty"`
}

type outer struct {
	Kind    string    `yaml:"kind"`
	Items   []inner   `yaml:"items"`
	Empty   []string  `yaml:"empty"`
	Skipped []string  `yaml:"skipped,omitempty"`
	Ptr     *inner    `yaml:"ptr,omitempty"`
	Nested  [][]int   `yaml:"nested"`
	Any     any       `yaml:"any"`
	Node    yaml.Node `yaml:"node,omitempty"`
	Ratio   float64   `yaml:"ratio"`
	Big     float64   `yaml:"big"`
	On      bool      `yaml:"on"`
	Hidden  string    `yaml:"-"`
	Inline  `yaml:",inline"`
}

// Inline is inlined into outer.
type Inline struct {
	Extra string `yaml:"extra"`
	Count int    `yaml:"count2"`
}

func sample() outer {
	return outer{
		Kind:   "Thing",
		Items:  []inner{{Name: "a", Labels: map[string]string{"b": "2", "a": "yes"}}, {Name: "", Count: 3}},
		Empty:  []string{},
		Nested: [][]int{{1, 2}, {}},
		Any:    map[string]any{"x": []any{"y", 1.5, nil, true}, "d": "5m", "q": "256Mi", "h": "0x1F", "e": "1e3"},
		Node:   yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "expr{a=\"b\"} > 0"},
		Ratio:  0.001,
		Big:    1e21,
		On:     true,
		Hidden: "secret",
		Inline: Inline{Extra: "inlined", Count: 7},
	}
}

// The encoder's output means what go.yaml.in/yaml/v3's own output means.
func TestMatchesYAMLv3(t *testing.T) {
	for _, compact := range []bool{false, true} {
		v := sample()
		got, err := Marshal(v, Options{CompactSequences: compact})
		if err != nil {
			t.Fatal(err)
		}
		want, err := yaml.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var a, b any
		if err := yaml.Unmarshal(got, &a); err != nil {
			t.Fatalf("our output does not parse: %v\n%s", err, got)
		}
		if err := yaml.Unmarshal(want, &b); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(b, a); diff != "" {
			t.Errorf("compact=%v: decoded (-yaml.v3 +ours):\n%s\nours:\n%s", compact, diff, got)
		}
	}
}

func TestLayout(t *testing.T) {
	v := map[string]any{
		"spec": map[string]any{
			"containers": []any{map[string]any{"name": "app", "ports": []any{8080}}},
			"labels":     map[string]any{},
		},
	}
	for compact, want := range map[bool]string{
		true:  "spec:\n  containers:\n  - name: app\n    ports:\n    - 8080\n  labels: {}\n",
		false: "spec:\n  containers:\n    - name: app\n      ports:\n        - 8080\n  labels: {}\n",
	} {
		got, err := Marshal(v, Options{CompactSequences: compact})
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("compact=%v:\n%s\nwant:\n%s", compact, got, want)
		}
	}
}

// tricky are strings YAML readers are known to turn into something else.
var tricky = []string{
	"", " ", "yes", "No", "on", "OFF", "y", "n", "null", "~", "true", "False",
	"1", "0755", "0x1F", "1e3", "1_000", "1:20", ".5", ".inf", "-.inf", ".nan", "2026-11-25",
	"- item", "? key", ": value", "key: value", "a #comment", "#x", "&anchor", "*alias", "!tag",
	"%directive", "@at", "`tick", "|", ">", "'single'", "\"double\"", "back\\slash", "multi\nline",
	"tab\there", "trailing ", " leading", "c1\u0085x", "\u0080", "\u009f", "bom\ufeff", "\ufffe", "nul\x00", "{flow}", "[flow]", "a,b", "<<", "=", "ünïcödé", "\u2028",
	"sum(rate(http_requests_total{status_code=~\"5..\"}[5m])) > 0.001",
	"{{ $labels.service }} is down", "https://grafana.example.com/d/svcgen-payment?orgId=1&x=y",
	"registry.example.com/shop/payment:1.4.2", "app.kubernetes.io/name", "100m", "256Mi", "5xx,reset",
	"5m", "1m30s", "2.5s", "0s", "0x10", "0o17", "0b101", "1e5", "1E5", "12e", "3d6h", "1.5", "1.", "0.5Gi", "1_0s",
}

// Every string reads back as itself through YAML 1.2 (go.yaml.in/yaml/v3)
// and YAML 1.1 (sigs.k8s.io/yaml, which Kubernetes tools use).
func TestStringsRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []rune("ab09 :#-?&*!|>'\"%@`{}[],.\\\n\t~=<+/_yesnoYNtrufalsTRUEFALS")
	strs := append([]string(nil), tricky...)
	for i := range 20000 {
		n := r.IntN(12)
		var b strings.Builder
		if i%2 == 0 {
			b.WriteByte("abyYnNoO"[r.IntN(8)]) // exercise the plain path
		}
		for range n {
			b.WriteRune(alphabet[r.IntN(len(alphabet))])
		}
		strs = append(strs, b.String())
	}
	for _, s := range strs {
		data, err := Marshal(map[string]string{s + "k": s}, Options{})
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		var v3 map[string]string
		if err := yaml.Unmarshal(data, &v3); err != nil || v3[s+"k"] != s {
			t.Errorf("yaml.v3 reads %q back as %q (%v) from:\n%s", s, v3[s+"k"], err, data)
			continue
		}
		js, err := sigsyaml.YAMLToJSON(data)
		if err != nil {
			t.Errorf("YAML 1.1 cannot read %q: %v\n%s", s, err, data)
			continue
		}
		var v2 map[string]any
		if err := json.Unmarshal(js, &v2); err != nil || v2[s+"k"] != s {
			t.Errorf("YAML 1.1 reads %q back as %#v from:\n%s", s, v2[s+"k"], data)
		}
	}
}

type duration time.Duration

func (d duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

func TestMarshalers(t *testing.T) {
	got, err := Marshal(struct {
		D duration `yaml:"d"`
		E duration `yaml:"e,omitempty"`
	}{D: duration(90 * time.Second)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "d: 1m30s\n"; string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// json.Number is written as the number it holds (yaml.v3 would quote it):
// JSON decoded with UseNumber keeps integers exact.
func TestJSONNumber(t *testing.T) {
	got, err := Marshal(map[string]any{"port": json.Number("8080"), "ratio": json.Number("0.5")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "port: 8080\nratio: 0.5\n"; string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRefusals(t *testing.T) {
	for _, v := range []any{[]byte("x"), map[float64]int{1: 1}, "\xff", make(chan int)} {
		if _, err := Marshal(v, Options{}); err == nil {
			t.Errorf("Marshal(%T) succeeded", v)
		}
	}
}

// FuzzString: any string reads back as itself through YAML 1.1 and 1.2.
func FuzzString(f *testing.F) {
	for _, s := range tricky {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		data, err := Marshal(map[string]string{"k": s}, Options{})
		if !utf8Valid(s) {
			if err == nil {
				t.Fatalf("invalid UTF-8 %q encoded", s)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		var v3 map[string]string
		if err := yaml.Unmarshal(data, &v3); err != nil || v3["k"] != s {
			t.Fatalf("yaml.v3 reads %q back as %q (%v) from:\n%s", s, v3["k"], err, data)
		}
		js, err := sigsyaml.YAMLToJSON(data)
		if err != nil {
			t.Fatalf("YAML 1.1 cannot read %q: %v\n%s", s, err, data)
		}
		var v2 map[string]any
		if err := json.Unmarshal(js, &v2); err != nil || v2["k"] != s {
			t.Fatalf("YAML 1.1 reads %q back as %#v from:\n%s", s, v2["k"], data)
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
