package kubernetes_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/svcgen/svcgen/emitters/kubernetes"
)

// strictCodec decodes YAML into the typed objects of the four API groups the
// emitter writes, refusing unknown and duplicate fields with their path.
var strictCodec = func() runtime.Decoder {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, policyv1.AddToScheme, autoscalingv2.AddToScheme,
	} {
		if err := add(scheme); err != nil {
			panic(err)
		}
	}
	return json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme, scheme,
		json.SerializerOptions{Yaml: true, Strict: true})
}()

// file is one decoded kubernetes/<service>.yaml.
type file struct {
	objects     []runtime.Object // in file order
	services    []*corev1.Service
	deployments []*appsv1.Deployment
	budgets     []*policyv1.PodDisruptionBudget
	autoscalers []*autoscalingv2.HorizontalPodAutoscaler
}

// decodeFile splits data into documents and decodes each strictly into its
// typed object, after checking what strict decoding cannot see: the header,
// apiVersion and kind written out, no status.
func decodeFile(data []byte) (*file, error) {
	if !bytes.HasPrefix(data, []byte(kubernetes.Header)) {
		return nil, fmt.Errorf("file does not start with %q", kubernetes.Header)
	}
	f := &file{}
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for i := 0; ; i++ {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		var raw map[string]any
		if err := yaml.Unmarshal(doc, &raw); err != nil {
			return nil, fmt.Errorf("document %d: %v", i, err)
		}
		if raw == nil {
			return nil, fmt.Errorf("document %d is empty", i)
		}
		if _, ok := raw["status"]; ok {
			return nil, fmt.Errorf("document %d has a status", i)
		}
		if raw["apiVersion"] == nil || raw["kind"] == nil {
			return nil, fmt.Errorf("document %d lacks apiVersion or kind", i)
		}
		obj, _, err := strictCodec.Decode(doc, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("document %d (%s): %w", i, raw["kind"], err)
		}
		f.objects = append(f.objects, obj)
		switch o := obj.(type) {
		case *corev1.Service:
			f.services = append(f.services, o)
		case *appsv1.Deployment:
			f.deployments = append(f.deployments, o)
		case *policyv1.PodDisruptionBudget:
			f.budgets = append(f.budgets, o)
		case *autoscalingv2.HorizontalPodAutoscaler:
			f.autoscalers = append(f.autoscalers, o)
		default:
			return nil, fmt.Errorf("document %d: unexpected %T", i, obj)
		}
	}
	return f, nil
}

// The decoder must be strict, or the tests built on it prove nothing.
func TestStrictCodecRefusesUnknownFields(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{
			"apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  selectr:\n    app: a\n",
			`unknown field "spec.selectr"`,
		},
		{
			"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        imagePullPolicy: Never\n        livenessProbe:\n          initialDelay: 3\n",
			`unknown field "spec.template.spec.containers[0].livenessProbe.initialDelay"`,
		},
		{
			"apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: a\n  name: b\n",
			`key "name" already set in map`,
		},
	} {
		_, _, err := strictCodec.Decode([]byte(tc.doc), nil, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("decode error %v, want one containing %s", err, tc.want)
		}
	}
}

// validate runs apimachinery's validation of what every object has (names,
// namespaces, labels, selectors); the emitter's own tests check the rest.
func validate(f *file) field.ErrorList {
	var errs field.ErrorList
	meta := field.NewPath("metadata")
	for _, s := range f.services {
		errs = append(errs, apivalidation.ValidateObjectMeta(&s.ObjectMeta, true, apivalidation.NameIsDNS1035Label, meta)...)
		errs = append(errs, metav1validation.ValidateLabels(s.Spec.Selector, field.NewPath("spec", "selector"))...)
	}
	for _, d := range f.deployments {
		errs = append(errs, apivalidation.ValidateObjectMeta(&d.ObjectMeta, true, apivalidation.NameIsDNSSubdomain, meta)...)
		errs = append(errs, metav1validation.ValidateLabels(d.Spec.Template.Labels, field.NewPath("spec", "template", "metadata", "labels"))...)
		errs = append(errs, apivalidation.ValidateAnnotations(d.Spec.Template.Annotations, field.NewPath("spec", "template", "metadata", "annotations"))...)
		errs = append(errs, validateSelector(d.Spec.Selector, field.NewPath("spec", "selector"))...)
		for i, c := range d.Spec.Template.Spec.TopologySpreadConstraints {
			errs = append(errs, validateSelector(c.LabelSelector, field.NewPath("spec", "template", "spec", "topologySpreadConstraints").Index(i).Child("labelSelector"))...)
		}
	}
	for _, b := range f.budgets {
		errs = append(errs, apivalidation.ValidateObjectMeta(&b.ObjectMeta, true, apivalidation.NameIsDNSSubdomain, meta)...)
		errs = append(errs, validateSelector(b.Spec.Selector, field.NewPath("spec", "selector"))...)
	}
	for _, h := range f.autoscalers {
		errs = append(errs, apivalidation.ValidateObjectMeta(&h.ObjectMeta, true, apivalidation.NameIsDNSSubdomain, meta)...)
	}
	return errs
}

func validateSelector(s *metav1.LabelSelector, p *field.Path) field.ErrorList {
	if s == nil || len(s.MatchLabels)+len(s.MatchExpressions) == 0 {
		return field.ErrorList{field.Required(p, "an empty selector selects every pod of the namespace")}
	}
	return metav1validation.ValidateLabelSelector(s, metav1validation.LabelSelectorValidationOptions{}, p)
}

// selects reports whether a label selector selects pods with podLabels.
func selects(s *metav1.LabelSelector, podLabels map[string]string) bool {
	sel, err := metav1.LabelSelectorAsSelector(s)
	if err != nil || sel.Empty() {
		return false
	}
	return sel.Matches(labels.Set(podLabels))
}

func metaSelector(m map[string]string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchLabels: m}
}
