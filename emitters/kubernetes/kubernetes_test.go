package kubernetes_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/compilertest"
	"github.com/svcgen/svcgen/conventions"
	"github.com/svcgen/svcgen/emitters/kubernetes"
	"github.com/svcgen/svcgen/examples"
)

// emitFiles runs the emitter and decodes every file, keyed by service name.
func emitFiles(t *testing.T, c *catalog.Catalog) (map[string]*file, map[string][]byte) {
	t.Helper()
	out, err := kubernetes.Emitter{}.Emit(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(c.Services) {
		t.Fatalf("%d files for %d services", len(out), len(c.Services))
	}
	files, raw := map[string]*file{}, map[string][]byte{}
	for i, s := range c.Services {
		if want := "kubernetes/" + s.Name + ".yaml"; out[i].Path != want {
			t.Fatalf("file %d is %s, want %s", i, out[i].Path, want)
		}
		f, err := decodeFile(out[i].Data)
		if err != nil {
			t.Fatalf("%s: %v", out[i].Path, err)
		}
		for _, e := range validate(f) {
			t.Errorf("%s: %v", out[i].Path, e)
		}
		files[s.Name], raw[s.Name] = f, out[i].Data
	}
	return files, raw
}

// compileCatalog compiles a catalog of one team, web, and the given services
// (CUE fields of services:).
func compileCatalog(t *testing.T, services string) *catalog.Catalog {
	t.Helper()
	src := "package catalog\n\nsettings: {namespace: \"apps\", alerting: defaultReceiver: team: \"web\"}\n" +
		"teams: web: receivers: slack: {channel: \"#web\", apiURLFile: \"/etc/slack\"}\n" +
		"teams: web: receivers: pagerduty: routingKeyFile: \"/etc/pd\"\n" +
		"services: {\n" + services + "\n}\n"
	return compilertest.MustCompile(t, compilertest.One(src))
}

// TestExamples decodes every file of every example strictly and checks that
// the objects fit together and carry what the catalog says.
func TestExamples(t *testing.T) {
	for _, name := range examples.Names() {
		t.Run(name, func(t *testing.T) {
			c := examples.Compile(t, name)
			files, _ := emitFiles(t, c)
			for _, s := range c.Services {
				t.Run(s.Name, func(t *testing.T) {
					f := files[s.Name]
					checkSelectors(t, c, s, f)
					checkBudgets(t, s, f)
					for _, d := range f.deployments {
						checkPod(t, s, d)
					}
				})
			}
		})
	}
}

// checkSelectors: every Service, PodDisruptionBudget and
// HorizontalPodAutoscaler selects or targets pods that a Deployment of the
// same file creates; every pod carries the labels Istio's subsets and
// sourceLabels match; each Deployment has exactly one budget (the eviction
// API refuses a pod with two) and at most one autoscaler.
func checkSelectors(t *testing.T, c *catalog.Catalog, s *catalog.Service, f *file) {
	t.Helper()
	ws := s.Workloads()
	if len(f.deployments) != len(ws) {
		t.Fatalf("%d Deployments, want %d", len(f.deployments), len(ws))
	}
	byName := map[string]*appsv1.Deployment{}
	for i, d := range f.deployments {
		w := ws[i]
		if d.Name != w.Name || d.Namespace != c.Settings.Namespace {
			t.Errorf("Deployment %d is %s/%s, want %s/%s", i, d.Namespace, d.Name, c.Settings.Namespace, w.Name)
		}
		pod := d.Spec.Template.Labels
		if !selects(d.Spec.Selector, pod) {
			t.Errorf("Deployment %s: selector %v does not select its own pods %v", d.Name, d.Spec.Selector, pod)
		}
		if pod[conventions.LabelName] != s.Name || pod[conventions.LabelVersion] != w.Version {
			t.Errorf("Deployment %s: pods labelled %v, want %s=%s and %s=%s", d.Name, pod, conventions.LabelName, s.Name, conventions.LabelVersion, w.Version)
		}
		byName[d.Name] = d
	}

	if len(f.services) != 1 {
		t.Fatalf("%d Services, want 1", len(f.services))
	}
	svc := f.services[0]
	if svc.Name != s.Name || svc.Namespace != c.Settings.Namespace {
		t.Errorf("Service is %s/%s", svc.Namespace, svc.Name)
	}
	if len(svc.Spec.Ports) != 1 {
		t.Fatalf("Service has %d ports", len(svc.Spec.Ports))
	}
	p := svc.Spec.Ports[0]
	if p.Name != kubernetes.PortHTTP || int(p.Port) != s.Port || p.TargetPort != intstr.FromInt32(int32(s.Port)) {
		t.Errorf("Service port %+v, want http %d → %d", p, s.Port, s.Port)
	}
	for i, d := range f.deployments {
		sel := svc.Spec.Selector
		got := len(sel) > 0 && selects(metaSelector(sel), d.Spec.Template.Labels)
		if got != ws[i].Live {
			t.Errorf("Service selector %v selects %s: %v, want %v", sel, d.Name, got, ws[i].Live)
		}
		if got && !slices.ContainsFunc(d.Spec.Template.Spec.Containers[0].Ports, func(cp corev1.ContainerPort) bool {
			return cp.Name == kubernetes.PortHTTP && int(cp.ContainerPort) == s.Port
		}) {
			t.Errorf("Service sends port %d to %s, whose container has no port http %d", s.Port, d.Name, s.Port)
		}
	}

	covered := map[string]int{}
	for _, b := range f.budgets {
		n := 0
		for _, d := range f.deployments {
			if selects(b.Spec.Selector, d.Spec.Template.Labels) {
				covered[d.Name]++
				n++
			}
		}
		if n == 0 {
			t.Errorf("PodDisruptionBudget %s selects no pod of this file", b.Name)
		}
	}
	targeted := map[string]int{}
	for _, h := range f.autoscalers {
		ref := h.Spec.ScaleTargetRef
		if ref.APIVersion != "apps/v1" || ref.Kind != "Deployment" || byName[ref.Name] == nil {
			t.Errorf("HorizontalPodAutoscaler %s targets %s %s %s, not a Deployment of this file", h.Name, ref.APIVersion, ref.Kind, ref.Name)
			continue
		}
		targeted[ref.Name]++
	}
	for i, d := range f.deployments {
		if covered[d.Name] != 1 {
			t.Errorf("Deployment %s: pods selected by %d PodDisruptionBudgets, want 1", d.Name, covered[d.Name])
		}
		w := ws[i]
		switch {
		case targeted[d.Name] > 1:
			t.Errorf("Deployment %s has %d autoscalers", d.Name, targeted[d.Name])
		case w.Autoscaled() && (targeted[d.Name] != 1 || d.Spec.Replicas != nil):
			t.Errorf("Deployment %s: autoscaled in %d..%d, has %d autoscalers and replicas %v; want 1 and none",
				d.Name, w.MinReplicas, w.MaxReplicas, targeted[d.Name], d.Spec.Replicas)
		case !w.Autoscaled() && (targeted[d.Name] != 0 || d.Spec.Replicas == nil || int(*d.Spec.Replicas) != w.MinReplicas):
			t.Errorf("Deployment %s: fixed at %d, has %d autoscalers and replicas %v", d.Name, w.MinReplicas, targeted[d.Name], d.Spec.Replicas)
		}
	}
	for _, h := range f.autoscalers {
		w := ws[slices.IndexFunc(ws, func(w catalog.Workload) bool { return w.Name == h.Spec.ScaleTargetRef.Name })]
		m := h.Spec.Metrics
		if h.Spec.MinReplicas == nil || int(*h.Spec.MinReplicas) != w.MinReplicas || int(h.Spec.MaxReplicas) != w.MaxReplicas ||
			len(m) != 1 || m[0].Resource == nil || m[0].Resource.Name != corev1.ResourceCPU ||
			m[0].Resource.Target.AverageUtilization == nil || *m[0].Resource.Target.AverageUtilization != kubernetes.CPUTarget {
			t.Errorf("HorizontalPodAutoscaler %s: %+v, want %d..%d on CPU at %d%%", h.Name, h.Spec, w.MinReplicas, w.MaxReplicas, kubernetes.CPUTarget)
		}
	}
}

// checkBudgets: at the fewest pods a Deployment runs, its budget allows at
// least one voluntary eviction (the disruption controller rounds
// percentages up), and unhealthy pods may always be evicted.
func checkBudgets(t *testing.T, s *catalog.Service, f *file) {
	t.Helper()
	for i, b := range f.budgets {
		floor := s.Workloads()[i].MinReplicas
		allowed := 0
		switch {
		case b.Spec.MaxUnavailable != nil && b.Spec.MinAvailable == nil:
			n, err := intstr.GetScaledValueFromIntOrPercent(b.Spec.MaxUnavailable, floor, true)
			if err != nil {
				t.Fatal(err)
			}
			allowed = n
		case b.Spec.MinAvailable != nil && b.Spec.MaxUnavailable == nil:
			n, err := intstr.GetScaledValueFromIntOrPercent(b.Spec.MinAvailable, floor, true)
			if err != nil {
				t.Fatal(err)
			}
			allowed = floor - n
		default:
			t.Errorf("PodDisruptionBudget %s sets %v and %v", b.Name, b.Spec.MaxUnavailable, b.Spec.MinAvailable)
		}
		if allowed < 1 {
			t.Errorf("PodDisruptionBudget %s allows no eviction at %d pods", b.Name, floor)
		}
		if b.Spec.UnhealthyPodEvictionPolicy == nil || *b.Spec.UnhealthyPodEvictionPolicy != "AlwaysAllow" {
			t.Errorf("PodDisruptionBudget %s: unhealthyPodEvictionPolicy %v", b.Name, b.Spec.UnhealthyPodEvictionPolicy)
		}
	}
}

// checkPod: the pod runs what the catalog says, hardened.
func checkPod(t *testing.T, s *catalog.Service, d *appsv1.Deployment) {
	t.Helper()
	w := s.Workloads()[slices.IndexFunc(s.Workloads(), func(w catalog.Workload) bool { return w.Name == d.Name })]
	ru := d.Spec.Strategy.RollingUpdate
	if d.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType || ru == nil ||
		ru.MaxUnavailable.String() != s.Deploy.MaxUnavailable.String() || ru.MaxSurge.String() != s.Deploy.MaxSurge.String() {
		t.Errorf("%s: strategy %+v, want rolling %s/%s", d.Name, d.Spec.Strategy, s.Deploy.MaxUnavailable, s.Deploy.MaxSurge)
	}
	tpl := d.Spec.Template
	for k, v := range map[string]string{
		kubernetes.AnnotationScrape: "true",
		kubernetes.AnnotationPath:   s.Metrics.Path,
		kubernetes.AnnotationPort:   fmt.Sprint(s.Metrics.Port),
	} {
		if tpl.Annotations[k] != v {
			t.Errorf("%s: annotation %s=%q, want %q", d.Name, k, tpl.Annotations[k], v)
		}
	}
	for k, v := range map[string]string{
		kubernetes.LabelTeam:      s.Team,
		kubernetes.LabelTier:      string(s.Tier),
		kubernetes.LabelManagedBy: kubernetes.ManagedBy,
	} {
		if tpl.Labels[k] != v || d.Labels[k] != v {
			t.Errorf("%s: label %s=%q on the pods, %q on the Deployment; want %q", d.Name, k, tpl.Labels[k], d.Labels[k], v)
		}
	}
	ps := tpl.Spec
	if len(ps.Containers) != 1 {
		t.Fatalf("%s: %d containers", d.Name, len(ps.Containers))
	}
	ct := ps.Containers[0]
	if ct.Image != w.Image {
		t.Errorf("%s runs %s, want %s", d.Name, ct.Image, w.Image)
	}
	if ps.Containers[0].Name != s.Name {
		t.Errorf("%s: container %s", d.Name, ct.Name)
	}
	for _, p := range []struct {
		name  string
		got   *corev1.Probe
		model catalog.Probe
	}{{"liveness", ct.LivenessProbe, s.Probes.Liveness}, {"readiness", ct.ReadinessProbe, s.Probes.Readiness}} {
		g := p.got
		if g == nil || g.HTTPGet == nil || g.HTTPGet.Path != p.model.Path || g.HTTPGet.Port != intstr.FromString(kubernetes.PortHTTP) ||
			time.Duration(g.InitialDelaySeconds)*time.Second != p.model.InitialDelay || time.Duration(g.PeriodSeconds)*time.Second != p.model.Period {
			t.Errorf("%s: %s probe %+v, want GET %s after %v every %v", d.Name, p.name, g, p.model.Path, p.model.InitialDelay, p.model.Period)
		}
	}
	for _, r := range []struct {
		name  string
		got   corev1.ResourceList
		model catalog.ResourceList
	}{{"requests", ct.Resources.Requests, s.Resources.Requests}, {"limits", ct.Resources.Limits, s.Resources.Limits}} {
		cpu, mem := r.got[corev1.ResourceCPU], r.got[corev1.ResourceMemory]
		if len(r.got) != 2 || cpu.Cmp(resource.MustParse(r.model.CPU)) != 0 || mem.Cmp(resource.MustParse(r.model.Memory)) != 0 {
			t.Errorf("%s: %s %v, want cpu %s memory %s", d.Name, r.name, r.got, r.model.CPU, r.model.Memory)
		}
	}

	psc, sc := ps.SecurityContext, ct.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot ||
		psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("%s: pod security context %+v", d.Name, psc)
	}
	if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
		sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
		sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) > 0 ||
		sc.Privileged != nil {
		t.Errorf("%s: container security context %+v", d.Name, sc)
	}
	if ps.AutomountServiceAccountToken == nil || *ps.AutomountServiceAccountToken {
		t.Errorf("%s mounts a service account token", d.Name)
	}
	// The read-only root leaves /tmp writable, on an emptyDir.
	if len(ct.VolumeMounts) != 1 || ct.VolumeMounts[0].MountPath != "/tmp" || ct.VolumeMounts[0].ReadOnly ||
		len(ps.Volumes) != 1 || ps.Volumes[0].Name != ct.VolumeMounts[0].Name || ps.Volumes[0].EmptyDir == nil {
		t.Errorf("%s: volumes %+v mounted %+v, want an emptyDir at /tmp", d.Name, ps.Volumes, ct.VolumeMounts)
	}

	spread := ps.TopologySpreadConstraints
	if w.MaxReplicas < 2 {
		if len(spread) != 0 {
			t.Errorf("%s runs at most one pod but spreads it: %+v", d.Name, spread)
		}
		return
	}
	var keys []string
	for _, c := range spread {
		keys = append(keys, c.TopologyKey)
		if c.MaxSkew != 1 || !selects(c.LabelSelector, tpl.Labels) || !slices.Equal(c.MatchLabelKeys, []string{"pod-template-hash"}) {
			t.Errorf("%s: spread over %s: %+v", d.Name, c.TopologyKey, c)
		}
	}
	if !slices.Equal(keys, []string{corev1.LabelTopologyZone, corev1.LabelHostname}) {
		t.Errorf("%s: spread over %v, want zones and nodes", d.Name, keys)
	}
}

