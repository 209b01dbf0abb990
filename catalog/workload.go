package catalog

// The Deployments of a service: what its deploy strategy means in
// Deployments, which the Kubernetes target writes, the Istio target's subsets
// select and the compiler's eviction check counts. Every pod of a service
// carries the labels conventions.LabelName=<service> and
// conventions.LabelVersion=<Workload.Version>; a rolling service's pods are
// version "stable" too, so that switching it to canary adds a Deployment
// instead of replacing one (a Deployment's selector cannot change).

// Versions of a canary service's Deployments (a blue-green service's are its
// Colors): the Workload.Version values, and the Istio subset names.
const (
	VersionStable = "stable"
	VersionCanary = "canary"
)

// Workload is one Deployment of a service.
type Workload struct {
	// Name is the Deployment's name, and that of its PodDisruptionBudget and
	// HorizontalPodAutoscaler: the service name for the rolling and the
	// stable Deployment, <service>-canary, <service>-blue, <service>-green.
	Name string
	// Version is the conventions.LabelVersion value of its pods (its Istio subset).
	Version string
	// Image is the container image it runs.
	Image string
	// MinReplicas and MaxReplicas are the range its autoscaler keeps it in;
	// equal when it runs a fixed number of pods.
	MinReplicas int
	MaxReplicas int
	// Live reports whether the service's Kubernetes Service sends it traffic
	// (false only for the idle blue-green colour).
	Live bool
}

// Autoscaled reports whether the workload's replica count is left to an
// autoscaler.
func (w Workload) Autoscaled() bool { return w.MaxReplicas > w.MinReplicas }

// Workloads returns the Deployments of s in the order they are written:
// rolling one; canary stable then canary; blue-green blue then green.
func (s *Service) Workloads() []Workload {
	main := Workload{
		Name:        s.Name,
		Version:     VersionStable,
		Image:       s.Image,
		MinReplicas: s.Replicas.Min,
		MaxReplicas: s.Replicas.Max,
		Live:        true,
	}
	switch d := s.Deploy; {
	case d.Strategy == StrategyCanary && d.Canary != nil:
		return []Workload{main, {
			Name:        s.Name + "-" + VersionCanary,
			Version:     VersionCanary,
			Image:       d.Canary.Image,
			MinReplicas: d.Canary.Replicas,
			MaxReplicas: d.Canary.Replicas,
			Live:        true,
		}}
	case d.Strategy == StrategyBlueGreen && d.BlueGreen != nil:
		var out []Workload
		for _, c := range []Color{Blue, Green} {
			w := main
			w.Name = s.Name + "-" + string(c)
			w.Version = string(c)
			w.Image = d.BlueGreen.Image(c)
			w.Live = d.BlueGreen.Active == c
			out = append(out, w)
		}
		return out
	}
	return []Workload{main}
}
