package catalog

import (
	"math/big"
	"testing"
	"time"
)

func TestPercent(t *testing.T) {
	for _, tc := range []struct {
		in, str, ratio, budget string
	}{
		{"99.9", "99.9", "0.999", "0.001"},
		{"99.95", "99.95", "0.9995", "0.0005"},
		{"99", "99", "0.99", "0.01"},
		{"99.999", "99.999", "0.99999", "0.00001"},
		{"95", "95", "0.95", "0.05"},
		{"0.1", "0.1", "0.001", "0.999"},
		{"99.000001", "99.000001", "0.99000001", "0.00999999"},
		{"50.50", "50.5", "0.505", "0.495"},
	} {
		p, err := ParsePercent(tc.in)
		if err != nil {
			t.Fatalf("ParsePercent(%q): %v", tc.in, err)
		}
		if got := p.String(); got != tc.str {
			t.Errorf("%s.String() = %s, want %s", tc.in, got, tc.str)
		}
		if got := p.Ratio(); got != tc.ratio {
			t.Errorf("%s.Ratio() = %s, want %s", tc.in, got, tc.ratio)
		}
		if got := p.Remainder().Ratio(); got != tc.budget {
			t.Errorf("%s budget = %s, want %s", tc.in, got, tc.budget)
		}
	}
	for _, bad := range []string{"", "abc", "1e-1", "99.1234567", "1.2.3", "-"} {
		if _, err := ParsePercent(bad); err == nil {
			t.Errorf("ParsePercent(%q) succeeded", bad)
		}
	}
}

func TestDuration(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		out  string
	}{
		{"100ms", 100 * time.Millisecond, "100ms"},
		{"1.5s", 1500 * time.Millisecond, "1.5s"},
		{"1h30m", 90 * time.Minute, "1h30m"},
		{"30d", 30 * Day, "30d"},
		{"2w", 14 * Day, "14d"},
		{"90s", 90 * time.Second, "1m30s"},
		{"2290ms", 2290 * time.Millisecond, "2.29s"},
		{"1d2h", Day + 2*time.Hour, "1d2h"},
	} {
		got, err := ParseDuration(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			continue
		}
		if s := FormatDuration(got); s != tc.out {
			t.Errorf("FormatDuration(%v) = %q, want %q", got, s, tc.out)
		}
		if back, err := ParseDuration(FormatDuration(got)); err != nil || back != got {
			t.Errorf("round trip of %v: %v, %v", got, back, err)
		}
	}
	for _, bad := range []string{"", "10", "10 s", "s", "1y", "1.2.3s", "-1s", "10sec"} {
		if d, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) = %v, want an error", bad, d)
		}
	}
}

// The factors of the SRE workbook follow from the period: 14.4/6/3/1 on 30
// days and 13.44/5.6/2.8/0.9333… on 28.
func TestBurnFactors(t *testing.T) {
	slo := &SLO{}
	for _, tc := range []struct {
		period time.Duration
		want   []*big.Rat
	}{
		{30 * Day, []*big.Rat{big.NewRat(72, 5), big.NewRat(6, 1), big.NewRat(3, 1), big.NewRat(1, 1)}},
		{28 * Day, []*big.Rat{big.NewRat(336, 25), big.NewRat(28, 5), big.NewRat(14, 5), big.NewRat(14, 15)}},
	} {
		alerts := slo.BurnAlerts()
		if len(alerts) != len(tc.want) {
			t.Fatalf("%d burn alerts, want %d", len(alerts), len(tc.want))
		}
		for i, a := range alerts {
			if got := a.Factor(tc.period); got.Cmp(tc.want[i]) != 0 {
				t.Errorf("period %s, %s/%s: factor %s, want %s", FormatDuration(tc.period),
					FormatDuration(a.Long), FormatDuration(a.Short), got.FloatString(4), tc.want[i].FloatString(4))
			}
		}
	}
}

func TestRetryBackoff(t *testing.T) {
	client := Retry{Owner: OwnerClient, MaxRetries: 3, InitialBackoff: 100 * time.Millisecond, MaxBackoff: 300 * time.Millisecond, Multiplier: 2, Jitter: 0.2}
	// 100, 200, then capped at 300 ms, each +20 % jitter at worst.
	if got, want := client.WorstCaseBackoff(), 720*time.Millisecond; got != want {
		t.Errorf("client worst-case backoff = %v, want %v", got, want)
	}
	mesh := Retry{Owner: OwnerMesh, MaxRetries: 4, InitialBackoff: 100 * time.Millisecond}
	// Envoy: up to (2^n − 1) × base, capped at 10 × base: 100, 300, 700, 1000 ms.
	if got, want := mesh.WorstCaseBackoff(), 2100*time.Millisecond; got != want {
		t.Errorf("mesh worst-case backoff = %v, want %v", got, want)
	}
	d := &Dependency{Timeout: Timeouts{PerTry: time.Second}, Retry: client}
	if got, want := d.WorstCaseDuration(), 4*time.Second+720*time.Millisecond; got != want {
		t.Errorf("WorstCaseDuration = %v, want %v", got, want)
	}
}

func TestNewSortsAndIndexes(t *testing.T) {
	b := &Service{Name: "b", Dependencies: []*Dependency{{Name: "z", Kind: KindInternal, Service: "a"}, {Name: "y", Kind: KindCache}}}
	c := &Service{Name: "c", Dependencies: []*Dependency{{Name: "a", Kind: KindInternal, Service: "a"}}}
	a := &Service{Name: "a"}
	cat := New(Settings{}, nil, []*Service{c, a, b})
	if cat.Services[0] != a || cat.Services[1] != b || cat.Services[2] != c {
		t.Fatalf("services not sorted by name")
	}
	if b.Dependencies[0].Name != "y" {
		t.Errorf("dependencies not sorted by name")
	}
	callers := cat.Callers("a")
	if len(callers) != 2 || callers[0].Caller != b || callers[1].Caller != c {
		t.Errorf("Callers(a) = %v, want b then c", callers)
	}
	if cat.Callee(b.Dependencies[1]) != a || cat.Callee(b.Dependencies[0]) != nil {
		t.Errorf("Callee resolves the wrong service")
	}
}
