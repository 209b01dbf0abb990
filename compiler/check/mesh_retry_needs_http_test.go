package check_test

import "testing"

func TestMeshRetryNeedsHTTP(t *testing.T) {
	runIstioRuleCases(t, "mesh-retry-needs-http", []istioRuleCase{
		{
			name: "mesh owner on an HTTPS API",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: psp: {
		kind: "external", host: "api.psp.example.com"
		retry: owner: "mesh"
	}
}
`,
			at:   "7:17",
			want: []string{"dependency psp", "protocol HTTPS", "nobody would retry"},
		},
		{
			name: "mesh owner on a database",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: db: {
		kind: "database", host: "db.example.com"
		retry: owner: "mesh"
	}
}
`,
			at:   "7:17",
			want: []string{"protocol TCP"},
		},
		{
			name: "mesh owner on a plain HTTP API",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: psp: {
		kind: "external", host: "api.psp.example.com", protocol: "HTTP", port: 80
		retry: owner: "mesh"
	}
}
`,
		},
		{
			name: "client owner on an HTTPS API",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: psp: {kind: "external", host: "api.psp.example.com"}
}
`,
		},
	})
}
