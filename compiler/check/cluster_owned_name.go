package check

import (
	"strings"

	"github.com/svcgen/svcgen/compiler/diag"
)

// Objects every Kubernetes cluster already has, which generated objects
// must not replace or shadow:
//
//   - the Service "kubernetes" in namespace default, which kube-apiserver
//     creates for itself (with its EndpointSlice). A generated Service of
//     that name there replaces the API server's address for every pod. In
//     any other namespace it still shadows it: the kubelet gives pods the
//     KUBERNETES_SERVICE_HOST/PORT variables of a "kubernetes" Service in
//     their own namespace over the API server's, and client-go's in-cluster
//     configuration reads them; the short DNS name resolves to it too.
//   - the namespaces kube-system, kube-public and kube-node-lease, and the
//     kube- prefix Kubernetes reserves for its own namespaces: kube-system
//     holds kube-dns, coredns, kube-proxy and the control plane, whose
//     names a service of the catalog could take.
//
// default (a namespace, and a ServiceAccount in every namespace) is not
// refused: svcgen writes no ServiceAccounts, and default is the namespace
// svcgen itself defaults to.
var clusterOwnedName = &Rule{
	ID:       "cluster-owned-name",
	Doc:      "generated objects must not take a name the cluster owns: a Service named kubernetes, or a kube-* namespace",
	Severity: diag.Error,
	Run: func(p *Pass) {
		st := p.Catalog.Settings
		if ns := st.Namespace; strings.HasPrefix(ns, "kube-") {
			p.Report(st.Sources.Pos("namespace", st.Pos), "",
				"namespace: %s is a namespace Kubernetes owns (it reserves kube-* for itself; kube-system holds kube-dns, coredns, kube-proxy and the control plane), and services deployed there can replace its objects: set settings.namespace to a namespace of your own", ns)
		}
		for _, s := range p.Catalog.Services {
			if s.Name != "kubernetes" {
				continue
			}
			where := "in namespace " + st.Namespace + " it would shadow the API server's: pods there get its KUBERNETES_SERVICE_HOST, which in-cluster clients read"
			if st.Namespace == "default" {
				where = "in namespace default it would replace the Service kube-apiserver creates for itself, cutting every in-cluster client off from the API server"
			}
			p.Report(s.Pos, "", "service kubernetes: the Service svcgen generates for it would take the name of the API server's Service (%s): rename the service", where)
		}
	},
}
