package istio

import (
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
	networking "istio.io/api/networking/v1"
	typev1beta1 "istio.io/api/type/v1beta1"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/conventions"
)

// object is one Istio resource before marshalling.
type object struct {
	Kind string
	Name string
	// Comment is the line written above the document.
	Comment string
	Spec    proto.Message
}

// objects builds a host's resources in the order they should be applied:
// the ServiceEntry that makes an outside host known, the DestinationRules
// that define its subsets (a route to a subset that does not exist yet fails
// every request), then the VirtualService that routes to them.
func objects(c *catalog.Catalog, h *host) []object {
	var out []object
	if h.NeedsServiceEntry() && len(h.Edges) > 0 {
		out = append(out, serviceEntry(h))
	}
	out = append(out, destinationRules(h)...)
	if vs, ok := virtualService(c, h); ok {
		out = append(out, vs)
	}
	return out
}

// privateExport limits an object to the catalog's namespace. Objects about
// hosts outside the catalog carry the catalog's callers' policies, which are
// nobody else's business; a catalog service's own objects are visible to
// callers in every namespace.
var privateExport = []string{"."}

func serviceEntry(h *host) object {
	return object{
		Kind:    KindServiceEntry,
		Name:    h.Name,
		Comment: "ServiceEntry: " + h.FQDN + " is outside the mesh, reached on port " + itoa(h.Port) + " (" + h.Protocol + ") by " + callerList(h.Edges) + ".",
		Spec: &networking.ServiceEntry{
			Hosts: []string{h.FQDN},
			Ports: []*networking.ServicePort{{
				Number:   uint32(h.Port),
				Protocol: h.Protocol,
				Name:     portName(h.Protocol, h.Port),
			}},
			Location:   networking.ServiceEntry_MESH_EXTERNAL,
			Resolution: networking.ServiceEntry_DNS,
			ExportTo:   privateExport,
		},
	}
}

// subsets are the versions of a catalog service's pods that routes pick
// between, matching the version label the Kubernetes emitter gives each
// Deployment of the strategy.
func subsets(h *host) []*networking.Subset {
	if !h.Internal() {
		return nil
	}
	var names []string
	switch d := h.Callee.Deploy; d.Strategy {
	case catalog.StrategyCanary:
		names = []string{catalog.VersionStable, catalog.VersionCanary}
	case catalog.StrategyBlueGreen:
		names = []string{string(catalog.Blue), string(catalog.Green)}
	}
	var out []*networking.Subset
	for _, n := range names {
		out = append(out, &networking.Subset{Name: n, Labels: map[string]string{conventions.LabelVersion: n}})
	}
	return out
}

// destinationRules gives the host one DestinationRule with the pool and
// breaker most of its callers share (and its subsets), and one per caller
// whose pool or breaker differs, selected by the caller's pod labels.
//
// Why per-caller rules rather than one merged policy: pool limits and
// outlier detection are enforced by each caller's own sidecar, so they are
// per caller by nature, and a caller that declared a small bulkhead to
// protect itself must not inherit a larger one. Istio resolves a rule with a
// workloadSelector only for the selected pods of its own namespace (where
// every catalog service runs), and applies its traffic policy instead of the
// host-level rule's. Each such rule repeats the host's subsets: without them
// the caller's sidecar would have no subset clusters to route to. (Current
// istiod also copies the host-level rule's subsets into it, but only because
// it happens to sort rules with selectors first; the price of not relying on
// that is a duplicate-subset count in istiod's metrics.)
func destinationRules(h *host) []object {
	subs := subsets(h)
	if len(h.Edges) == 0 {
		if len(subs) == 0 {
			return nil
		}
		return []object{{
			Kind:    KindDestinationRule,
			Name:    h.Name,
			Comment: "DestinationRule: the subsets " + subsetList(subs) + " of " + h.Callee.Name + "; no catalog service calls it, so no pool or breaker is declared.",
			Spec:    &networking.DestinationRule{Host: h.FQDN, Subsets: subs},
		}}
	}
	def, exceptions := split(h.Edges, poolFor)
	var export []string
	if !h.Internal() {
		export = privateExport
	}
	comment := "DestinationRule: connection pool and outlier detection of " + h.FQDN + " for " + callerList(without(h.Edges, exceptions))
	if len(exceptions) > 0 {
		comment += " (and callers outside the catalog)"
	}
	if len(subs) > 0 {
		comment += "; subsets " + subsetList(subs)
	}
	out := []object{{
		Kind:    KindDestinationRule,
		Name:    h.Name,
		Comment: comment + ".",
		Spec: &networking.DestinationRule{
			Host:          h.FQDN,
			TrafficPolicy: trafficPolicy(def),
			Subsets:       subs,
			ExportTo:      export,
		},
	}}
	for _, e := range exceptions {
		out = append(out, object{
			Kind:    KindDestinationRule,
			Name:    CallerObjectName(h.Name, e.Caller.Name),
			Comment: "DestinationRule: " + e.Caller.Name + "'s own connection pool and outlier detection for " + h.FQDN + " (dependency " + e.Dep.Name + "), used only by its pods.",
			Spec: &networking.DestinationRule{
				Host:             h.FQDN,
				TrafficPolicy:    trafficPolicy(poolFor(e.Dep)),
				Subsets:          subs,
				ExportTo:         privateExport,
				WorkloadSelector: &typev1beta1.WorkloadSelector{MatchLabels: selectorLabels(e.Caller.Name)},
			},
		})
	}
	return out
}

