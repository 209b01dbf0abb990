package kubernetes

import (
	"bytes"
	"encoding/json"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/conventions"
	"github.com/svcgen/svcgen/emitters/emit"
	"github.com/svcgen/svcgen/emitters/yamlenc"
)

// Emitter writes kubernetes/<service>.yaml for every service.
type Emitter struct{}

// Name implements emit.Emitter.
func (Emitter) Name() string { return Dir }

// Emit returns the target's files, one per service, sorted by path.
func (e Emitter) Emit(c *catalog.Catalog) ([]emit.File, error) { return emit.Collect(c, e) }

// EmitTo implements emit.Emitter.
func (Emitter) EmitTo(c *catalog.Catalog, out func(emit.File) error) error {
	for _, s := range c.Services {
		objs, err := objects(c, s)
		if err != nil {
			return fmt.Errorf("service %s: %w", s.Name, err)
		}
		data, err := marshal(objs)
		if err != nil {
			return fmt.Errorf("service %s: %w", s.Name, err)
		}
		if err := out(emit.File{Path: Dir + "/" + s.Name + ".yaml", Data: data}); err != nil {
			return err
		}
	}
	return nil
}

// objects returns the objects of service s in the order they are written:
// Service, Deployments, PodDisruptionBudgets, HorizontalPodAutoscalers.
func objects(c *catalog.Catalog, s *catalog.Service) ([]any, error) {
	ws := s.Workloads()
	objs := []any{service(c, s, ws)}
	for _, w := range ws {
		d, err := deployment(c, s, w)
		if err != nil {
			return nil, err
		}
		objs = append(objs, d)
	}
	for _, w := range ws {
		objs = append(objs, disruptionBudget(c, s, w))
	}
	for _, w := range ws {
		if w.Autoscaled() {
			objs = append(objs, autoscaler(c, s, w))
		}
	}
	return objs, nil
}

// marshal writes objects as one multi-document YAML file after the header.
// A manifest declares what the cluster should run; status is the cluster's
// to write, and every kind marshals an empty one, so it is left out.
func marshal(objs []any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(Header)
	for i, o := range objs {
		m, err := withoutStatus(o)
		if err != nil {
			return nil, err
		}
		data, err := toYAML(m)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			b.WriteString("---\n")
		}
		b.Write(data)
	}
	return b.Bytes(), nil
}

// toYAML writes an object as Kubernetes' own tools do: by its JSON tags
// (which the k8s.io/api types are written for), keys sorted, sequences
// compact. encoding/json then yamlenc, rather than sigs.k8s.io/yaml's
// re-parse of the JSON through a YAML library, which was three quarters of
// this emitter's time.
func toYAML(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	tree, err := yamlenc.FromJSON(raw)
	if err != nil {
		return nil, err
	}
	return yamlenc.Marshal(tree, yamlenc.Options{CompactSequences: true})
}

// manifest is an object without its status.
type manifest struct {
	metav1.TypeMeta `json:",inline"`
	Metadata        metav1.ObjectMeta `json:"metadata"`
	Spec            any               `json:"spec"`
}

func withoutStatus(o any) (manifest, error) {
	switch o := o.(type) {
	case *corev1.Service:
		return manifest{o.TypeMeta, o.ObjectMeta, &o.Spec}, nil
	case *appsv1.Deployment:
		return manifest{o.TypeMeta, o.ObjectMeta, &o.Spec}, nil
	case *policyv1.PodDisruptionBudget:
		return manifest{o.TypeMeta, o.ObjectMeta, &o.Spec}, nil
	case *autoscalingv2.HorizontalPodAutoscaler:
		return manifest{o.TypeMeta, o.ObjectMeta, &o.Spec}, nil
	}
	return manifest{}, fmt.Errorf("kubernetes: cannot write a %T", o)
}

// objectMeta names an object of service s in the catalog's namespace.
func objectMeta(c *catalog.Catalog, name string, labels map[string]string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: c.Settings.Namespace, Labels: labels}
}

// serviceLabels are the labels of every object of s.
func serviceLabels(s *catalog.Service) map[string]string {
	return map[string]string{
		conventions.LabelName: s.Name,
		LabelManagedBy:        ManagedBy,
		LabelTeam:             s.Team,
		LabelTier:             string(s.Tier),
	}
}

// workloadLabels are the labels of a workload's budget and autoscaler: the
// service's and the subset.
func workloadLabels(s *catalog.Service, w catalog.Workload) map[string]string {
	l := serviceLabels(s)
	l[conventions.LabelVersion] = w.Version
	return l
}

// podLabels are the labels of a Deployment and its pods: the workload's, and
// the release when the image tag can be a label value. The release is left
// off the budget and the autoscaler, so a release changes only the
// Deployment.
func podLabels(s *catalog.Service, w catalog.Workload) map[string]string {
	l := workloadLabels(s, w)
	if v := appVersion(w.Image); v != "" {
		l[LabelAppVersion] = v
	}
	return l
}

// templateLabels are the labels of a workload's pods: podLabels, and the
// service name under the catalog's service label (conventions.PodServiceLabel),
// which scrape jobs that copy pod labels turn into the label the rules read.
func templateLabels(c *catalog.Catalog, s *catalog.Service, w catalog.Workload) map[string]string {
	l := podLabels(s, w)
	if n := conventions.PodServiceLabel(c.Settings.Metrics.ServiceLabel); n != "" {
		l[n] = s.Name
	}
	return l
}

// selector selects the pods of one workload. It never changes for a
// Deployment (Kubernetes refuses to change a Deployment's selector), so it
// holds only the service name and the subset.
func selector(s *catalog.Service, w catalog.Workload) map[string]string {
	return map[string]string{conventions.LabelName: s.Name, conventions.LabelVersion: w.Version}
}
