package prometheus

import (
	"math/big"
	"strconv"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/conventions"
	"github.com/svcgen/svcgen/emitters/promql"
)

// The seed's memory-leak case: a pod whose working set climbs steadily is
// OOM-killed when it reaches its limit. predict_linear fits a line through
// the working set over conventions.MemoryTrendWindow and extends it
// conventions.MemoryHorizon ahead; the alert warns while that line reaches the
// limit. The highest prediction among the service's pods is what counts
// (max by namespace and container): every pod of a release leaks alike, and
// one series per service keeps the alert's labels fixed.

// Labels of cAdvisor's container series the alert selects by.
const (
	labelNamespace = "namespace"
	labelContainer = "container"
)

var fnPredictLinear = parser.Functions["predict_linear"]

// memoryLimit is the service's memory limit in bytes, or 0 without one the
// alert can compare with.
func memoryLimit(s *catalog.Service) int64 {
	q, err := resource.ParseQuantity(s.Resources.Limits.Memory)
	if err != nil || s.Resources.Limits.Memory == "" {
		return 0
	}
	return q.Value()
}

// memoryAlert is the service's MemoryExhaustionPredicted alert, nil without
// a memory limit.
func (sr *serviceRules) memoryAlert() *alertSpec {
	s, ns := sr.s, sr.env.c.Settings.Namespace
	limit := memoryLimit(s)
	if limit <= 0 {
		return nil
	}
	ws := promql.Selector(conventions.MemoryWorkingSet, promql.Eq(labelNamespace, ns), promql.Eq(labelContainer, s.Name))
	forDur := sr.alertFor(conventions.MemoryFor)
	return &alertSpec{
		name: conventions.AlertMemoryExhaustion,
		expr: promql.Binary(parser.GTE,
			promql.Aggregate(parser.MAX, promql.Call(fnPredictLinear,
				&parser.MatrixSelector{VectorSelector: ws, Range: conventions.MemoryTrendWindow},
				promql.Num(seconds(conventions.MemoryHorizon))), labelNamespace, labelContainer),
			promql.Num(float64(limit))),
		forDur:     forDur,
		labels:     sr.alertLabels(conventions.SeverityWarning),
		exprLabels: map[string]string{labelNamespace: ns, labelContainer: s.Name},
		annotations: sr.annotations(s.Name+": a pod is predicted to reach its memory limit within "+catalog.FormatDuration(conventions.MemoryHorizon),
			"The working set of a pod of "+s.Name+", extended along its trend over the last "+catalog.FormatDuration(conventions.MemoryTrendWindow)+
				", reaches the memory limit of "+s.Resources.Limits.Memory+" ("+strconv.FormatInt(limit, 10)+" bytes) within "+
				catalog.FormatDuration(conventions.MemoryHorizon)+", and has for "+catalog.FormatDuration(forDur)+
				": a memory leak, which ends in an OOM kill. Find the release it began with."),
	}
}

// memoryGroups is the group of the memory alert: its own, since it reads
// the kubelet's series rather than the service's.
func (sr *serviceRules) memoryGroups() []rulefmt.RuleGroup {
	if sr.memory == nil {
		return nil
	}
	return []rulefmt.RuleGroup{{Name: sr.s.Name + "-resources", Interval: model.Duration(sr.interval), Rules: []rulefmt.Rule{sr.memory.rule()}}}
}

// memoryScenario: two pods, one flat at 90 % of the limit and one climbing
// from a quarter of it so that its line reaches the limit MemoryHorizon
// ahead at minute onset. Before that the flat pod, however close to the
// limit, warns of nothing; after onset plus `for` the alert fires.
func (sr *serviceRules) memoryScenario() *scenario {
	if sr.memory == nil {
		return nil
	}
	const onset = 60
	limit := memoryLimit(sr.s)
	horizon := int64(conventions.MemoryHorizon / time.Minute)
	start := limit / 4
	// Growth per minute, rounded up: the line reaches the limit at or a
	// little before onset + horizon.
	growth := (limit - start + onset + horizon - 1) / (onset + horizon)
	cross := new(big.Rat).Sub(big.NewRat(limit-start, growth), big.NewRat(horizon, 1))
	last := int64(onset + (sr.memory.forDur+time.Duration(step)*time.Minute*2)/time.Minute)
	last = (last + step - 1) / step * step
	ns := sr.env.c.Settings.Namespace
	pod := func(name, values string) series {
		return series{lbls: labels.FromStrings(model.MetricNameLabel, conventions.MemoryWorkingSet,
			labelNamespace, ns, "pod", name, labelContainer, sr.s.Name), values: values}
	}
	sc := &scenario{
		name: "memory: a pod climbing to its limit warns, a flat one near it does not",
		series: []series{
			pod(sr.s.Name+"-flat", flat(strconv.FormatInt(limit*9/10, 10), last)),
			pod(sr.s.Name+"-leak", strconv.FormatInt(start, 10)+"+"+strconv.FormatInt(growth, 10)+"x"+strconv.FormatInt(last, 10)),
		},
		names: []string{conventions.AlertMemoryExhaustion},
		exps:  []expectation{constant(sr, sr.memory, cross)},
	}
	for _, t := range []int64{onset / 2, last} {
		if sc.sure(t) {
			sc.times = append(sc.times, t)
		}
	}
	return sc
}