func trafficPolicy(p poolPolicy) *networking.TrafficPolicy {
	pool := &networking.ConnectionPoolSettings{
		Tcp: &networking.ConnectionPoolSettings_TCPSettings{
			MaxConnections: int32(p.MaxConnections),
			ConnectTimeout: duration(p.Connect),
		},
	}
	if p.HTTP && p.MaxRequests > 0 {
		pool.Http = &networking.ConnectionPoolSettings_HTTPSettings{
			Http1MaxPendingRequests: int32(p.MaxPending),
			Http2MaxRequests:        int32(p.MaxRequests),
		}
	}
	return &networking.TrafficPolicy{
		ConnectionPool: pool,
		OutlierDetection: &networking.OutlierDetection{
			Consecutive_5XxErrors: wrapperspb.UInt32(uint32(p.Consecutive5xx)),
			Interval:              duration(p.Interval),
			BaseEjectionTime:      duration(p.Ejection),
			MaxEjectionPercent:    MaxEjectionPercent,
		},
	}
}

// virtualService routes a host's HTTP requests: first the routes of callers
// whose timeout or retries differ from most callers' (matched on their pods'
// labels and namespace), then the default route with the shared policy. A
// canary adds, ahead of each, a route that sends requests carrying the canary
// header to the canary. Hosts whose traffic the sidecar cannot read (TLS,
// TCP) get no VirtualService: nothing in one would apply.
func virtualService(c *catalog.Catalog, h *host) (object, bool) {
	if !h.HTTP() {
		return object{}, false
	}
	if len(h.Edges) == 0 && len(subsets(h)) == 0 {
		return object{}, false
	}
	def, exceptions := split(h.Edges, routeFor)
	var routes []*networking.HTTPRoute
	for _, e := range exceptions {
		match := &networking.HTTPMatchRequest{
			SourceLabels:    selectorLabels(e.Caller.Name),
			SourceNamespace: c.Settings.Namespace,
		}
		routes = append(routes, httpRoutes(h, CallerRoute(e.Caller.Name), match, routeFor(e.Dep))...)
	}
	routes = append(routes, httpRoutes(h, RouteDefault, nil, def)...)

	var export []string
	if !h.Internal() {
		export = privateExport
	}
	comment := "VirtualService: timeouts and retries of " + h.FQDN
	switch {
	case len(h.Edges) == 0:
		comment += " (no catalog service calls it: mesh defaults)"
	case len(exceptions) > 0:
		comment += ", per caller where callers differ"
	}
	if h.Internal() {
		switch d := h.Callee.Deploy; d.Strategy {
		case catalog.StrategyCanary:
			comment += "; canary " + itoa(d.Canary.Weight) + "%, and always for " + d.Canary.Header + ": \"" + CanaryHeaderValue + "\""
		case catalog.StrategyBlueGreen:
			comment += "; live colour " + string(d.BlueGreen.Active)
		}
	}
	return object{
		Kind:    KindVirtualService,
		Name:    h.Name,
		Comment: comment + ".",
		Spec: &networking.VirtualService{
			Hosts:    []string{h.FQDN},
			Http:     routes,
			ExportTo: export,
		},
	}, true
}

