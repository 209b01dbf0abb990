package check_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/compiler/check"
	"github.com/svcgen/svcgen/compiler/compilertest"
	"github.com/svcgen/svcgen/compiler/diag"
)

const preamble = `package catalog

settings: alerting: defaultReceiver: team: "web"
teams: web: receivers: slack: {channel: "#web", apiURLFile: "/etc/slack"}
`

const digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// ruleCase is one catalog for one rule. at marks where the finding must be
// reported: the text before '|' is found in services, and the position is
// right after it; at is "" for a near miss, which must report nothing.
type ruleCase struct {
	name     string
	services string
	at       string
	message  string
}

// runRule compiles preamble+services with only the rule called id, and
// checks its findings against tc.
func runRule(t *testing.T, id string, severity diag.Severity, tc ruleCase) {
	t.Helper()
	t.Parallel()
	rule := compilertest.Rule(t, id)
	if rule.Severity != severity {
		t.Fatalf("rule %s is a %v, want %v", id, rule.Severity, severity)
	}
	src := preamble + tc.services + "\n"
	const file = "catalog.cue"
	c, diags := compilertest.Compile(t, compiler.Config{Rules: []*check.Rule{rule}}, map[string]string{file: src})
	if tc.at == "" {
		if len(diags) > 0 || c == nil {
			t.Fatalf("near miss reported %v", diags)
		}
		return
	}
	before, _, ok := strings.Cut(tc.at, "|")
	i := strings.Index(src, strings.ReplaceAll(tc.at, "|", ""))
	if !ok || i < 0 {
		t.Fatalf("bad test: %q not in the catalog", tc.at)
	}
	off := i + len(before)
	line := strings.Count(src[:off], "\n") + 1
	col := off - strings.LastIndex(src[:off], "\n")
	want := fmt.Sprintf("%s:%d:%d", file, line, col)
	if len(diags) != 1 {
		t.Fatalf("%d findings, want 1 at %s: %v", len(diags), want, diags)
	}
	d := diags[0]
	if d.Rule != id || d.Severity != severity || d.Pos.String() != want || !strings.Contains(d.Message, tc.message) {
		t.Errorf("finding\n  %v\nwant a %v of %s at %s containing\n  %s", d, severity, id, want, tc.message)
	}
	if (severity == diag.Error) != (c == nil) {
		t.Errorf("compiled catalog %v with a finding of severity %v", c != nil, severity)
	}
}

func svc(fields string) string {
	return "services: a: {\n\tteam: \"web\"\n" + fields + "\n}"
}

