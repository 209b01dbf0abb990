package sloth

import (
	"github.com/svcgen/svcgen/interop/specyaml"
)

// Parse reads every Sloth document of one file: prometheus/v1 specs and
// PrometheusServiceLevel objects, in any mix.
func Parse(file string, data []byte) ([]*Spec, error) {
	docs, err := specyaml.Documents(file, data)
	if err != nil {
		return nil, err
	}
	var specs []*Spec
	for _, d := range docs {
		s, err := parseDoc(d)
		if err != nil {
			return nil, err
		}
		specs = append(specs, s)
	}
	if len(specs) == 0 {
		return nil, specyaml.Errorf(specyaml.Pos{File: file}, "no Sloth spec in the file")
	}
	return specs, nil
}

func parseDoc(d specyaml.Document) (*Spec, error) {
	if v := d.Key("version"); v != nil {
		if v.Value != VersionV1 {
			return nil, specyaml.Errorf(d.Pos(v), "version %q: svcgen imports Sloth's %q specs and its %s %s objects", v.Value, VersionV1, CRDAPIVersion, CRDKind)
		}
		var s v1Spec
		if err := d.Decode(&s); err != nil {
			return nil, err
		}
		out := &Spec{File: d.File, Pos: d.Pos(specyaml.KeyNode(d.Root, "service")), LabelsPos: d.Pos(specyaml.KeyNode(d.Root, "labels")), Service: s.Service, Labels: s.Labels, Plugins: chainPos(d.File, s.SLOPlugins)}
		for _, o := range s.SLOs {
			out.SLOs = append(out.SLOs, o.lower(d.File))
		}
		return out, nil
	}
	av, kind := d.Key("apiVersion"), d.Key("kind")
	if av == nil || kind == nil {
		return nil, specyaml.Errorf(d.Pos(d.Root), "not a Sloth spec: want version: %q, or apiVersion: %s with kind: %s", VersionV1, CRDAPIVersion, CRDKind)
	}
	if av.Value != CRDAPIVersion || kind.Value != CRDKind {
		return nil, specyaml.Errorf(d.Pos(av), "%s %s is not a Sloth spec: want apiVersion: %s, kind: %s", av.Value, kind.Value, CRDAPIVersion, CRDKind)
	}
	var c crd
	if err := d.Decode(&c); err != nil {
		return nil, err
	}
	spec := specyaml.Field(d.Root, "spec")
	out := &Spec{File: d.File, Pos: d.Pos(specyaml.KeyNode(spec, "service")), LabelsPos: d.Pos(specyaml.KeyNode(spec, "labels")), Service: c.Spec.Service, Labels: c.Spec.Labels, Plugins: chainPos(d.File, c.Spec.SLOPlugins)}
	if len(c.Metadata.Labels) > 0 || len(c.Metadata.Annotations) > 0 {
		out.Dropped = append(out.Dropped, specyaml.Errorf(d.Pos(specyaml.KeyNode(d.Root, "metadata")),
			"%s %s: metadata labels and annotations dropped: they label the Kubernetes object, which the catalog does not write", CRDKind, c.Metadata.Name))
	}
	for _, o := range c.Spec.SLOs {
		out.SLOs = append(out.SLOs, o.v1().lower(d.File))
	}
	return out, nil
}

func chainPos(file string, p *v1Plugins) *specyaml.Pos {
	if p == nil || (len(p.Chain) == 0 && !p.OverridePrevious) {
		return nil
	}
	pos := p.In(file)
	return &pos
}

// lower turns one decoded SLO into the form both document kinds share.
func (o v1SLO) lower(file string) SLO {
	slo := SLO{Pos: o.In(file), Name: o.Name, Description: o.Description, Objective: o.Objective, Plugins: chainPos(file, o.Plugins), Labels: o.Labels,
		SLI: SLI{Pos: o.SLI.In(file)},
		Alerting: Alerting{Name: o.Alerting.Name, Labels: o.Alerting.Labels, Annotations: o.Alerting.Annotations,
			Page: o.Alerting.PageAlert, Ticket: o.Alerting.TicketAlert}}
	slo.Objective.Pos.File = file
	if e := o.SLI.Events; e != nil {
		slo.SLI.HasEvents, slo.SLI.ErrorQuery, slo.SLI.TotalQuery, slo.SLI.EventsPos = true, e.ErrorQuery, e.TotalQuery, slo.SLI.Pos
	}
	if r := o.SLI.Raw; r != nil {
		p := slo.SLI.Pos
		slo.SLI.Raw, slo.SLI.RawPos = r.ErrorRatioQuery, &p
	}
	if p := o.SLI.Plugin; p != nil {
		slo.SLI.Plugin = p.ID
		if slo.SLI.Plugin == "" {
			slo.SLI.Plugin = "(no id)"
		}
	}
	return slo
}
