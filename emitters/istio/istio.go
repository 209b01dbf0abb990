package istio

import (
	"bytes"
	"fmt"
	"strconv"

	"google.golang.org/protobuf/encoding/protojson"
	networking "istio.io/api/networking/v1"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/emitters/emit"
	"github.com/svcgen/svcgen/emitters/yamlenc"
)

// Emitter writes istio/<service>.yaml.
type Emitter struct{}

// Name implements emit.Emitter.
func (Emitter) Name() string { return "istio" }

// Emit returns the target's files sorted by path.
func (e Emitter) Emit(c *catalog.Catalog) ([]emit.File, error) { return emit.Collect(c, e) }

// EmitTo implements emit.Emitter. A service whose file would hold no object
// (a rolling service no catalog service calls, with no outside dependencies)
// gets no file.
func (Emitter) EmitTo(c *catalog.Catalog, out func(emit.File) error) error {
	var cur *catalog.Service
	var buf bytes.Buffer
	flush := func() error {
		defer buf.Reset()
		if cur != nil && buf.Len() > 0 {
			return out(emit.File{Path: Path(cur.Name), Data: append([]byte(Header), buf.Bytes()...)})
		}
		return nil
	}
	for _, h := range hosts(c) {
		if h.Owner != cur {
			if err := flush(); err != nil {
				return err
			}
			cur = h.Owner
		}
		for _, o := range objects(c, h) {
			doc, err := marshal(o, c.Settings.Namespace, h.Owner.Name)
			if err != nil {
				return fmt.Errorf("%s %s: %w", o.Kind, o.Name, err)
			}
			buf.WriteString("---\n# " + o.Comment + "\n")
			buf.Write(doc)
		}
	}
	return flush()
}

// resource is the Kubernetes envelope of an Istio object. apiVersion, kind
// and metadata are ours to set; the spec is the istio.io/api message as the
// proto-aware marshaller writes it (camelCase names, durations as "1.500s",
// enums as names). There is no status: it belongs to the cluster.
type resource struct {
	APIVersion string         `yaml:"apiVersion"`
	Kind       string         `yaml:"kind"`
	Metadata   metadata       `yaml:"metadata"`
	Spec       map[string]any `yaml:"spec"`
}

type metadata struct {
	Name      string            `json:"name" yaml:"name"`
	Namespace string            `json:"namespace" yaml:"namespace"`
	Labels    map[string]string `json:"labels" yaml:"labels"`
}

// marshal renders one object as a YAML document: the envelope in field
// order, the spec's keys sorted, so the bytes depend on the values only.
func marshal(o object, namespace, owner string) ([]byte, error) {
	// protojson through the message pointer: encoding/json on the struct
	// would skip the proto mapping and write snake_case keys.
	raw, err := protojson.Marshal(o.Spec)
	if err != nil {
		return nil, err
	}
	tree, err := yamlenc.FromJSON(raw)
	if err != nil {
		return nil, err
	}
	spec, ok := tree.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s %s: spec is not a JSON object", o.Kind, o.Name)
	}
	spellOutDefaults(o.Kind, spec)
	return yamlenc.Marshal(resource{
		APIVersion: APIVersion,
		Kind:       o.Kind,
		Metadata:   metadata{Name: o.Name, Namespace: namespace, Labels: objectLabels(owner)},
		Spec:       spec,
	}, yamlenc.Options{CompactSequences: true}) // "- " under its key, as Kubernetes writes it
}

// spellOutDefaults writes the zero values a reader must see. proto3 does not
// marshal a zero scalar or the first enum value, which would leave
// "retries: {}" where a route turns retries off and no location on a
// ServiceEntry: the same to Istio, but a reviewer should not need to know
// that an empty retry policy means none rather than Istio's default two, or
// that an unset location means outside the mesh.
func spellOutDefaults(kind string, spec map[string]any) {
	switch kind {
	case KindVirtualService:
		routes, _ := spec["http"].([]any)
		for _, r := range routes {
			route, _ := r.(map[string]any)
			if retries, ok := route["retries"].(map[string]any); ok && len(retries) == 0 {
				retries["attempts"] = 0
			}
		}
	case KindServiceEntry:
		if _, ok := spec["location"]; !ok {
			spec["location"] = networking.ServiceEntry_MESH_EXTERNAL.String()
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