func TestStrategies(t *testing.T) {
	for _, tc := range []struct {
		name    string
		service string
		want    []string // kind/name in file order
		images  map[string]string
	}{
		{
			name:    "rolling",
			service: `a: {team: "web", tier: "high", image: "r.example.com/a:1.0.0"}`,
			want:    []string{"Service/a", "Deployment/a", "PodDisruptionBudget/a", "HorizontalPodAutoscaler/a"},
		},
		{
			name:    "rolling at a fixed size has no autoscaler",
			service: `a: {team: "web", tier: "high", image: "r.example.com/a:1.0.0", replicas: {min: 2, max: 2}}`,
			want:    []string{"Service/a", "Deployment/a", "PodDisruptionBudget/a"},
		},
		{
			name: "canary",
			service: `a: {team: "web", tier: "critical", image: "r.example.com/a:1.0.0",
				deploy: {strategy: "canary", canary: {replicas: 2, image: "r.example.com/a:1.1.0"}}}`,
			want: []string{"Service/a", "Deployment/a", "Deployment/a-canary",
				"PodDisruptionBudget/a", "PodDisruptionBudget/a-canary", "HorizontalPodAutoscaler/a"},
			images: map[string]string{"a": "r.example.com/a:1.0.0", "a-canary": "r.example.com/a:1.1.0"},
		},
		{
			name: "blue-green",
			service: `a: {team: "web", tier: "medium", image: "r.example.com/a:1.0.0",
				deploy: {strategy: "blue-green", blueGreen: {active: "green", images: blue: "r.example.com/a:2.0.0"}}}`,
			want: []string{"Service/a", "Deployment/a-blue", "Deployment/a-green",
				"PodDisruptionBudget/a-blue", "PodDisruptionBudget/a-green",
				"HorizontalPodAutoscaler/a-blue", "HorizontalPodAutoscaler/a-green"},
			images: map[string]string{"a-blue": "r.example.com/a:2.0.0", "a-green": "r.example.com/a:1.0.0"},
		},
		{
			name: "single replica: no spread, a budget that still allows the eviction",
			service: `a: {team: "web", tier: "low", image: "r.example.com/a@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
				replicas: {min: 1, max: 1}, metrics: {port: 9090, path: "/internal/metrics"}}`,
			want: []string{"Service/a", "Deployment/a", "PodDisruptionBudget/a"},
		},
		{
			name: "minAvailable and percentages",
			service: `a: {team: "web", tier: "high", image: "r.example.com/a:1.0.0", replicas: {min: 4, max: 8},
				deploy: {maxUnavailable: "25%", maxSurge: "50%"}, disruptionBudget: minAvailable: "50%"}`,
			want: []string{"Service/a", "Deployment/a", "PodDisruptionBudget/a", "HorizontalPodAutoscaler/a"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := compileCatalog(t, tc.service)
			files, _ := emitFiles(t, c)
			s := c.Service("a")
			f := files["a"]
			var got []string
			for _, o := range f.objects {
				got = append(got, o.GetObjectKind().GroupVersionKind().Kind+"/"+nameOf(o))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("objects\n  %v\nwant\n  %v", got, tc.want)
			}
			checkSelectors(t, c, s, f)
			checkBudgets(t, s, f)
			for _, d := range f.deployments {
				checkPod(t, s, d)
				if want, ok := tc.images[d.Name]; ok && d.Spec.Template.Spec.Containers[0].Image != want {
					t.Errorf("%s runs %s, want %s", d.Name, d.Spec.Template.Spec.Containers[0].Image, want)
				}
			}
		})
	}
}

