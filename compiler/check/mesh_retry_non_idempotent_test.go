package check_test

import "testing"

func TestMeshRetryNonIdempotent(t *testing.T) {
	callee := `services: pay: {team: "web", tier: "low", image: "x/pay:1"}
`
	runIstioRuleCases(t, "mesh-retry-non-idempotent", []istioRuleCase{
		{
			name: "mesh owner on a write",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: pay: {
		idempotent: false
		retry: {owner: "mesh", maxRetries: 1}
	}
}
` + callee,
			at:   "7:18",
			want: []string{"dependency pay", "not idempotent", `retry.owner: "client"`},
		},
		{
			name: "mesh owner from the service's resilience block",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	resilience: retry: owner: "mesh"
	dependencies: pay: idempotent: false
}
` + callee,
			at:   "5:28",
			want: []string{"dependency pay"},
		},
		{
			name: "non-idempotent defaults to the client",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: pay: idempotent: false
}
` + callee,
		},
		{
			name: "mesh owner without retries",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: pay: {
		idempotent: false
		retry: {owner: "mesh", maxRetries: 0}
	}
}
` + callee,
		},
		{
			name: "mesh owner on an idempotent call",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: pay: retry: owner: "mesh"
}
` + callee,
		},
	})
}
