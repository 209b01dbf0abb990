package conventions

// Pod labels set by the Kubernetes target and matched by the Istio target.
const (
	// LabelName carries the service name on every object and pod.
	LabelName = "app.kubernetes.io/name"
	// LabelVersion is the Istio subset label: a catalog.Workload's Version
	// (stable|canary or blue|green).
	LabelVersion = "version"
	// LabelManagedBy marks every object svcgen writes, with value ManagedBy.
	LabelManagedBy = "app.kubernetes.io/managed-by"
	// ManagedBy is the value of LabelManagedBy.
	ManagedBy = "svcgen"
)

// InClusterSuffix ends every host Host returns: the Kubernetes registry
// already knows such a host, so the Istio target writes it no ServiceEntry.
const InClusterSuffix = ".svc.cluster.local"

// Host is the in-mesh DNS name of a catalog service: its Kubernetes Service
// in the catalog's namespace.
func Host(service, namespace string) string {
	return service + "." + namespace + InClusterSuffix
}
