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

// vetCase is one catalog for one of vet's graph rules: the findings it must
// produce, in order, each at a place in services.cue and with words of its
// message (none for a near miss).
type vetCase struct {
	name     string
	services string
	want     []vetFinding
	// without are words no finding's message may have.
	without []string
}

type vetFinding struct {
	// at marks the finding's position: the text before '|' is found in
	// services.cue with the text after it, and the position is right
	// after it.
	at    string
	words []string
}

// runVetCases compiles each case (the preamble of kubernetes_rules_test.go
// plus services.cue) with only the rule called id, and compares its
// findings, in order, with the case's.
func runVetCases(t *testing.T, id string, severity diag.Severity, cases []vetCase) {
	t.Helper()
	rule := compilertest.Rule(t, id)
	if rule.Severity != severity {
		t.Fatalf("rule %s is a %v, want %v", id, rule.Severity, severity)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := "package catalog\n\n" + tc.services
			c, diags := compilertest.Compile(t, compiler.Config{Rules: []*check.Rule{rule}}, map[string]string{"base.cue": preamble, "services.cue": src})
			var got diag.List
			for _, d := range diags {
				if d.Rule != id {
					t.Fatalf("the case does not compile: %s", d)
				}
				got = append(got, d)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%d findings, want %d:\n%s", len(got), len(tc.want), compilertest.Lines(got))
			}
			for i, w := range tc.want {
				d := got[i]
				before, _, _ := strings.Cut(w.at, "|")
				off := strings.Index(src, strings.Replace(w.at, "|", "", 1))
				if off < 0 || strings.Count(src, strings.Replace(w.at, "|", "", 1)) != 1 {
					t.Fatalf("bad test: %q is not once in services.cue", w.at)
				}
				off += len(before)
				want := fmt.Sprintf("services.cue:%d:%d", strings.Count(src[:off], "\n")+1, off-strings.LastIndex(src[:off], "\n"))
				if at := d.Pos.String(); at != want {
					t.Errorf("finding %d at %s, want %s (%q): %s", i, at, want, w.at, d.Message)
				}
				for _, word := range w.words {
					if !strings.Contains(d.Message, word) {
						t.Errorf("finding %d lacks %q: %s", i, word, d.Message)
					}
				}
				for _, word := range tc.without {
					if strings.Contains(d.Message, word) {
						t.Errorf("finding %d has %q: %s", i, word, d.Message)
					}
				}
			}
			if (severity == diag.Error && len(got) > 0) != (c == nil) {
				t.Errorf("model returned: %v, with %d findings of severity %v", c != nil, len(got), severity)
			}
		})
	}
}

