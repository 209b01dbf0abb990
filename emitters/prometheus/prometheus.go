package prometheus

import (
	"bytes"
	"context"
	"fmt"
	"math/big"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"golang.org/x/sync/errgroup"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/conventions"
	"github.com/svcgen/svcgen/emitters/emit"
	"github.com/svcgen/svcgen/emitters/promql"
	"github.com/svcgen/svcgen/emitters/yamlenc"
)

// Emitter writes the Prometheus rules and their unit tests.
type Emitter struct{}

// Name implements emit.Emitter.
func (Emitter) Name() string { return Dir }

// Emit returns the target's files, sorted by path: two per service, and the
// scrape side (a PodMonitor per service, one scrape_configs fragment).
func (e Emitter) Emit(c *catalog.Catalog) ([]emit.File, error) { return emit.Collect(c, e) }

// EmitTo implements emit.Emitter: a service's two files go to out as soon
// as they are rendered (a thousand services' rules and tests are some 80
// MB). Services are independent, so they are rendered side by side.
func (Emitter) EmitTo(c *catalog.Catalog, out func(emit.File) error) error {
	e, err := newEnv(c)
	if err != nil {
		return err
	}
	// After the first error the files left are not rendered.
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(runtime.GOMAXPROCS(0))
	// Buffers are reused across services, as each worker reused its own
	// before: a fresh one per service costs a fifth more allocation.
	var bufs sync.Pool
	for _, s := range c.Services {
		g.Go(func() error {
			if ctx.Err() != nil {
				return nil
			}
			buf, _ := bufs.Get().(*bytes.Buffer)
			if buf == nil {
				buf = new(bytes.Buffer)
			}
			defer bufs.Put(buf)
			rules, tests, err := e.files(s, buf)
			if err == nil {
				err = out(emit.File{Path: RulesPath(s.Name), Data: rules})
			}
			if err == nil {
				err = out(emit.File{Path: TestPath(s.Name), Data: tests})
			}
			if err != nil {
				return fmt.Errorf("service %s: %w", s.Name, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	// The scrape side of the labels the rules read.
	scrape, err := scrapeFiles(c)
	if err != nil {
		return err
	}
	for _, f := range scrape {
		if err := out(f); err != nil {
			return err
		}
	}
	return nil
}

// files renders a service's rules and unit tests.
func (e *env) files(s *catalog.Service, buf *bytes.Buffer) (rules, tests []byte, err error) {
	sr, err := e.service(s)
	if err != nil {
		return nil, nil, err
	}
	if rules, err = marshal(buf, rulefmt.RuleGroups{Groups: sr.groups()}); err != nil {
		return nil, nil, err
	}
	if tests, err = marshal(buf, sr.unitTests()); err != nil {
		return nil, nil, err
	}
	return rules, tests, nil
}

// marshal writes v as YAML after the generated-file header, by rulefmt's
// yaml tags. yamlenc rather than yaml.v3's encoder: the encoder allocated
// fifty bytes per byte written, most of a thousand-service build's time.
func marshal(buf *bytes.Buffer, v any) ([]byte, error) {
	out := append(make([]byte, 0, buf.Cap()), header...)
	out, err := yamlenc.Append(out, v, yamlenc.Options{})
	if err != nil {
		return nil, err
	}
	if len(out) > buf.Cap() {
		buf.Grow(len(out))
	}
	return out, nil
}

// env is what every service's rules share, prepared once per catalog.
type env struct {
	c       *catalog.Catalog
	m       catalog.Metrics
	parser  parser.Parser
	errorRe *labels.Matcher // status=~errorStatus
	bucket  string          // <duration>_bucket
	count   string          // <duration>_count
	// memo shares the unit tests' predictions between services.
	memo memo
	// statusGood and statusBad are status values the unit tests' request
	// series use: one the error regex rejects and one it accepts ("" when
	// none of the usual codes fits the catalog's regex).
	statusGood, statusBad string
}

func newEnv(c *catalog.Catalog) (*env, error) {
	m := c.Settings.Metrics
	e := &env{
		c:       c,
		m:       m,
		parser:  parser.NewParser(parser.Options{}),
		errorRe: promql.Re(m.StatusLabel, m.ErrorStatus),
		bucket:  conventions.HistogramBuckets(m.Duration),
		count:   m.Duration + "_count",
	}
	// Prometheus anchors label regexes; so does this copy, compiled once.
	rx, err := regexp.Compile("^(?s:" + m.ErrorStatus + ")$")
	if err != nil {
		return nil, fmt.Errorf("metrics.errorStatus %q: %w", m.ErrorStatus, err)
	}
	for _, code := range []string{"200", "204", "201", "302", "404"} {
		if !rx.MatchString(code) {
			e.statusGood = code
			break
		}
	}
	for _, code := range []string{"500", "503", "502", "504", "429", "400"} {
		if rx.MatchString(code) {
			e.statusBad = code
			break
		}
	}
	if e.statusGood == "" || e.statusBad == "" {
		e.statusGood, e.statusBad = "", ""
	}
	return e, nil
}

// alertSpec is one alerting rule, kept with what the unit tests need to
// predict it.
type alertSpec struct {
	name   string
	expr   parser.Expr
	forDur time.Duration
	labels map[string]string
	// exprLabels are the labels the expression's result carries (an
	// absent() carries its selector's), under the rule's own.
	exprLabels map[string]string
	// annotations are the texts as Prometheus renders them.
	annotations map[string]string
	// templates replace annotations that are templates in the rule.
	templates map[string]string
	// off: the catalog turned the alert's class off; no rule is written
	// and no test expects it.
	off bool
}

func (a *alertSpec) rule() rulefmt.Rule {
	ann := make(map[string]string, len(a.annotations))
	for k, v := range a.annotations {
		ann[k] = literal(v)
	}
	for k, v := range a.templates {
		ann[k] = v
	}
	return rulefmt.Rule{
		Alert:       a.name,
		Expr:        render(a.expr),
		For:         model.Duration(a.forDur),
		Labels:      a.labels,
		Annotations: ann,
	}
}

// expectedLabels are the labels a firing alert of the rule carries, given
// the labels of the series its expression returned.
func (a *alertSpec) expectedLabels(series map[string]string) map[string]string {
	out := make(map[string]string, len(a.labels)+len(series)+len(a.exprLabels))
	for k, v := range series {
		out[k] = v
	}
	for k, v := range a.exprLabels {
		out[k] = v
	}
	for k, v := range a.labels {
		out[k] = v
	}
	return out
}

func record(name string, expr parser.Expr, lbls map[string]string) rulefmt.Rule {
	return rulefmt.Rule{Record: name, Expr: render(expr), Labels: lbls}
}

// serviceRules are the rules of one service.
type serviceRules struct {
	env      *env
	s        *catalog.Service
	interval time.Duration
	slos     []*sloRules
	signals  signalAlerts
	breakers []*breakerAlert
	// bulkheads are the saturation alerts of the dependencies with a
	// bulkhead.
	bulkheads []*breakerAlert
	memory    *alertSpec // nil without a memory limit
}

// signalAlerts are the golden-signal and instrumentation alerts of a
// service.
type signalAlerts struct {
	down, targetDown, errors, latency, absent, statusMissing, statusUnknown *alertSpec
}

// list is the alerts in the order the rules file holds them.
func (sig signalAlerts) list() []*alertSpec {
	return []*alertSpec{sig.down, sig.targetDown, sig.errors, sig.latency, sig.absent, sig.statusMissing, sig.statusUnknown}
}

// rules renders the specs that are not off.
func rules(specs []*alertSpec) []rulefmt.Rule {
	var rs []rulefmt.Rule
	for _, a := range specs {
		if !a.off {
			rs = append(rs, a.rule())
		}
	}
	return rs
}

// policy is the service's setting of an alert class.
func (sr *serviceRules) policy(c catalog.AlertClass) catalog.AlertPolicy { return sr.s.Policy(c) }

func (e *env) service(s *catalog.Service) (*serviceRules, error) {
	sr := &serviceRules{env: e, s: s, interval: s.Alerting.Interval}
	for _, o := range s.SLOs {
		so, err := sr.slo(o)
		if err != nil {
			return nil, fmt.Errorf("SLO %s: %w", o.Name, err)
		}
		sr.slos = append(sr.slos, so)
	}
	sr.signals = sr.signalAlerts()
	for _, d := range s.Dependencies {
		sr.breakers = append(sr.breakers, sr.breaker(d))
		if b := sr.bulkhead(d); b != nil {
			sr.bulkheads = append(sr.bulkheads, b)
		}
	}
	sr.memory = sr.memoryAlert()
	sr.linkRunbooks()
	return sr, nil
}

// groups lists the rule groups of the service's file: one per SLO, then the
// golden signals, then the dependencies' breakers.
func (sr *serviceRules) groups() []rulefmt.RuleGroup {
	iv := model.Duration(sr.interval)
	var gs []rulefmt.RuleGroup
	for _, so := range sr.slos {
		gs = append(gs, rulefmt.RuleGroup{Name: sloGroup(sr.s.Name, so.slo.Name), Interval: iv, Rules: so.rules()})
	}
	if rs := rules(sr.signals.list()); len(rs) > 0 {
		gs = append(gs, rulefmt.RuleGroup{Name: signalsGroup(sr.s.Name), Interval: iv, Rules: rs})
	}
	var deps []*alertSpec
	for _, b := range sr.breakers {
		deps = append(deps, b.spec)
	}
	for _, b := range sr.bulkheads {
		deps = append(deps, b.spec)
	}
	if rs := rules(deps); len(rs) > 0 {
		gs = append(gs, rulefmt.RuleGroup{Name: depsGroup(sr.s.Name), Interval: iv, Rules: rs})
	}
	return append(gs, sr.memoryGroups()...)
}

// alertFor is d, raised to the evaluation interval: a shorter `for:` would
// mean one evaluation anyway.
func (sr *serviceRules) alertFor(d time.Duration) time.Duration {
	return max(d, sr.interval)
}

// alertLabels are the labels every alert of the service carries, with the
// severity the catalog gives the alert's class.
func (sr *serviceRules) classLabels(c catalog.AlertClass, extra ...string) map[string]string {
	return sr.alertLabels(sr.policy(c).Severity, extra...)
}

// alertLabels are the labels every alert of the service carries.
func (sr *serviceRules) alertLabels(severity string, extra ...string) map[string]string {
	l := make(map[string]string, 5+len(extra)/2)
	l[conventions.AlertLabelService] = sr.s.Name
	l[conventions.AlertLabelTeam] = sr.s.Team
	l[conventions.AlertLabelTier] = string(sr.s.Tier)
	l[conventions.AlertLabelSeverity] = severity
	l[conventions.AlertLabelCluster] = sr.env.c.Settings.Cluster
	for i := 0; i+1 < len(extra); i += 2 {
		l[extra[i]] = extra[i+1]
	}
	return l
}

// annotations are summary and description plus the links every alert
// carries, as they should read.
func (sr *serviceRules) annotations(summary, description string) map[string]string {
	return map[string]string{
		conventions.AnnotationSummary: summary,
		"description":                 description,
		conventions.AnnotationRunbook: sr.s.Runbook,
		"dashboard":                   conventions.DashboardURL(sr.env.c.Settings.Links.Grafana, sr.s.Name),
	}
}

// literal makes text print as itself in an alert template: Prometheus
// expands annotations as Go templates, so a "{{" in a URL or a regular
// expression from the catalog would otherwise start an action (and fail the
// rule file's load).
func literal(s string) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	return strings.ReplaceAll(s, "{{", `{{ "{{" }}`)
}

// serviceSel matches the service's own series by the catalog's service label.
func (sr *serviceRules) serviceSel() *labels.Matcher {
	return promql.Eq(sr.env.m.ServiceLabel, sr.s.Name)
}

// requests is the service's request counter, optionally only errors.
func (sr *serviceRules) requests(errorsOnly bool) *parser.VectorSelector {
	if errorsOnly {
		return promql.Selector(sr.env.m.Requests, sr.serviceSel(), sr.env.errorRe)
	}
	return promql.Selector(sr.env.m.Requests, sr.serviceSel())
}

func seconds(d time.Duration) float64 { return float64(d) / float64(time.Second) }

// formatRat renders an exact rational for people: up to four decimals.
func formatRat(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	s := strings.TrimRight(r.FloatString(4), "0")
	return strings.TrimSuffix(s, ".")
}