func nameOf(o any) string {
	return o.(interface{ GetName() string }).GetName()
}

// TestMetricsPort: a metrics port apart from the service port is a second
// container port, and the scrape annotations name it; the Service still has
// only http.
func TestMetricsPort(t *testing.T) {
	c := compileCatalog(t, `a: {team: "web", tier: "low", image: "r.example.com/a:1.0.0", metrics: {port: 9090, path: "/internal/metrics"}}`)
	files, _ := emitFiles(t, c)
	d := files["a"].deployments[0]
	ports := d.Spec.Template.Spec.Containers[0].Ports
	want := []corev1.ContainerPort{
		{Name: "http", ContainerPort: 8080, Protocol: corev1.ProtocolTCP},
		{Name: "metrics", ContainerPort: 9090, Protocol: corev1.ProtocolTCP},
	}
	if !slices.Equal(ports, want) {
		t.Errorf("ports %+v, want %+v", ports, want)
	}
}

// TestAppVersion: the image tag labels the Deployment and its pods when it
// can be a label value, and never the budget or the autoscaler (a release
// then changes only the Deployment).
func TestAppVersion(t *testing.T) {
	for _, tc := range []struct{ image, want string }{
		{"r.example.com/a:1.4.2", "1.4.2"},
		{"r.example.com:5000/team/a:v2.0.0-rc.1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "v2.0.0-rc.1"},
		{"r.example.com/a@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", ""},
		{"r.example.com/a:" + strings.Repeat("1", 64), ""},
		{"r.example.com/a:_build", ""},
	} {
		c := compileCatalog(t, fmt.Sprintf(`a: {team: "web", tier: "high", image: %q}`, tc.image))
		files, _ := emitFiles(t, c)
		f := files["a"]
		d := f.deployments[0]
		for _, l := range []map[string]string{d.Labels, d.Spec.Template.Labels} {
			if got, ok := l[kubernetes.LabelAppVersion]; got != tc.want || ok != (tc.want != "") {
				t.Errorf("%s: %s=%q (set %v), want %q", tc.image, kubernetes.LabelAppVersion, got, ok, tc.want)
			}
		}
		for _, l := range []map[string]string{f.budgets[0].Labels, f.autoscalers[0].Labels, f.services[0].Labels} {
			if _, ok := l[kubernetes.LabelAppVersion]; ok {
				t.Errorf("%s: release label on %v", tc.image, l)
			}
		}
	}
}

// TestBlueGreenSwitchIsOneLine: switching colour is one line of the catalog
// and one line of the output.
func TestBlueGreenSwitchIsOneLine(t *testing.T) {
	const svc = `a: {team: "web", tier: "high", image: "r.example.com/a:1.0.0",
	deploy: {strategy: "blue-green", blueGreen: {active: %q, images: green: "r.example.com/a:1.1.0"}}}
b: {team: "web", tier: "low", image: "r.example.com/b:1.0.0"}`
	_, blue := emitFiles(t, compileCatalog(t, fmt.Sprintf(svc, "blue")))
	_, green := emitFiles(t, compileCatalog(t, fmt.Sprintf(svc, "green")))
	if !bytes.Equal(blue["b"], green["b"]) {
		t.Error("switching a's colour changed b's file")
	}
	bl, gl := strings.Split(string(blue["a"]), "\n"), strings.Split(string(green["a"]), "\n")
	if len(bl) != len(gl) {
		t.Fatalf("%d lines before the switch, %d after", len(bl), len(gl))
	}
	var diff []string
	for i := range bl {
		if bl[i] != gl[i] {
			diff = append(diff, fmt.Sprintf("line %d: %q → %q", i+1, bl[i], gl[i]))
		}
	}
	if len(diff) != 1 || !strings.HasSuffix(diff[0], `"    version: blue" → "    version: green"`) {
		t.Errorf("switching colour changed:\n%s", strings.Join(diff, "\n"))
	}
}

// TestDeterministic: the same catalog gives the same bytes, however often
// it is emitted (labels and selectors are maps).
func TestDeterministic(t *testing.T) {
	c := examples.Compile(t, "shop")
	first, err := kubernetes.Emitter{}.Emit(c)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		again, err := kubernetes.Emitter{}.Emit(c)
		if err != nil {
			t.Fatal(err)
		}
		for i := range first {
			if first[i].Path != again[i].Path || !bytes.Equal(first[i].Data, again[i].Data) {
				t.Fatalf("%s differs between two runs", first[i].Path)
			}
		}
	}
}

// BenchmarkEmit emits 1,000 services: the shop's seven, cloned under new
// names (all three strategies).
func BenchmarkEmit(b *testing.B) {
	shop := examples.Compile(b, "shop")
	var services []*catalog.Service
	for i := range 1000 {
		s := *shop.Services[i%len(shop.Services)]
		s.Name = fmt.Sprintf("%s-%d", s.Name, i)
		services = append(services, &s)
	}
	c := catalog.New(shop.Settings, shop.Teams, services)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (kubernetes.Emitter{}).Emit(c); err != nil {
			b.Fatal(err)
		}
	}
}
