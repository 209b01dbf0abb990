package kubernetes

import (
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/conventions"
)

// service is the service's in-mesh address (conventions.Host): one port, "http",
// on the service port. A blue-green service's selector names the live
// colour, so switching colour changes that one line; the others select
// every pod of the service (a canary's share of traffic is Istio's to set).
func service(c *catalog.Catalog, s *catalog.Service, ws []catalog.Workload) *corev1.Service {
	sel := map[string]string{conventions.LabelName: s.Name}
	if s.Deploy.Strategy == catalog.StrategyBlueGreen {
		for _, w := range ws {
			if w.Live {
				sel[conventions.LabelVersion] = w.Version
			}
		}
	}
	return &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: objectMeta(c, s.Name, serviceLabels(s)),
		Spec: corev1.ServiceSpec{
			Selector: sel,
			Ports: []corev1.ServicePort{{
				Name:       PortHTTP,
				Protocol:   corev1.ProtocolTCP,
				Port:       int32(s.Port),
				TargetPort: intstr.FromInt32(int32(s.Port)),
			}},
		},
	}
}

// disruptionBudget limits voluntary evictions of one workload's pods. Pods
// that are not ready may always be evicted: a crash-looping pod must not
// hold up a node drain.
func disruptionBudget(c *catalog.Catalog, s *catalog.Service, w catalog.Workload) *policyv1.PodDisruptionBudget {
	b := s.DisruptionBudget
	spec := policyv1.PodDisruptionBudgetSpec{
		Selector:                   &metav1.LabelSelector{MatchLabels: selector(s, w)},
		UnhealthyPodEvictionPolicy: new(policyv1.AlwaysAllow),
	}
	if b.MinAvailable != nil {
		spec.MinAvailable = new(intOrString(*b.MinAvailable))
	} else {
		spec.MaxUnavailable = new(intOrString(*b.MaxUnavailable))
	}
	return &policyv1.PodDisruptionBudget{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: objectMeta(c, w.Name, workloadLabels(s, w)),
		Spec:       spec,
	}
}

// autoscaler scales one workload in its replica range on CPU utilisation.
func autoscaler(c *catalog.Catalog, s *catalog.Service, w catalog.Workload) *autoscalingv2.HorizontalPodAutoscaler {
	return &autoscalingv2.HorizontalPodAutoscaler{
		TypeMeta:   metav1.TypeMeta{APIVersion: "autoscaling/v2", Kind: "HorizontalPodAutoscaler"},
		ObjectMeta: objectMeta(c, w.Name, workloadLabels(s, w)),
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{
				APIVersion: "apps/v1",
				Kind:       "Deployment",
				Name:       w.Name,
			},
			MinReplicas: new(int32(w.MinReplicas)),
			MaxReplicas: int32(w.MaxReplicas),
			Metrics: []autoscalingv2.MetricSpec{{
				Type: autoscalingv2.ResourceMetricSourceType,
				Resource: &autoscalingv2.ResourceMetricSource{
					Name: corev1.ResourceCPU,
					Target: autoscalingv2.MetricTarget{
						Type:               autoscalingv2.UtilizationMetricType,
						AverageUtilization: new(int32(CPUTarget)),
					},
				},
			}},
		},
	}
}

func intOrString(v catalog.IntOrPercent) intstr.IntOrString {
	if v.Percent {
		return intstr.FromString(v.String())
	}
	return intstr.FromInt32(int32(v.Value))
}
