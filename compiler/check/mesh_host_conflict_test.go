package check_test

import "testing"

func TestMeshHostConflict(t *testing.T) {
	pay := `services: pay: {team: "web", tier: "low", image: "x/pay:1"}
`
	runIstioRuleCases(t, "mesh-host-conflict", []istioRuleCase{
		{
			name: "outside dependency on a catalog service's host",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: "pay-direct": {kind: "external", host: "pay.shop.svc.cluster.local", protocol: "HTTP", port: 8080}
}
` + pay,
			at:   "5:55",
			want: []string{"dependency pay-direct", "catalog service pay's own host", "pay: {}"},
		},
		{
			name: "one host on two ports",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: psp: {kind: "external", host: "api.psp.example.com"}
}
services: b: {
	team: "web", tier: "low", image: "x/b:1"
	dependencies: psp: {kind: "external", host: "api.psp.example.com", port: 8443}
}
`,
			at:   "9:75",
			want: []string{"dependency psp", "port 8443 (HTTPS) here but on port 443 (HTTPS) by a.psp"},
		},
		{
			name: "one host with two protocols",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: psp: {kind: "external", host: "api.psp.example.com", protocol: "TLS"}
}
services: b: {
	team: "web", tier: "low", image: "x/b:1"
	dependencies: psp: {kind: "external", host: "api.psp.example.com"}
}
`,
			at:   "9:16",
			want: []string{"port 443 (HTTPS) here but on port 443 (TLS) by a.psp"},
		},
		{
			name: "one caller reaches a service through two policies",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: {
		"pay-read": {service: "pay", idempotent: true}
		"pay-write": {service: "pay", idempotent: false}
	}
}
` + pay,
			at:   "7:3",
			want: []string{"dependencies pay-read and pay-write of a both call pay.shop.svc.cluster.local with a different timeout, retry"},
		},
		{
			name: "one caller reaches an outside host through two breakers",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: {
		charge: {kind: "external", host: "api.psp.example.com"}
		status: {kind: "external", host: "api.psp.example.com", breaker: failures: 5}
	}
}
`,
			at:   "7:3",
			want: []string{"dependencies charge and status of a both call api.psp.example.com with a different breaker"},
		},
		{
			name: "two callers of one outside host with their own policies",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: psp: {kind: "external", host: "api.psp.example.com"}
}
services: b: {
	team: "web", tier: "low", image: "x/b:1"
	dependencies: psp: {kind: "external", host: "api.psp.example.com", breaker: failures: 5}
}
`,
		},
		{
			name: "one caller, two dependencies that differ only in the client's retries",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: {
		charge: {kind: "external", host: "api.psp.example.com", idempotent: false}
		status: {kind: "external", host: "api.psp.example.com", retry: maxRetries: 1}
	}
}
`,
		},
		{
			name: "a service of the same name in another namespace",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: "pay-legacy": {kind: "external", host: "pay.legacy.svc.cluster.local", protocol: "HTTP", port: 8080}
}
` + pay,
		},
	})
}
