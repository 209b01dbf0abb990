package check_test

import "testing"

func TestRetryBudget(t *testing.T) {
	runIstioRuleCases(t, "retry-budget", []istioRuleCase{
		{
			// The client owns the retries of a call not declared idempotent:
			// its backoff (500ms, 1s, each +20 % jitter) is the one counted.
			name: "explicit per-try and retries overrun the total",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: b: {
		timeout: {perTry: "4s", total: "10s"}
		retry: maxRetries: 2
	}
}
services: b: {team: "web", tier: "low", image: "x/b:1"}
`,
			at:   "6:21",
			want: []string{"dependency b", "3 attempts × 4s per try + 1.8s backoff = 13.8s", "total timeout 10s", "raise timeout.total to 13.8s"},
		},
		{
			name: "exactly fits",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: b: {
		timeout: {perTry: "4s", total: "13.8s"}
		retry: maxRetries: 2
	}
}
services: b: {team: "web", tier: "low", image: "x/b:1"}
`,
		},
		{
			name: "defaults are fitted by the compiler",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: b: timeout: total: "3s"
}
services: b: {team: "web", tier: "low", image: "x/b:1"}
`,
		},
		{
			name: "client backoff counts with its jitter",
			services: `services: a: {
	team: "web", tier: "low", image: "x/a:1"
	dependencies: db: {
		kind: "database", host: "db.example.com"
		retry: {maxRetries: 1, initialBackoff: "500ms"}
		timeout: {perTry: "1s", total: "2.5s"}
	}
}
`,
			at:   "8:21",
			want: []string{"2 attempts × 1s per try + 600ms backoff = 2.6s"},
		},
	})
}
