package kubernetes

import (
	"fmt"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/svcgen/svcgen/catalog"
)

// deployment runs one workload of s.
func deployment(c *catalog.Catalog, s *catalog.Service, w catalog.Workload) (*appsv1.Deployment, error) {
	pod, err := podSpec(s, w)
	if err != nil {
		return nil, err
	}
	spec := appsv1.DeploymentSpec{
		Selector: &metav1.LabelSelector{MatchLabels: selector(s, w)},
		Strategy: appsv1.DeploymentStrategy{
			Type: appsv1.RollingUpdateDeploymentStrategyType,
			RollingUpdate: &appsv1.RollingUpdateDeployment{
				MaxUnavailable: new(intOrString(s.Deploy.MaxUnavailable)),
				MaxSurge:       new(intOrString(s.Deploy.MaxSurge)),
			},
		},
		Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{
				Labels: templateLabels(c, s, w),
				Annotations: map[string]string{
					AnnotationScrape: "true",
					AnnotationPath:   s.Metrics.Path,
					AnnotationPort:   strconv.Itoa(s.Metrics.Port),
				},
			},
			Spec: pod,
		},
	}
	// An autoscaled Deployment leaves its replica count to the autoscaler:
	// a count here would be reapplied over the autoscaler's on every apply.
	if !w.Autoscaled() {
		spec.Replicas = new(int32(w.MinReplicas))
	}
	return &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: objectMeta(c, w.Name, podLabels(s, w)),
		Spec:       spec,
	}, nil
}

func podSpec(s *catalog.Service, w catalog.Workload) (corev1.PodSpec, error) {
	res, err := resources(s.Resources)
	if err != nil {
		return corev1.PodSpec{}, err
	}
	ports := []corev1.ContainerPort{{Name: PortHTTP, ContainerPort: int32(s.Port), Protocol: corev1.ProtocolTCP}}
	if s.Metrics.Port != s.Port {
		ports = append(ports, corev1.ContainerPort{Name: PortMetrics, ContainerPort: int32(s.Metrics.Port), Protocol: corev1.ProtocolTCP})
	}
	spec := corev1.PodSpec{
		// Services call each other through the mesh, not the API server.
		AutomountServiceAccountToken: new(false),
		SecurityContext: &corev1.PodSecurityContext{
			RunAsNonRoot:   new(true),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
		Containers: []corev1.Container{{
			Name:           s.Name,
			Image:          w.Image,
			Ports:          ports,
			Resources:      res,
			LivenessProbe:  probe(s.Probes.Liveness),
			ReadinessProbe: probe(s.Probes.Readiness),
			SecurityContext: &corev1.SecurityContext{
				AllowPrivilegeEscalation: new(false),
				ReadOnlyRootFilesystem:   new(true),
				Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			},
			VolumeMounts: []corev1.VolumeMount{{Name: tmpVolume, MountPath: tmpPath}},
		}},
		Volumes: []corev1.Volume{{
			Name:         tmpVolume,
			VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}},
		}},
	}
	if w.MaxReplicas >= 2 {
		spec.TopologySpreadConstraints = spread(selector(s, w))
	}
	return spec, nil
}

// spread keeps a workload's pods apart: over zones as a preference (a
// cluster without zone labels, or with a zone down, still schedules), over
// nodes as a requirement, so that one node lost never takes two replicas
// while another node could have held one. Tainted nodes (cordoned, control
// plane) do not count as places the pods should be. Only the pods of the
// same revision count, so a rollout is not placed against the pods it
// replaces.
func spread(sel map[string]string) []corev1.TopologySpreadConstraint {
	c := func(key string, when corev1.UnsatisfiableConstraintAction) corev1.TopologySpreadConstraint {
		return corev1.TopologySpreadConstraint{
			MaxSkew:           1,
			TopologyKey:       key,
			WhenUnsatisfiable: when,
			LabelSelector:     &metav1.LabelSelector{MatchLabels: sel},
			MatchLabelKeys:    []string{podTemplateHashLabel},
			NodeTaintsPolicy:  new(corev1.NodeInclusionPolicyHonor),
		}
	}
	return []corev1.TopologySpreadConstraint{
		c(corev1.LabelTopologyZone, corev1.ScheduleAnyway),
		c(corev1.LabelHostname, corev1.DoNotSchedule),
	}
}

// probe is an HTTP GET on the service port. The compiler has checked that
// the durations are whole seconds.
func probe(p catalog.Probe) *corev1.Probe {
	return &corev1.Probe{
		ProbeHandler: corev1.ProbeHandler{
			HTTPGet: &corev1.HTTPGetAction{Path: p.Path, Port: intstr.FromString(PortHTTP)},
		},
		InitialDelaySeconds: int32(p.InitialDelay / time.Second),
		PeriodSeconds:       int32(p.Period / time.Second),
	}
}

func resources(r catalog.Resources) (corev1.ResourceRequirements, error) {
	requests, err := resourceList(r.Requests)
	if err != nil {
		return corev1.ResourceRequirements{}, fmt.Errorf("resources.requests: %w", err)
	}
	limits, err := resourceList(r.Limits)
	if err != nil {
		return corev1.ResourceRequirements{}, fmt.Errorf("resources.limits: %w", err)
	}
	return corev1.ResourceRequirements{Requests: requests, Limits: limits}, nil
}

func resourceList(l catalog.ResourceList) (corev1.ResourceList, error) {
	cpu, err := resource.ParseQuantity(l.CPU)
	if err != nil {
		return nil, fmt.Errorf("cpu %q: %w", l.CPU, err)
	}
	mem, err := resource.ParseQuantity(l.Memory)
	if err != nil {
		return nil, fmt.Errorf("memory %q: %w", l.Memory, err)
	}
	return corev1.ResourceList{corev1.ResourceCPU: cpu, corev1.ResourceMemory: mem}, nil
}
