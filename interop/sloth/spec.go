package sloth

import (
	"go.yaml.in/yaml/v3"

	"github.com/svcgen/svcgen/interop/specyaml"
)

// The two document forms Sloth reads, written from Sloth's published spec
// (pkg/prometheus/api/v1 and the sloth.slok.dev/v1 CRD): field names are
// snake_case in prometheus/v1 and camelCase in the CRD, so each has its own
// types, and both are normalised into Spec.

// VersionV1 is the version of Sloth's own spec format.
const VersionV1 = "prometheus/v1"

// CRD identifies the Kubernetes form.
const (
	CRDAPIVersion = "sloth.slok.dev/v1"
	CRDKind       = "PrometheusServiceLevel"
)

// v1Spec is a prometheus/v1 document.
type v1Spec struct {
	Version    string            `yaml:"version"`
	Service    string            `yaml:"service"`
	Labels     map[string]string `yaml:"labels"`
	SLOPlugins *v1Plugins        `yaml:"slo_plugins"`
	SLOs       []v1SLO           `yaml:"slos"`
}

type v1SLO struct {
	specyaml.At `yaml:"-"`
	Name        string            `yaml:"name"`
	Description string            `yaml:"description"`
	Objective   specyaml.Number   `yaml:"objective"`
	Plugins     *v1Plugins        `yaml:"plugins"`
	Labels      map[string]string `yaml:"labels"`
	SLI         v1SLI             `yaml:"sli"`
	Alerting    v1Alerting        `yaml:"alerting"`
}

func (s *v1SLO) UnmarshalYAML(n *yaml.Node) error {
	type plain v1SLO
	s.Set(n)
	return n.Decode((*plain)(s))
}

type v1SLI struct {
	specyaml.At `yaml:"-"`
	Raw         *struct {
		ErrorRatioQuery string `yaml:"error_ratio_query"`
	} `yaml:"raw"`
	Events *struct {
		ErrorQuery string `yaml:"error_query"`
		TotalQuery string `yaml:"total_query"`
	} `yaml:"events"`
	Plugin *struct {
		ID      string            `yaml:"id"`
		Options map[string]string `yaml:"options"`
	} `yaml:"plugin"`
}

func (s *v1SLI) UnmarshalYAML(n *yaml.Node) error {
	type plain v1SLI
	s.Set(n)
	return n.Decode((*plain)(s))
}

type v1Alerting struct {
	Name        string            `yaml:"name"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
	PageAlert   alert             `yaml:"page_alert"`
	TicketAlert alert             `yaml:"ticket_alert"`
}

type alert struct {
	Disable     bool              `yaml:"disable"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

type v1Plugins struct {
	specyaml.At      `yaml:"-"`
	OverridePrevious bool `yaml:"overridePrevious"`
	Chain            []struct {
		ID       string    `yaml:"id"`
		Config   yaml.Node `yaml:"config"`
		Priority int       `yaml:"priority"`
	} `yaml:"chain"`
}

func (p *v1Plugins) UnmarshalYAML(n *yaml.Node) error {
	type plain v1Plugins
	p.Set(n)
	return n.Decode((*plain)(p))
}

// crd is a PrometheusServiceLevel object.
type crd struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name        string            `yaml:"name"`
		Namespace   string            `yaml:"namespace"`
		Labels      map[string]string `yaml:"labels"`
		Annotations map[string]string `yaml:"annotations"`
	} `yaml:"metadata"`
	Spec struct {
		Service    string            `yaml:"service"`
		Labels     map[string]string `yaml:"labels"`
		SLOPlugins *v1Plugins        `yaml:"sloPlugins"`
		SLOs       []crdSLO          `yaml:"slos"`
	} `yaml:"spec"`
	Status yaml.Node `yaml:"status"`
}

type crdSLO struct {
	specyaml.At `yaml:"-"`
	Name        string            `yaml:"name"`
	Description string            `yaml:"description"`
	Objective   specyaml.Number   `yaml:"objective"`
	Plugins     *v1Plugins        `yaml:"plugins"`
	Labels      map[string]string `yaml:"labels"`
	SLI         crdSLI            `yaml:"sli"`
	Alerting    crdAlerting       `yaml:"alerting"`
}

// v1 is the SLO in prometheus/v1's shape: the two forms differ only in
// their keys' spelling, so Go converts between them field for field.
func (s crdSLO) v1() v1SLO {
	return v1SLO{At: s.At, Name: s.Name, Description: s.Description, Objective: s.Objective, Plugins: s.Plugins, Labels: s.Labels,
		SLI: v1SLI(s.SLI), Alerting: v1Alerting(s.Alerting)}
}

func (s *crdSLO) UnmarshalYAML(n *yaml.Node) error {
	type plain crdSLO
	s.Set(n)
	return n.Decode((*plain)(s))
}

type crdSLI struct {
	specyaml.At `yaml:"-"`
	Raw         *struct {
		ErrorRatioQuery string `yaml:"errorRatioQuery"`
	} `yaml:"raw"`
	Events *struct {
		ErrorQuery string `yaml:"errorQuery"`
		TotalQuery string `yaml:"totalQuery"`
	} `yaml:"events"`
	Plugin *struct {
		ID      string            `yaml:"id"`
		Options map[string]string `yaml:"options"`
	} `yaml:"plugin"`
}

func (s *crdSLI) UnmarshalYAML(n *yaml.Node) error {
	type plain crdSLI
	s.Set(n)
	return n.Decode((*plain)(s))
}

type crdAlerting struct {
	Name        string            `yaml:"name"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
	PageAlert   alert             `yaml:"pageAlert"`
	TicketAlert alert             `yaml:"ticketAlert"`
}

// Spec is one Sloth service spec in either form.
type Spec struct {
	File string
	Pos  specyaml.Pos // the document's service field
	// Dropped are warnings about parts of the document that have no
	// catalog form.
	Dropped []*specyaml.Error
	// LabelsPos is where the labels are (or the document).
	LabelsPos specyaml.Pos
	Service   string
	Labels    map[string]string
	// Plugins is the position of a non-empty SLO plugin chain, if any.
	Plugins *specyaml.Pos
	SLOs    []SLO
}

// SLO is one SLO of a Spec.
type SLO struct {
	Pos         specyaml.Pos
	Name        string
	Description string
	Objective   specyaml.Number
	Plugins     *specyaml.Pos
	Labels      map[string]string
	SLI         SLI
	Alerting    Alerting
}

// SLI is the indicator: exactly one of its forms.
type SLI struct {
	Pos                    specyaml.Pos
	ErrorQuery, TotalQuery string // events
	EventsPos              specyaml.Pos
	HasEvents              bool
	Raw                    string // error ratio query
	RawPos                 *specyaml.Pos
	Plugin                 string // plugin id
}

// Alerting is the alerts' naming and metadata.
type Alerting struct {
	Name                string
	Labels, Annotations map[string]string
	Page, Ticket        alert
}
