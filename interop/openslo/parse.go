package openslo

import (
	"strings"

	"github.com/svcgen/svcgen/interop/specyaml"
)

// Object is one decoded OpenSLO document.
type Object struct {
	Pos  specyaml.Pos // the document's start
	Kind string
	Name string
	// Value is a *Service, *SLO, *SLI, *AlertPolicy, *AlertCondition,
	// *AlertNotificationTarget or *DataSource.
	Value any
	doc   specyaml.Document
}

// Parse decodes every OpenSLO v1 document of one file strictly: an unknown
// field, a missing required field or a field against the specification's
// rules is an error at its position.
func Parse(file string, data []byte) ([]*Object, error) {
	docs, err := specyaml.Documents(file, data)
	if err != nil {
		return nil, err
	}
	var out []*Object
	for _, d := range docs {
		o, err := parseDoc(d)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	if len(out) == 0 {
		return nil, specyaml.Errorf(specyaml.Pos{File: file}, "no OpenSLO document in the file")
	}
	return out, nil
}

func parseDoc(d specyaml.Document) (*Object, error) {
	av, kind := d.Key("apiVersion"), d.Key("kind")
	if av == nil || kind == nil {
		return nil, specyaml.Errorf(d.Pos(d.Root), "not an OpenSLO document: apiVersion and kind are required")
	}
	if av.Value != APIVersion {
		hint := ""
		if strings.HasPrefix(av.Value, "openslo/") {
			hint = " (convert it with oslo convert, or rewrite it to v1)"
		}
		return nil, specyaml.Errorf(d.Pos(av), "apiVersion %q: svcgen reads %s%s", av.Value, APIVersion, hint)
	}
	var v any
	switch kind.Value {
	case KindService:
		v = &Service{}
	case KindSLO:
		v = &SLO{}
	case KindSLI:
		v = &SLI{}
	case KindAlertPolicy:
		v = &AlertPolicy{}
	case KindAlertCondition:
		v = &AlertCondition{}
	case KindAlertNotificationTarget:
		v = &AlertNotificationTarget{}
	case KindDataSource:
		v = &DataSource{}
	default:
		return nil, specyaml.Errorf(d.Pos(kind), "kind %q is not an OpenSLO v1 kind (DataSource, Service, SLO, SLI, AlertPolicy, AlertCondition, AlertNotificationTarget)", kind.Value)
	}
	if err := d.Decode(v); err != nil {
		return nil, err
	}
	o := &Object{Pos: d.Pos(d.Root), Kind: kind.Value, Value: v, doc: d}
	if err := Validate(o); err != nil {
		return nil, err
	}
	o.Name = header(v).Metadata.Name
	return o, nil
}

// header returns the object's shared header.
func header(v any) *Header {
	switch v := v.(type) {
	case *Service:
		return &v.Header
	case *SLO:
		return &v.Header
	case *SLI:
		return &v.Header
	case *AlertPolicy:
		return &v.Header
	case *AlertCondition:
		return &v.Header
	case *AlertNotificationTarget:
		return &v.Header
	case *DataSource:
		return &v.Header
	}
	return nil
}

// at is the position of the value at a path of keys in the document, or
// the deepest existing one.
func (o *Object) at(keys ...string) specyaml.Pos {
	n := o.doc.Root
	for _, k := range keys {
		next := specyaml.Field(n, k)
		if next == nil {
			return o.doc.Pos(specyaml.KeyNode(n, k))
		}
		n = next
	}
	return o.doc.Pos(n)
}

// atIndex is the position of item i of the list at keys.
func (o *Object) atIndex(i int, keys ...string) specyaml.Pos {
	n := o.doc.Root
	for _, k := range keys {
		if next := specyaml.Field(n, k); next != nil {
			n = next
		}
	}
	if i < len(n.Content) {
		return o.doc.Pos(n.Content[i])
	}
	return o.doc.Pos(n)
}