func TestRolloutCannotProgress(t *testing.T) {
	for _, tc := range []ruleCase{
		{"both zero", svc(`tier: "high", image: "r.example.com/a:1", deploy: {maxSurge: 0, maxUnavailable: 0}`),
			"maxSurge: |0", "maxSurge and maxUnavailable are both 0"},
		{"both zero, one as a percentage", svc(`tier: "high", image: "r.example.com/a:1", deploy: {maxUnavailable: 0, maxSurge: "0%"}`),
			`maxSurge: |"0%"`, "set maxSurge: 1"},
		{"maxUnavailable over 100%", svc(`tier: "high", image: "r.example.com/a:1", deploy: maxUnavailable: "150%"`),
			`maxUnavailable: |"150%"`, "maxUnavailable 150% is more than 100%"},
		{"surge only", svc(`tier: "high", image: "r.example.com/a:1", deploy: {maxSurge: 1, maxUnavailable: 0}`), "", ""},
		{"all down at once", svc(`tier: "high", image: "r.example.com/a:1", deploy: {maxSurge: 0, maxUnavailable: "100%"}`), "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) { runRule(t, "rollout-cannot-progress", diag.Error, tc) })
	}
}

func TestReplicasRange(t *testing.T) {
	for _, tc := range []ruleCase{
		{"min above max", svc(`tier: "high", image: "r.example.com/a:1", replicas: {min: 5, max: 4}`),
			"max: |4", "min 5 is above max 4"},
		{"fixed size", svc(`tier: "high", image: "r.example.com/a:1", replicas: {min: 4, max: 4}`), "", ""},
		{"min above the tier's max", svc(`tier: "high", image: "r.example.com/a:1", replicas: min: 20`), "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) { runRule(t, "replicas-range", diag.Error, tc) })
	}
}

func TestImagePinned(t *testing.T) {
	for _, tc := range []ruleCase{
		{"untagged", svc(`tier: "high", image: "r.example.com/shop/a"`),
			`image: |"r.example.com/shop/a"`, "has no tag"},
		{"latest", svc(`tier: "high", image: "a:latest"`),
			`image: |"a:latest"`, "runs whatever latest is"},
		{"not a reference", svc(`tier: "high", image: "r.example.com/Shop/a:1.0"`),
			`image: |"r.example.com/Shop/a:1.0"`, "not an image reference"},
		{"canary latest", svc(`tier: "high", image: "r.example.com/a:1", deploy: {strategy: "canary", canary: image: "r.example.com/a:latest"}`),
			`image: |"r.example.com/a:latest"`, "deploy.canary.image:"},
		{"idle colour untagged", svc(`tier: "high", image: "r.example.com/a:1", deploy: {strategy: "blue-green", blueGreen: {active: "blue", images: green: "r.example.com/a"}}`),
			`green: |"r.example.com/a"`, "deploy.blueGreen.images.green:"},
		{"tag", svc(`tier: "high", image: "localhost:5000/shop/a:1.4.2"`), "", ""},
		{"digest", svc(`tier: "high", image: "r.example.com/a@` + digest + `"`), "", ""},
		{"latest pinned by digest", svc(`tier: "high", image: "r.example.com/a:latest@` + digest + `"`), "", ""},
		{"a tag that starts with latest", svc(`tier: "high", image: "r.example.com/a:latest-2026.11"`), "", ""},
		{"both colours tagged", svc(`tier: "high", image: "r.example.com/a:1", deploy: {strategy: "blue-green", blueGreen: {active: "green", images: {blue: "r.example.com/a:1", green: "r.example.com/a:2"}}}`), "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) { runRule(t, "image-pinned", diag.Error, tc) })
	}
}

func TestBudgetBlocksEviction(t *testing.T) {
	for _, tc := range []ruleCase{
		{"maxUnavailable 0", svc(`tier: "high", image: "r.example.com/a:1", disruptionBudget: maxUnavailable: 0`),
			"maxUnavailable: |0", "maxUnavailable 0 blocks every voluntary eviction"},
		{"maxUnavailable 0%", svc(`tier: "high", image: "r.example.com/a:1", disruptionBudget: maxUnavailable: "0%"`),
			`maxUnavailable: |"0%"`, "allow at least 1"},
		{"minAvailable all pods", svc(`tier: "high", image: "r.example.com/a:1", replicas: {min: 3, max: 6}, disruptionBudget: minAvailable: 3`),
			"minAvailable: |3", "minAvailable 3 keeps 3 of the 3 pods a runs at its fewest (replicas.min)"},
		{"percentage rounds up to all pods", svc(`tier: "high", image: "r.example.com/a:1", replicas: {min: 3, max: 6}, disruptionBudget: minAvailable: "90%"`),
			`minAvailable: |"90%"`, "keeps 3 of the 3 pods"},
		{"the canary's single pod", svc(`tier: "high", image: "r.example.com/a:1", replicas: {min: 4, max: 6}, deploy: strategy: "canary", disruptionBudget: minAvailable: "50%"`),
			`minAvailable: |"50%"`, "keeps 1 of the 1 pods a-canary runs at its fewest (deploy.canary.replicas)"},
		{"both colours at the minimum", svc(`tier: "high", image: "r.example.com/a:1", replicas: {min: 2, max: 6}, deploy: {strategy: "blue-green", blueGreen: active: "blue"}, disruptionBudget: minAvailable: 2`),
			"minAvailable: |2", "keeps 2 of the 2 pods a-blue runs"},
		{"minAvailable over 100%", svc(`tier: "high", image: "r.example.com/a:1", disruptionBudget: minAvailable: "150%"`),
			`minAvailable: |"150%"`, "more than 100%"},
		{"default", svc(`tier: "low", image: "r.example.com/a:1", replicas: {min: 1, max: 1}`), "", ""},
		{"minAvailable one below the minimum", svc(`tier: "high", image: "r.example.com/a:1", replicas: {min: 3, max: 6}, disruptionBudget: minAvailable: 2`), "", ""},
		{"percentage rounds up below all pods", svc(`tier: "high", image: "r.example.com/a:1", replicas: {min: 3, max: 6}, disruptionBudget: minAvailable: "60%"`), "", ""},
		{"a canary of two", svc(`tier: "high", image: "r.example.com/a:1", replicas: {min: 4, max: 6}, deploy: {strategy: "canary", canary: replicas: 2}, disruptionBudget: minAvailable: "50%"`), "", ""},
		{"maxUnavailable 1%", svc(`tier: "high", image: "r.example.com/a:1", disruptionBudget: maxUnavailable: "1%"`), "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) { runRule(t, "budget-blocks-eviction", diag.Error, tc) })
	}
}

func TestCriticalSingleReplica(t *testing.T) {
	for _, tc := range []ruleCase{
		{"critical with one", svc(`tier: "critical", image: "r.example.com/a:1", replicas: {min: 1, max: 3}`),
			"min: |1", "critical-tier a runs 1 replica at its fewest"},
		{"critical with two", svc(`tier: "critical", image: "r.example.com/a:1", replicas: {min: 2, max: 3}`), "", ""},
		{"critical by default", svc(`tier: "critical", image: "r.example.com/a:1"`), "", ""},
		{"high with one", svc(`tier: "high", image: "r.example.com/a:1", replicas: {min: 1, max: 3}`), "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) { runRule(t, "critical-single-replica", diag.Warning, tc) })
	}
}

func TestResourceQuantities(t *testing.T) {
	for _, tc := range []ruleCase{
		{"not a quantity", svc(`tier: "high", image: "r.example.com/a:1", resources: requests: cpu: "1 core"`),
			`cpu: |"1 core"`, `resources.requests.cpu: "1 core" is not a Kubernetes quantity`},
		{"negative", svc(`tier: "high", image: "r.example.com/a:1", resources: limits: memory: "-1Gi"`),
			`memory: |"-1Gi"`, "must be more than 0"},
		{"request above the default limit", svc(`tier: "high", image: "r.example.com/a:1", resources: requests: cpu: "2"`),
			`cpu: |"2"`, "the cpu request 2 is above its limit 500m"},
		{"limit below the default request", svc(`tier: "high", image: "r.example.com/a:1", resources: limits: memory: "64Mi"`),
			`memory: |"64Mi"`, "the memory request 128Mi is above its limit 64Mi"},
		{"request equal to its limit", svc(`tier: "high", image: "r.example.com/a:1", resources: {requests: cpu: "0.5", limits: cpu: "500m"}`), "", ""},
		{"defaults", svc(`tier: "high", image: "r.example.com/a:1"`), "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) { runRule(t, "resource-quantities", diag.Error, tc) })
	}
}

func TestProbeSeconds(t *testing.T) {
	for _, tc := range []ruleCase{
		{"fraction of a second", svc(`tier: "high", image: "r.example.com/a:1", probes: liveness: period: "1500ms"`),
			`period: |"1500ms"`, "probes.liveness.period: 1.5s is not a whole number of seconds, and Kubernetes counts probe timings in seconds: write 1s or 2s"},
		{"period under a second", svc(`tier: "high", image: "r.example.com/a:1", probes: readiness: period: "500ms"`),
			`period: |"500ms"`, "write 1s"},
		{"zero period", svc(`tier: "high", image: "r.example.com/a:1", probes: readiness: period: "0s"`),
			`period: |"0s"`, "shorter than 1s"},
		{"no initial delay", svc(`tier: "high", image: "r.example.com/a:1", probes: readiness: {initialDelay: "0s", period: "1m"}`), "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) { runRule(t, "probe-seconds", diag.Error, tc) })
	}
}

func TestServiceNameDNS1035(t *testing.T) {
	for _, tc := range []ruleCase{
		{"leading digit", "services: \"1a\": {team: \"web\", tier: \"high\", image: \"r.example.com/a:1\"}",
			`services: |"1a"`, "must start with a letter"},
		{"trailing digit", "services: a1: {team: \"web\", tier: \"high\", image: \"r.example.com/a:1\"}", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) { runRule(t, "service-name-dns1035", diag.Error, tc) })
	}
}

func TestClusterOwnedName(t *testing.T) {
	for _, tc := range []ruleCase{
		{"the API server's Service", "services: kubernetes: {team: \"web\", tier: \"high\", image: \"r.example.com/a:1\"}",
			`services: |kubernetes`, "in namespace default it would replace the Service kube-apiserver creates for itself"},
		{"shadowed in another namespace", "settings: namespace: \"shop\"\nservices: kubernetes: {team: \"web\", tier: \"high\", image: \"r.example.com/a:1\"}",
			`services: |kubernetes`, "in namespace shop it would shadow the API server's"},
		{"a system namespace", "settings: namespace: \"kube-system\"\nservices: a: {team: \"web\", tier: \"high\", image: \"r.example.com/a:1\"}",
			`namespace: |"kube-system"`, "kube-system is a namespace Kubernetes owns"},
		{"a reserved prefix", "settings: namespace: \"kube-apps\"\nservices: a: {team: \"web\", tier: \"high\", image: \"r.example.com/a:1\"}",
			`namespace: |"kube-apps"`, "reserves kube-*"},
		{"a longer name", "services: \"kubernetes-dashboard\": {team: \"web\", tier: \"high\", image: \"r.example.com/a:1\"}", "", ""},
		{"a namespace that only contains kube", "settings: namespace: \"my-kube\"\nservices: a: {team: \"web\", tier: \"high\", image: \"r.example.com/a:1\"}", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) { runRule(t, "cluster-owned-name", diag.Error, tc) })
	}
}
