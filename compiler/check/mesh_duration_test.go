package check_test

import "testing"

func TestMeshDuration(t *testing.T) {
	callee := `services: b: {team: "web", tier: "low", image: "x/b:1"}
`
	runIstioRuleCases(t, "mesh-duration", []istioRuleCase{
		{
			name: "sub-millisecond connect timeout",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: b: timeout: connect: "0.5ms"
}
` + callee,
			at:   "5:37",
			want: []string{"dependency b", "timeout.connect is 500µs", "write 1ms"},
		},
		{
			name: "a per-try timeout finer than milliseconds",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: b: timeout: {perTry: "1.0004s", total: "10s"}
}
` + callee,
			at:   "5:37",
			want: []string{"timeout.perTry is 1.0004s", "write 1s"},
		},
		{
			name: "an open time of nothing",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: b: breaker: openFor: "0s"
}
` + callee,
			at:   "5:37",
			want: []string{"breaker.openFor is 0s", "write 1ms"},
		},
		{
			name: "a fine per-try timeout the sidecar never sees (TCP)",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: db: {kind: "database", host: "db.example.com", timeout: perTry: "1.0004s"}
}
`,
		},
		{
			name: "an upload without a host gets no mesh objects",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: files: {kind: "upload", timeout: connect: "0.5ms"}
}
`,
		},
		{
			name: "a zero backoff keeps Envoy's and is not written",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: b: retry: initialBackoff: "0s"
}
` + callee,
		},
	})
}