// svcs writes one service per line: "name tier deps", deps in CUE.
func svcs(specs ...string) string {
	var b strings.Builder
	for _, s := range specs {
		name, rest, _ := strings.Cut(s, " ")
		tier, deps, _ := strings.Cut(rest, " ")
		fmt.Fprintf(&b, "services: %s: {team: \"web\", tier: %q, image: \"r.example.com/%s:1\"", name, tier, name)
		if deps != "" {
			b.WriteString(", dependencies: " + deps)
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// A hop with fixed timeouts and retries, so cases read only what they test.
func hop(perTry, total string, retries int) string {
	return fmt.Sprintf("{timeout: {perTry: %q, total: %q}, retry: maxRetries: %d}", perTry, total, retries)
}

func TestSynchronousCycle(t *testing.T) {
	runVetCases(t, "synchronous-cycle", diag.Error, []vetCase{
		{
			name:     "two services",
			services: svcs("a low {b: {}}", "b low {a: {}}"),
			want:     []vetFinding{{`a:1", dependencies: {|b`, []string{"synchronous call cycle a → b → a", `profile: "async"`}}},
		},
		{
			name: "two separate loops",
			services: svcs("a low {b: {}}", "b low {a: {}}",
				"x low {y: {}}", "y low {z: {}}", "z low {x: {}}"),
			want: []vetFinding{
				{`a:1", dependencies: {|b`, []string{"a → b → a"}},
				{`x:1", dependencies: {|y`, []string{"x → y → z → x"}},
			},
		},
		{
			name:     "the loop from the first service by name, whichever file order",
			services: svcs("m low {k: {}}", "k low {z: {}}", "z low {m: {}}"),
			want:     []vetFinding{{`k:1", dependencies: {|z`, []string{"k → z → m → k"}}},
		},
		{
			name:     "shortest loop of a tangle",
			services: svcs("a low {b: {}, c: {}}", "b low {c: {}}", "c low {a: {}}", "d low {c: {}}"),
			want:     []vetFinding{{`a:1", dependencies: {b: {}, |c`, []string{"a → c → a", "a, b, c all call one another"}}},
		},
		{
			name:     "near miss: an async call closes the loop",
			services: svcs(`a low {b: {}}`, `b low {a: profile: "async"}`),
		},
		{
			name:     "near miss: a diamond is no loop",
			services: svcs("a low {b: {}, c: {}}", "b low {d: {}}", "c low {d: {}}", "d low"),
		},
		{
			name:     "near miss: a service calling itself is self-dependency's",
			services: svcs("a low {a: {}}"),
		},
		{
			name:     "near miss: an unknown callee ends the path",
			services: svcs("a low {b: {}}", "b low {nope: {}}"),
		},
	})
}

func TestRetryAmplification(t *testing.T) {
	runVetCases(t, "retry-amplification", diag.Error, []vetCase{
		{
			name: "tipping hop of a chain",
			services: svcs("a low {b: "+hop("30s", "92s", 2)+"}",
				"b low {c: "+hop("14s", "44s", 2)+"}",
				"c low {db: {kind: \"database\", host: \"db.example.net\", timeout: {perTry: \"2s\", total: \"4.6s\"}, retry: maxRetries: 1}}"),
			// b → c → db is 3 × 2 = 6; a → b tips it to 18.
			want: []vetFinding{{`b: {timeout: {perTry: "30s", total: "92s"}, retry: maxRetries: |2`, []string{"a → b (×3) → c (×3) → db (×2)", "up to 18 attempts", "retryAmplification (10)"}}},
		},
		{
			name: "the hop below tips it, the callers above only add to it",
			services: svcs("top low {a: "+hop("40s", "40s", 0)+"}",
				"a low {b: "+hop("30s", "32s", 1)+"}",
				"b low {c: "+hop("7s", "30s", 3)+"}",
				"c low {db: {kind: \"database\", host: \"db.example.net\", timeout: {perTry: \"1s\", total: \"6.2s\"}, retry: maxRetries: 3}}"),
			// c → db: 4; b → c: 16 > 10 tips; a and top only multiply it.
			want: []vetFinding{{`c: {timeout: {perTry: "7s", total: "30s"}, retry: maxRetries: |3`, []string{"top → a (×1) → b (×2) → c (×4) → db (×4)", "up to 32 attempts", "from this hop down alone it is 16"}}},
		},
		{
			name: "each tipping hop once, through the worse branch",
			services: svcs(`a low {b: `+hop("10s", "10s", 0)+`, c: `+hop("10s", "10s", 0)+`}`,
				`b low {x: {kind: "cache", host: "x.example.net", timeout: {perTry: "100ms", total: "2s"}, retry: maxRetries: 10}, y: {kind: "cache", host: "y.example.net", timeout: {perTry: "100ms", total: "2s"}, retry: maxRetries: 1}}`,
				`c low {z: {kind: "cache", host: "z.example.net", timeout: {perTry: "100ms", total: "2s"}, retry: maxRetries: 10}}`),
			want: []vetFinding{
				{`x.example.net", timeout: {perTry: "100ms", total: "2s"}, retry: maxRetries: |10`, []string{"a → b (×1) → x (×11)", "up to 11 attempts"}},
				{`z.example.net", timeout: {perTry: "100ms", total: "2s"}, retry: maxRetries: |10`, []string{"a → c (×1) → z (×11)"}},
			},
		},
		{
			name: "async hops end the path",
			services: svcs(`a low {b: `+hop("9s", "29s", 2)+`}`,
				`b low {c: {profile: "async", retry: maxRetries: 10}}`,
				`c low {db: {kind: "database", host: "db.example.net", timeout: {perTry: "1s", total: "10s"}, retry: maxRetries: 5}}`),
			// c → db alone is 6; b's async call ends a → b's path.
		},
		{
			name: "a loop terminates: its calls count as last hops",
			services: svcs(`a low {b: `+hop("3s", "10s", 2)+`}`,
				`b low {a: `+hop("3s", "10s", 2)+`, db: {kind: "database", host: "db.example.net", timeout: {perTry: "1s", total: "4.2s"}, retry: maxRetries: 2}}`),
		},
		{
			name: "a callee outside the loop multiplies the loop's hop into it",
			services: svcs(`a low {b: `+hop("3s", "10s", 2)+`}`,
				`b low {a: `+hop("3s", "10s", 2)+`, c: `+hop("9s", "29s", 2)+`}`,
				`c low {db: {kind: "database", host: "db.example.net", timeout: {perTry: "1s", total: "8.2s"}, retry: maxRetries: 3}}`),
			want: []vetFinding{{`c: {timeout: {perTry: "9s", total: "29s"}, retry: maxRetries: |2`, []string{"b → c (×3) → db (×4)", "up to 12"}}},
		},
		{
			name:     "near miss: the limit exactly",
			services: svcs(`a low {b: `+hop("5s", "11s", 1)+`}`, `b low {db: {kind: "database", host: "db.example.net", timeout: {perTry: "500ms", total: "7s"}, retry: maxRetries: 4}}`),
		},
	})
}

func TestRetryAmplificationLimit(t *testing.T) {
	runVetCases(t, "retry-amplification", diag.Error, []vetCase{
		{
			name:     "a stricter limit",
			services: "settings: vet: retryAmplification: 2.5\n" + svcs(`a low {db: {kind: "database", host: "db.example.net", timeout: {perTry: "1s", total: "4.2s"}, retry: maxRetries: 2}}`),
			want:     []vetFinding{{`retry: maxRetries: |2}}`, []string{"a → db (×3)", "retryAmplification (2.5)"}}},
		},
		{
			name:     "near miss: a looser one",
			services: "settings: vet: retryAmplification: 100\n" + svcs(`a low {b: `+hop("11s", "38s", 2)+`}`, `b low {db: {kind: "database", host: "db.example.net", timeout: {perTry: "1s", total: "10s"}, retry: maxRetries: 5}}`),
		},
	})
}

func TestTimeoutHierarchy(t *testing.T) {
	db := func(total string) string {
		return fmt.Sprintf(`db: {kind: "database", host: "db.example.net", timeout: {perTry: %q, total: %q}, retry: maxRetries: 0}`, total, total)
	}
	runVetCases(t, "timeout-hierarchy", diag.Error, []vetCase{
		{
			name:     "equal is not above",
			services: svcs("a low {b: "+hop("3s", "3s", 0)+"}", "b low {"+db("3s")+"}"),
			want:     []vetFinding{{`b: {timeout: {perTry: |"3s"`, []string{"per-try timeout 3s is not above 3s, the total timeout of b → db", "raise timeout.perTry above 3s"}}},
		},
		{
			name:     "the callee's longest call counts, async ones do not",
			services: svcs("a low {b: "+hop("4s", "4s", 0)+"}", `b low {`+db("3s")+`, q: {kind: "external", host: "q.example.com", profile: "async", timeout: total: "60s"}, c: `+hop("5s", "5s", 0)+`}`, "c low"),
			want:     []vetFinding{{`b: {timeout: {perTry: |"4s"`, []string{"not above 5s, the total timeout of b → c", "lower the total timeout of b → c below 4s"}}},
		},
		{
			name:     "an async caller does not wait",
			services: svcs(`a low {b: {profile: "async", timeout: {perTry: "1s", total: "1s"}, retry: maxRetries: 0}}`, "b low {"+db("3s")+"}"),
		},
		{
			name:     "near miss: above",
			services: svcs("a low {b: "+hop("3.001s", "3.001s", 0)+"}", "b low {"+db("3s")+"}"),
		},
		{
			name:     "near miss: a callee that calls nothing synchronously",
			services: svcs("a low {b: "+hop("1s", "1s", 0)+"}", `b low {c: profile: "async"}`, "c low"),
		},
		{
			name:     "near miss: a loop is synchronous-cycle's",
			services: svcs("a low {b: "+hop("1s", "1s", 0)+"}", "b low {a: "+hop("1s", "1s", 0)+"}"),
		},
	})
}

func TestSLOFeasibility(t *testing.T) {
	runVetCases(t, "slo-feasibility", diag.Warning, []vetCase{
		{
			name:     "one hard dependency promising less",
			services: svcs("a high {b: {}}", "b medium"),
			want:     []vetFinding{{`services: |a`, []string{"SLO availability: objective 99.9% is above 99.5% (b 99.5%)"}}},
		},
		{
			name:     "the product, exactly",
			services: svcs("a critical {b: {}, c: {}}", "b critical", "c high"),
			want:     []vetFinding{{`services: |a`, []string{"99.95% is above 99.85005% (b 99.95% × c 99.9%)"}}},
		},
		{
			name:     "a written objective, at its position; the callee's best availability SLO",
			services: "services: a: {team: \"web\", tier: \"low\", image: \"r.example.com/a:1\", slos: availability: objective: 99.99, dependencies: b: {}}\n" + "services: b: {team: \"web\", tier: \"low\", image: \"r.example.com/b:1\", slos: {availability: {}, \"checkout-availability\": {kind: \"availability\", objective: 99.9}}}\n",
			want:     []vetFinding{{`objective: |99.99`, []string{"99.99% is above 99.9% (b 99.9%)"}}},
		},
		{
			name:     "near miss: two dependencies on one service count once",
			services: "services: a: {team: \"web\", tier: \"high\", image: \"r.example.com/a:1\", dependencies: {b: {}, \"b-admin\": service: \"b\"}}\n" + svcs("b high"),
		},
		{
			name:     "near miss: two critical dependencies allow 99.900025%",
			services: svcs("a high {b: {}, c: {}}", "b critical", "c critical"),
		},
		{
			name:     "near miss: a callee without an availability SLO",
			services: "services: a: {team: \"web\", tier: \"critical\", image: \"r.example.com/a:1\", dependencies: b: {}}\n" + "services: b: {team: \"web\", tier: \"low\", image: \"r.example.com/b:1\", slos: latency: {}}\n",
		},
		{
			name:     "near miss: outside dependencies have no objective here",
			services: svcs(`a critical {psp: {kind: "external", host: "api.psp.example.com"}}`),
		},
	})
}

func TestBulkheadTooSmall(t *testing.T) {
	callee := "services: b: {team: \"web\", tier: \"low\", image: \"r.example.com/b:1\", traffic: {peakRPS: 30, p99: \"250ms\"}}\n"
	runVetCases(t, "bulkhead-too-small", diag.Error, []vetCase{
		{
			name:     "below the callee's load",
			services: svcs("a low {b: bulkhead: maxConcurrent: 7}") + callee,
			want:     []vetFinding{{`maxConcurrent: |7`, []string{"maxConcurrent 7 is below the calls in flight at peak, 30 rps × 250ms = 7.5", "at least 8", "= 12", "declare the edge's own traffic"}}},
		},
		{
			name:     "a service-wide bulkhead below an edge's own traffic",
			services: "services: a: {team: \"web\", tier: \"low\", image: \"r.example.com/a:1\", resilience: bulkhead: maxConcurrent: 5, dependencies: psp: {kind: \"external\", host: \"api.psp.example.com\", traffic: {peakRPS: 10, p99: \"600ms\"}}}\n",
			want:     []vetFinding{{`maxConcurrent: |5`, []string{"maxConcurrent 5 is below", "10 rps × 600ms = 6"}}},
		},
		{
			name:     "near miss: the default is sized by Little's law",
			services: svcs("a low {b: {}}") + callee,
		},
		{
			name:     "near miss: unknown traffic",
			services: svcs("a low {b: bulkhead: maxConcurrent: 1}", "b low"),
		},
	})
}

func TestBulkheadTooLarge(t *testing.T) {
	callee := "services: b: {team: \"web\", tier: \"low\", image: \"r.example.com/b:1\", traffic: {peakRPS: 30, p99: \"250ms\"}}\n"
	runVetCases(t, "bulkhead-too-large", diag.Warning, []vetCase{
		{
			name:     "more than 10×",
			services: svcs("a low {b: bulkhead: maxConcurrent: 76}") + callee,
			want:     []vetFinding{{`maxConcurrent: |76`, []string{"maxConcurrent 76 is more than 10× the calls in flight at peak, 30 rps × 250ms = 7.5", "= 12"}}},
		},
		{
			name:     "under one call in flight, ten is the bound",
			services: svcs("a low {b: bulkhead: maxConcurrent: 11}") + "services: b: {team: \"web\", tier: \"low\", image: \"r.example.com/b:1\", traffic: {peakRPS: 1, p99: \"20ms\"}}\n",
			want:     []vetFinding{{`maxConcurrent: |11`, []string{"maxConcurrent 11", "1 rps × 20ms = 0.02", "= 1,"}}},
		},
		{
			name:     "near miss: 10× exactly",
			services: svcs("a low {b: bulkhead: maxConcurrent: 75}") + callee,
		},
		{
			name:     "near miss: no isolation",
			services: svcs(`a low {b: bulkhead: {isolation: "none", maxConcurrent: 1000}}`) + callee,
		},
	})
}

func TestDoubleRetryOwner(t *testing.T) {
	runVetCases(t, "double-retry-owner", diag.Error, []vetCase{
		{
			name:     "HTTP without a host, retried by the client",
			services: svcs(`a low {s: {kind: "upload", protocol: "HTTP", retry: maxRetries: 2}}`),
			want:     []vetFinding{{`dependencies: {|s:`, []string{"the client retries it (3 attempts)", "up to 9 requests per call", "or retry.maxRetries: 0"}}},
		},
		{
			name:     "not idempotent: only a host helps",
			services: svcs(`a low {s: {kind: "upload", protocol: "HTTP", idempotent: false, retry: maxRetries: 1}}`),
			want:     []vetFinding{{`dependencies: {|s:`, []string{"set host so the mesh gets a route with its retries off"}}},
			without:  []string{"maxRetries: 0"},
		},
		{
			name:     "near miss: the client makes no retries",
			services: svcs(`a low {s: {kind: "upload", protocol: "HTTP", retry: maxRetries: 0}}`),
		},
		{
			name:     "near miss: a catalog service always gets a route",
			services: svcs(`a low {b: retry: {owner: "client", maxRetries: 2}}`, "b low"),
		},
		{
			name:     "near miss: the mesh owns the retries",
			services: svcs(`a low {s: {kind: "database", host: "s.example.net", protocol: "HTTP", port: 80, retry: owner: "mesh"}}`),
		},
	})
}

func TestUnusedTeam(t *testing.T) {
	runVetCases(t, "unused-team", diag.Warning, []vetCase{
		{
			name:     "a team with no service",
			services: "teams: ops: receivers: slack: {channel: \"#ops\", apiURLFile: \"/etc/slack\"}\n" + svcs("a low"),
			want:     []vetFinding{{`teams: |ops`, []string{"team ops owns no service"}}},
		},
		{
			name:     "near miss: the default receiver's team",
			services: svcs("a low"),
		},
	})
}