// httpRoutes is one caller group's routes: the canary header route first
// where there is a canary, then the route that splits or picks the subset.
func httpRoutes(h *host, name string, match *networking.HTTPMatchRequest, p routePolicy) []*networking.HTTPRoute {
	var out []*networking.HTTPRoute
	if h.Internal() && h.Callee.Deploy.Strategy == catalog.StrategyCanary {
		hm := &networking.HTTPMatchRequest{
			Headers: map[string]*networking.StringMatch{
				h.Callee.Deploy.Canary.Header: {MatchType: &networking.StringMatch_Exact{Exact: CanaryHeaderValue}},
			},
		}
		if match != nil {
			hm.SourceLabels = match.SourceLabels
			hm.SourceNamespace = match.SourceNamespace
		}
		r := &networking.HTTPRoute{
			Name:  name + RouteCanarySuffix,
			Match: []*networking.HTTPMatchRequest{hm},
			Route: []*networking.HTTPRouteDestination{{Destination: destination(h, catalog.VersionCanary)}},
		}
		applyRoutePolicy(r, p)
		out = append(out, r)
	}
	r := &networking.HTTPRoute{Name: name, Route: destinations(h)}
	if match != nil {
		r.Match = []*networking.HTTPMatchRequest{match}
	}
	applyRoutePolicy(r, p)
	return append(out, r)
}

func applyRoutePolicy(r *networking.HTTPRoute, p routePolicy) {
	if !p.Declared {
		return
	}
	r.Timeout = duration(p.Timeout)
	if p.Attempts == 0 {
		// attempts: 0 turns Istio's default retries off; Istio refuses
		// perTryTimeout or retryOn next to it.
		r.Retries = &networking.HTTPRetry{}
		return
	}
	r.Retries = &networking.HTTPRetry{
		Attempts:      int32(p.Attempts),
		PerTryTimeout: duration(p.PerTry),
		RetryOn:       RetryOn,
	}
	if p.Backoff > 0 {
		r.Retries.Backoff = duration(p.Backoff)
	}
}

// destinations is where the default (non-header) route sends requests: the
// host, the live colour, or the stable/canary split by the catalog's weight
// (a subset with weight 0 is left out rather than listed with no weight).
func destinations(h *host) []*networking.HTTPRouteDestination {
	if !h.Internal() {
		return []*networking.HTTPRouteDestination{{Destination: destination(h, "")}}
	}
	switch d := h.Callee.Deploy; d.Strategy {
	case catalog.StrategyCanary:
		var out []*networking.HTTPRouteDestination
		for _, w := range []struct {
			subset string
			weight int
		}{{catalog.VersionStable, 100 - d.Canary.Weight}, {catalog.VersionCanary, d.Canary.Weight}} {
			if w.weight > 0 {
				out = append(out, &networking.HTTPRouteDestination{Destination: destination(h, w.subset), Weight: int32(w.weight)})
			}
		}
		if len(out) == 1 {
			out[0].Weight = 0 // a single destination takes all traffic
		}
		return out
	case catalog.StrategyBlueGreen:
		return []*networking.HTTPRouteDestination{{Destination: destination(h, string(d.BlueGreen.Active))}}
	}
	return []*networking.HTTPRouteDestination{{Destination: destination(h, "")}}
}

func destination(h *host, subset string) *networking.Destination {
	port := h.Port
	if h.Internal() {
		port = h.Callee.Port
	}
	return &networking.Destination{
		Host:   h.FQDN,
		Subset: subset,
		Port:   &networking.PortSelector{Number: uint32(port)},
	}
}

func duration(d time.Duration) *durationpb.Duration { return durationpb.New(d) }

func callerList(edges []catalog.Edge) string {
	var names []string
	for _, e := range edges {
		names = append(names, e.Caller.Name)
	}
	return strings.Join(names, ", ")
}

func subsetList(subs []*networking.Subset) string {
	var names []string
	for _, s := range subs {
		names = append(names, s.Name)
	}
	return strings.Join(names, " and ")
}

// without returns the edges not in drop.
func without(edges, drop []catalog.Edge) []catalog.Edge {
	var out []catalog.Edge
	for _, e := range edges {
		keep := true
		for _, d := range drop {
			if d.Caller == e.Caller {
				keep = false
			}
		}
		if keep {
			out = append(out, e)
		}
	}
	return out
}
