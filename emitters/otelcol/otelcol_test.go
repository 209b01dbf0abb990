package otelcol_test

import (
	"bytes"
	"strconv"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/emitters/otelcol"
	"github.com/svcgen/svcgen/examples"
)

// The collector's own loader checks the files in interop/otelcol; here, the
// values the catalog decides.
func TestPoliciesFromCatalog(t *testing.T) {
	for _, ex := range examples.Names() {
		c := examples.Compile(t, ex)
		files, err := otelcol.Emitter{}.Emit(c)
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != 2 {
			t.Fatalf("%s: %d files", ex, len(files))
		}
		for _, f := range files {
			var cfg otelcol.Config
			dec := yaml.NewDecoder(bytes.NewReader(f.Data))
			dec.KnownFields(true)
			if err := dec.Decode(&cfg); err != nil {
				t.Errorf("%s/%s: %v", ex, f.Path, err)
			}
		}
		policies := map[string]otelcol.Policy{}
		for _, p := range otelcol.Policies(c) {
			if _, dup := policies[p.Name]; dup {
				t.Errorf("%s: two policies %s", ex, p.Name)
			}
			policies[p.Name] = p
		}
		if p := policies["errors"]; p.StatusCode == nil || p.StatusCode.StatusCodes[0] != "ERROR" {
			t.Errorf("%s: no policy keeps every error trace", ex)
		}
		tiers := map[catalog.Tier]bool{}
		for _, s := range c.Services {
			tiers[s.Tier] = true
			th := otelcol.LatencyThreshold(s)
			slow, ok := policies["slow-"+s.Name]
			if th == 0 {
				if ok {
					t.Errorf("%s/%s: a slow policy without a latency SLO", ex, s.Name)
				}
				continue
			}
			want := `resource.attributes["service.name"] == "` + s.Name + `" and kind == SPAN_KIND_SERVER and end_time_unix_nano - start_time_unix_nano > ` +
				strconv.FormatInt(int64(th), 10)
			if !ok || slow.OTTLCondition == nil || len(slow.OTTLCondition.Span) != 1 || slow.OTTLCondition.Span[0] != want {
				t.Errorf("%s/%s: slow policy %+v, want traces over %v", ex, s.Name, slow, th)
			}
			if w := otelcol.DecisionWait(c); w <= otelcol.LongestPath(c, s) {
				t.Errorf("%s/%s: decision_wait %v within the longest call path %v", ex, s.Name, w, otelcol.LongestPath(c, s))
			}
		}
		for tier := range tiers {
			p, ok := policies["rest-"+string(tier)]
			if !ok || p.And.SubPolicies[1].Probabilistic.SamplingPercentage != otelcol.TierSampling[tier] {
				t.Errorf("%s: tier %s: share policy %+v", ex, tier, p)
			}
		}
	}
}

// The longest path adds each edge's total timeout along the calls: in the
// shop, the gateway's path through order to payment and beyond.
func TestLongestPath(t *testing.T) {
	c := examples.Compile(t, "shop")
	for _, s := range c.Services {
		for _, d := range s.Dependencies {
			want := d.Timeout.Total
			if callee := c.Callee(d); callee != nil {
				want += otelcol.LongestPath(c, callee)
			}
			if got := otelcol.LongestPath(c, s); got < want {
				t.Errorf("%s: longest path %v, shorter than via %s (%v)", s.Name, got, d.Name, want)
			}
		}
		if len(s.Dependencies) == 0 && otelcol.LongestPath(c, s) != 0 {
			t.Errorf("%s: a path without dependencies", s.Name)
		}
	}
	gw := c.Service("api-gateway")
	if gw == nil || otelcol.LongestPath(c, gw) <= otelcol.LongestPath(c, c.Service("order")) {
		t.Errorf("the gateway's longest path should exceed order's")
	}
}
