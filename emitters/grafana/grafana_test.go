//lint:file-ignore SA1019 The SDK marks the v1 dashboard model deprecated in favour of v2, which only
// Grafana 12 with its new dashboard APIs imports; v1 JSON imports into every Grafana in use, so the
// target writes v1 until v2 is the norm.

package grafana_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/gauge"
	sdkprom "github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/statetimeline"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/yaml"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/compilertest"
	"github.com/svcgen/svcgen/conventions"
	"github.com/svcgen/svcgen/emitters/emit"
	"github.com/svcgen/svcgen/emitters/grafana"
	"github.com/svcgen/svcgen/emitters/kubernetes"
	"github.com/svcgen/svcgen/emitters/prometheus"
	"github.com/svcgen/svcgen/examples"
)

// registerVariants teaches the SDK's decoder the panel and query types the
// dashboards use, so that strict decoding checks their options and queries
// field by field instead of keeping them as untyped maps.
var registerVariants = sync.OnceFunc(func() {
	rt := cog.NewRuntime()
	rt.RegisterPanelcfgVariant(timeseries.VariantConfig())
	rt.RegisterPanelcfgVariant(stat.VariantConfig())
	rt.RegisterPanelcfgVariant(gauge.VariantConfig())
	rt.RegisterPanelcfgVariant(table.VariantConfig())
	rt.RegisterPanelcfgVariant(statetimeline.VariantConfig())
	rt.RegisterDataqueryVariant(sdkprom.VariantConfig())
})

// built is one catalog with its dashboards, decoded.
type built struct {
	c      *catalog.Catalog
	files  []emit.File
	boards map[string]*dashboard.Dashboard // by path
}

func build(t *testing.T, c *catalog.Catalog) *built {
	t.Helper()
	registerVariants()
	files, err := grafana.Emitter{}.Emit(c)
	if err != nil {
		t.Fatal(err)
	}
	b := &built{c: c, files: files, boards: map[string]*dashboard.Dashboard{}}
	for _, f := range files {
		if err := emit.CheckPath(f.Path); err != nil {
			t.Fatal(err)
		}
		if err := strictCheck(f.Data); err != nil {
			t.Fatalf("%s does not decode strictly into the SDK's dashboard: %v", f.Path, err)
		}
		var d dashboard.Dashboard
		if err := json.Unmarshal(f.Data, &d); err != nil {
			t.Fatalf("%s does not decode into the SDK's dashboard: %v", f.Path, err)
		}
		b.boards[f.Path] = &d
	}
	return b
}

// strictCheck decodes a dashboard with the SDK's strict decoder, which
// refuses unknown fields, missing required ones and wrongly typed values at
// every level, and returns what it refused. Its result is not used: in
// v0.0.22 every strict decoder returns an empty cog.BuildErrors rather than
// nil on success, so a caller such as PanelOrRowPanel's, which keeps a
// decoded row only when its error is nil, drops every panel. The value is
// decoded with encoding/json (through the SDK's UnmarshalJSON methods) and
// compared with the file, which shows anything it would not keep.
func strictCheck(data []byte) error {
	var d dashboard.Dashboard
	err := d.UnmarshalJSONStrict(data)
	var be cog.BuildErrors
	if errors.As(err, &be) && len(be) == 0 {
		return nil
	}
	return err
}

func compileSrc(t *testing.T, src string) *catalog.Catalog {
	t.Helper()
	return compilertest.MustCompile(t, compilertest.One(src))
}

// edgeCatalog exercises what the examples do not: other metric and label
// names, a custom SLI, a service with no availability SLO (raw request
// rates), SLOs of two periods in one team, a name too long for a readable
// uid, and a service without dependencies or SLOs.
const edgeCatalog = `package catalog

settings: {
	cluster:   "eu-2"
	namespace: "jobs"
	metrics: {
		requests: "api_requests_total"
		duration: "api_request_seconds"
		labels: {service: "app", status: "code"}
		errorStatus: "5..|429"
	}
	alerting: defaultReceiver: team: "ops"
}

teams: ops: receivers: pagerduty: routingKeyFile: "/etc/am/pd"
teams: idle: receivers: slack: {channel: "#idle", apiURLFile: "/etc/am/slack"}

services: "mailer-with-a-name-well-beyond-the-dashboard-uid-limit": {
	team:  "ops"
	tier:  "high"
	image: "ghcr.io/example/mailer:1.0.0"
	slos: {
		availability: {}
		jobs: {kind: "availability", objective: 99.25, period: "28d", sli: {
			errorQuery: "sum(rate(jobs_failed_total{queue=\"mail\"}[{{.window}}]))"
			totalQuery: "sum(rate(jobs_total{queue=\"mail\"}[{{.window}}]))"
		}}
	}
	dependencies: {
		smtp: {kind: "external", host: "smtp.example.com", port: 587, protocol: "TCP"}
		render: {}
	}
}

services: render: {
	team:  "ops"
	tier:  "medium"
	image: "ghcr.io/example/render:1.0.0"
	slos: speed: {kind: "latency", threshold: "250ms", objective: 99}
}

services: quiet: {
	team:  "ops"
	tier:  "low"
	image: "ghcr.io/example/quiet:1.0.0"
	slos: {}
}
`

// catalogs are the examples and the edge catalog.
func catalogs(t *testing.T) map[string]*catalog.Catalog {
	t.Helper()
	out := map[string]*catalog.Catalog{"edge": compileSrc(t, edgeCatalog)}
	for _, name := range examples.Names() {
		out[name] = examples.Compile(t, name)
	}
	return out
}

// panels lists a dashboard's panels in order with the title of the row
// each is in.
type placed struct {
	row   string
	panel *dashboard.Panel
}

func panels(d *dashboard.Dashboard) []placed {
	var out []placed
	row := ""
	for _, p := range d.Panels {
		if p.RowPanel != nil {
			row = *p.RowPanel.Title
			for i := range p.RowPanel.Panels {
				out = append(out, placed{row, &p.RowPanel.Panels[i]})
			}
			continue
		}
		out = append(out, placed{row, p.Panel})
	}
	return out
}

// TestDashboards decodes every dashboard strictly into the SDK's types and
// checks what Grafana needs of them: uids that are the ones the alerts link
// to, at most 40 characters and unique across the catalog; unique panel
// ids; panels inside the grid and not overlapping; every option a reader
// sees set explicitly; nothing lost by the decoding.
func TestDashboards(t *testing.T) {
	for name, c := range catalogs(t) {
		t.Run(name, func(t *testing.T) {
			b := build(t, c)
			if len(b.files) != len(c.Services)+1 {
				t.Fatalf("%d files for %d services", len(b.files), len(c.Services))
			}
			if !slices.IsSortedFunc(b.files, func(x, y emit.File) int { return strings.Compare(x.Path, y.Path) }) {
				t.Error("files are not sorted by path")
			}
			uids := map[string]string{}
			for _, f := range b.files {
				d := b.boards[f.Path]
				var s *catalog.Service
				wantUID := conventions.OverviewDashboardUID
				if f.Path != grafana.OverviewPath {
					s = c.Service(strings.TrimSuffix(strings.TrimPrefix(f.Path, grafana.Dir+"/"), ".json"))
					if s == nil {
						t.Fatalf("%s is no service's dashboard", f.Path)
					}
					wantUID = conventions.DashboardUID(s.Name)
				}
				uid := *d.Uid
				if uid != wantUID || len(uid) > 40 || len(uid) < 8 {
					t.Errorf("%s: uid %q, want %q (8 to 40 characters)", f.Path, uid, wantUID)
				}
				if prev, dup := uids[uid]; dup {
					t.Errorf("%s and %s share the uid %s", prev, f.Path, uid)
				}
				uids[uid] = f.Path
				checkBoard(t, f, d, s)
			}
		})
	}
}

func checkBoard(t *testing.T, f emit.File, d *dashboard.Dashboard, s *catalog.Service) {
	t.Helper()
	// Nothing is lost: the decoded dashboard encodes to the same JSON value.
	again, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var want, got any
	if err := json.Unmarshal(f.Data, &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(again, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(want, got) {
		t.Errorf("%s: decoding into the SDK's types changes it:\n%s", f.Path, firstDifference("", want, got))
	}
	if !bytes.HasSuffix(f.Data, []byte("}\n")) || bytes.Contains(f.Data, []byte(`\u0026`)) {
		t.Errorf("%s: not newline-terminated JSON without HTML escapes", f.Path)
	}
	// Indented exactly as encoding/json indents.
	var compact, indented bytes.Buffer
	if err := json.Compact(&compact, f.Data); err != nil {
		t.Fatal(err)
	}
	if err := json.Indent(&indented, compact.Bytes(), "", "  "); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(append(indented.Bytes(), '\n'), f.Data) {
		t.Errorf("%s: not indented as json.Indent indents", f.Path)
	}

	if d.Editable == nil || *d.Editable || d.Id != nil || d.Version != nil {
		t.Errorf("%s: want a read-only dashboard without id or version", f.Path)
	}
	if s != nil {
		for _, tag := range []string{conventions.DashboardTag, conventions.DashboardTeamTag(s.Team), conventions.DashboardTierTag(string(s.Tier))} {
			if !slices.Contains(d.Tags, tag) {
				t.Errorf("%s: tags %v lack %s", f.Path, d.Tags, tag)
			}
		}
	}
	for _, tag := range d.Tags {
		if len(tag) > conventions.DashboardTagMaxLen {
			t.Errorf("%s: tag %q is longer than Grafana stores", f.Path, tag)
		}
	}
	for _, l := range d.Links {
		if l.Placement != nil {
			t.Errorf("%s: link %q placed %s, out of sight", f.Path, l.Title, *l.Placement)
		}
	}
	var vars []string
	for _, v := range d.Templating.List {
		vars = append(vars, v.Name)
	}
	if !slices.Equal(vars, []string{"datasource", "cluster"}) {
		t.Errorf("%s: variables %v", f.Path, vars)
	}

	ids := map[uint32]bool{}
	var grid [][24]bool
	occupy := func(title string, g *dashboard.GridPos) {
		if g == nil || g.W == 0 || g.H == 0 || g.X+g.W > 24 {
			t.Errorf("%s: panel %q at %+v", f.Path, title, g)
			return
		}
		for y := g.Y; y < g.Y+g.H; y++ {
			for len(grid) <= int(y) {
				grid = append(grid, [24]bool{})
			}
			for x := g.X; x < g.X+g.W; x++ {
				if grid[y][x] {
					t.Errorf("%s: panel %q overlaps another at %d,%d", f.Path, title, x, y)
				}
				grid[y][x] = true
			}
		}
	}
	for _, p := range d.Panels {
		if r := p.RowPanel; r != nil {
			if ids[r.Id] {
				t.Errorf("%s: id %d twice", f.Path, r.Id)
			}
			ids[r.Id] = true
			if r.Collapsed || len(r.Panels) != 0 {
				t.Errorf("%s: row %q collapsed or holding panels (Grafana drops those of an expanded row)", f.Path, *r.Title)
			}
			occupy(*r.Title, r.GridPos)
		}
	}
	for _, pl := range panels(d) {
		p := pl.panel
		title := *p.Title
		if p.Id == nil || ids[*p.Id] {
			t.Errorf("%s: panel %q without a unique id", f.Path, title)
		} else {
			ids[*p.Id] = true
		}
		occupy(title, p.GridPos)
		checkPanel(t, f.Path+": "+title, p)
	}
}

// checkPanel checks that a panel sets what a reader sees.
func checkPanel(t *testing.T, where string, p *dashboard.Panel) {
	t.Helper()
	if p.Description == nil || *p.Description == "" {
		t.Errorf("%s: no description", where)
	}
	if p.Datasource == nil || *p.Datasource.Uid != "${datasource}" || *p.Datasource.Type != "prometheus" {
		t.Errorf("%s: data source %v", where, p.Datasource)
	}
	if len(p.Targets) == 0 {
		t.Errorf("%s: no queries", where)
	}
	for _, q := range p.Targets {
		pq, ok := q.(*sdkprom.Dataquery)
		if !ok {
			t.Fatalf("%s: query %T, not a Prometheus query", where, q)
		}
		if pq.RefId == nil || pq.Instant == nil || pq.Range == nil || *pq.Instant == *pq.Range || pq.Format == nil {
			t.Errorf("%s: query %q without refId, format, or one of instant and range", where, pq.Expr)
		}
	}
	def := p.FieldConfig.Defaults
	if def.Unit == nil || *def.Unit == "" || def.Decimals == nil || def.Thresholds == nil || def.Color == nil {
		t.Errorf("%s: unit, decimals, thresholds or colour left to Grafana", where)
	}
	legend := func(l common.VizLegendOptions) {
		if l.DisplayMode == "" || l.Placement == "" || !l.ShowLegend || l.Calcs == nil {
			t.Errorf("%s: legend %+v", where, l)
		}
	}
	tooltip := func(tt common.VizTooltipOptions) {
		if tt.Mode == "" || tt.Sort == "" {
			t.Errorf("%s: tooltip %+v", where, tt)
		}
	}
	reduce := func(r common.ReduceDataOptions) {
		if len(r.Calcs) == 0 {
			t.Errorf("%s: no reducer", where)
		}
	}
	switch o := p.Options.(type) {
	case *timeseries.Options:
		legend(o.Legend)
		tooltip(o.Tooltip)
		custom := def.Custom.(*timeseries.FieldConfig)
		if custom.ThresholdsStyle == nil || custom.DrawStyle == nil || custom.SpanNulls == nil {
			t.Errorf("%s: graph style left to Grafana", where)
		}
		if custom.ThresholdsStyle.Mode == common.GraphThresholdsStyleModeOff && len(def.Thresholds.Steps) > 1 {
			t.Errorf("%s: thresholds not drawn", where)
		}
		for _, q := range p.Targets {
			if q.(*sdkprom.Dataquery).LegendFormat == nil {
				t.Errorf("%s: a series without a legend", where)
			}
		}
	case *statetimeline.Options:
		legend(o.Legend)
		tooltip(o.Tooltip)
		if len(def.Mappings) == 0 {
			t.Errorf("%s: states without names", where)
		}
	case *stat.Options:
		reduce(o.ReduceOptions)
		if o.Orientation == "" || o.TextMode == "" || o.ColorMode == "" || o.GraphMode == "" || o.JustifyMode == "" {
			t.Errorf("%s: stat options %+v", where, o)
		}
	case *gauge.Options:
		reduce(o.ReduceOptions)
		if o.Orientation == "" || o.Sizing == "" {
			t.Errorf("%s: gauge options %+v", where, o)
		}
	case *table.Options:
		if len(o.SortBy) != 1 || o.CellHeight == nil || o.Footer == nil {
			t.Errorf("%s: table options %+v", where, o)
		}
	default:
		t.Errorf("%s: options %T: a panel type the decoder does not know", where, p.Options)
	}
}

// recordings are the recording rules the Prometheus emitter writes for a
// catalog: name → the service and slo label pairs it is recorded for.
type recordings map[string][][2]string

func recorded(t *testing.T, c *catalog.Catalog) recordings {
	t.Helper()
	files, err := prometheus.Emitter{}.Emit(c)
	if err != nil {
		t.Fatal(err)
	}
	out := recordings{}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, f := range files {
		if !strings.HasSuffix(f.Path, ".rules.yml") {
			continue
		}
		groups, errs := rulefmt.Parse(f.Data, false, model.LegacyValidation, parser.NewParser(parser.Options{}), logger)
		if len(errs) > 0 {
			t.Fatalf("%s: %v", f.Path, errs)
		}
		for _, g := range groups.Groups {
			for _, r := range g.Rules {
				if r.Record != "" {
					out[r.Record] = append(out[r.Record], [2]string{r.Labels[conventions.RecordLabelService], r.Labels[conventions.RecordLabelSLO]})
				}
			}
		}
	}
	return out
}

// query is one PromQL text of a dashboard: a panel's target or a variable's
// label_values selector.
type query struct {
	where    string
	service  *catalog.Service // the dashboard's service; nil on the overview
	text     string
	variable bool
}

func queries(t *testing.T, b *built) []query {
	t.Helper()
	var out []query
	for _, f := range b.files {
		d := b.boards[f.Path]
		s := b.c.Service(strings.TrimSuffix(strings.TrimPrefix(f.Path, grafana.Dir+"/"), ".json"))
		for _, v := range d.Templating.List {
			if v.Type != "query" {
				continue
			}
			text := *v.Query.String
			sel, ok := strings.CutPrefix(text, "label_values(")
			sel, ok2 := strings.CutSuffix(sel, ", "+conventions.AlertLabelCluster+")")
			if !ok || !ok2 {
				t.Fatalf("%s: variable %s queries %q", f.Path, v.Name, text)
			}
			out = append(out, query{f.Path + ": variable " + v.Name, s, sel, true})
		}
		for _, pl := range panels(d) {
			for _, q := range pl.panel.Targets {
				out = append(out, query{f.Path + ": " + *pl.panel.Title, s, q.(*sdkprom.Dataquery).Expr, false})
			}
		}
	}
	return out
}

// rateSentinel stands in for $__rate_interval: an odd range nothing else
// writes, so that every range found in a query is known to be Grafana's.
const rateSentinel = 7*time.Minute + 13*time.Second

// TestQueries parses every query of every dashboard with the PromQL parser,
// Grafana's variables substituted, and checks every series it reads: a
// recording rule the Prometheus emitter writes for the same catalog, for the
// same service and SLO; or a raw metric the catalog's conventions, the
// generated clients or the documented saturation sources declare, with
// label values they write. Every raw rate runs over $__rate_interval, and
// every series is selected in the picked cluster.
func TestQueries(t *testing.T) {
	p := parser.NewParser(parser.Options{})
	for name, c := range catalogs(t) {
		t.Run(name, func(t *testing.T) {
			b := build(t, c)
			rec := recorded(t, c)
			deployed := deployedContainers(t, c)
			m := c.Settings.Metrics
			cluster := c.Settings.Cluster
			subst := strings.NewReplacer("$__rate_interval", model.Duration(rateSentinel).String(), "$cluster", cluster)
			readRecorded, readRaw := map[string]bool{}, map[string]bool{}
			for _, q := range queries(t, b) {
				text := subst.Replace(q.text)
				if strings.Contains(text, "$") {
					t.Errorf("%s: unknown variable in %q", q.where, q.text)
					continue
				}
				e, err := p.ParseExpr(text)
				if err != nil {
					t.Errorf("%s: %q does not parse: %v", q.where, q.text, err)
					continue
				}
				parser.Inspect(e, func(node parser.Node, _ []parser.Node) error {
					switch n := node.(type) {
					case *parser.MatrixSelector:
						if n.Range != rateSentinel {
							t.Errorf("%s: a range of %v, not $__rate_interval, in %q", q.where, n.Range, q.text)
						}
					case *parser.VectorSelector:
						ms := map[string]*labels.Matcher{}
						for _, lm := range n.LabelMatchers {
							if lm.Name != model.MetricNameLabel {
								ms[lm.Name] = lm
							}
						}
						if cm := ms[conventions.AlertLabelCluster]; !q.variable && (cm == nil || cm.Type != labels.MatchEqual || cm.Value != cluster) {
							t.Errorf("%s: %s not selected in the picked cluster", q.where, n)
						}
						delete(ms, conventions.AlertLabelCluster)
						if strings.Contains(n.Name, ":") {
							readRecorded[n.Name] = true
							checkRecorded(t, q, n, ms, rec)
						} else {
							readRaw[n.Name] = true
							checkRaw(t, c, q, n, ms, m, deployed)
						}
					}
					return nil
				})
			}
			// The documented saturation sources are what the panels read.
			if len(c.Services) > 0 {
				for _, metric := range grafana.SaturationMetrics {
					if !readRaw[metric] {
						t.Errorf("no query reads %s", metric)
					}
				}
			}
			// Every SLO's metadata and budget reach some panel.
			for _, r := range []string{conventions.RecordObjective, conventions.RecordBudgetRemaining, conventions.RecordCurrentBurnRate} {
				if len(rec[r]) > 0 && !readRecorded[r] {
					t.Errorf("no panel reads %s", r)
				}
			}
		})
	}
}

func checkRecorded(t *testing.T, q query, n *parser.VectorSelector, ms map[string]*labels.Matcher, rec recordings) {
	t.Helper()
	pairs, ok := rec[n.Name]
	if !ok {
		t.Errorf("%s: reads %s, which the Prometheus emitter does not record", q.where, n.Name)
		return
	}
	svc, slo := ms[conventions.RecordLabelService], ms[conventions.RecordLabelSLO]
	if svc == nil {
		// Only the overview's cluster variable lists the clusters of every
		// recording.
		if !q.variable {
			t.Errorf("%s: %s reads every service's recordings", q.where, n)
		}
		return
	}
	for name := range ms {
		if name != conventions.RecordLabelService && name != conventions.RecordLabelSLO {
			t.Errorf("%s: %s selects on %s, which the recordings do not carry", q.where, n, name)
		}
	}
	for _, pair := range pairs {
		if svc.Matches(pair[0]) && (slo == nil || slo.Matches(pair[1])) {
			return
		}
	}
	t.Errorf("%s: %s matches none of the series recorded as %s", q.where, n, n.Name)
}

// checkRaw checks a raw metric against what declares it.
func checkRaw(t *testing.T, c *catalog.Catalog, q query, n *parser.VectorSelector, ms map[string]*labels.Matcher, m catalog.Metrics, deployed map[string]map[string]bool) {
	t.Helper()
	allowed := func(names ...string) {
		for name := range ms {
			if !slices.Contains(names, name) {
				t.Errorf("%s: %s selects on %s, which its source does not write", q.where, n, name)
			}
		}
	}
	service := func(label string) *catalog.Service {
		sm := ms[label]
		if sm == nil || sm.Type != labels.MatchEqual || c.Service(sm.Value) == nil || q.service != nil && sm.Value != q.service.Name {
			t.Errorf("%s: %s does not select the dashboard's service by %s", q.where, n, label)
			return nil
		}
		return c.Service(sm.Value)
	}
	matchesSome := func(label string, values []string) {
		if lm := ms[label]; lm != nil && !slices.ContainsFunc(values, lm.Matches) {
			t.Errorf("%s: %s: %s matches none of %v", q.where, n, label, values)
		}
	}
	switch n.Name {
	case m.Requests, m.Duration + "_bucket":
		allowed(m.ServiceLabel, m.StatusLabel)
		service(m.ServiceLabel)
		if sm := ms[m.StatusLabel]; sm != nil && (sm.Type != labels.MatchRegexp || sm.Value != m.ErrorStatus) {
			t.Errorf("%s: %s selects errors other than by the catalog's errorStatus", q.where, n)
		}
	case conventions.ClientRequests, conventions.ClientRequestDuration + "_bucket", conventions.ClientRetries,
		conventions.ClientBreakerState, conventions.ClientBulkheadRejections:
		allowed(m.ServiceLabel, conventions.ClientLabelDependency, conventions.ClientLabelOutcome, conventions.ClientLabelState)
		s := service(m.ServiceLabel)
		if s == nil {
			return
		}
		if len(s.Dependencies) == 0 {
			t.Errorf("%s: %s reads the client of a service without dependencies", q.where, n)
		}
		if dm := ms[conventions.ClientLabelDependency]; dm != nil && (dm.Type != labels.MatchEqual || s.Dependency(dm.Value) == nil) {
			t.Errorf("%s: %s selects no dependency of %s", q.where, n, s.Name)
		}
		matchesSome(conventions.ClientLabelOutcome, conventions.ClientOutcomes)
		matchesSome(conventions.ClientLabelState, conventions.ClientStates)
		if om := ms[conventions.ClientLabelOutcome]; om != nil && (om.Matches(conventions.ClientOutcomeSuccess) || om.Matches(conventions.ClientOutcomeCanceled)) {
			t.Errorf("%s: %s counts successes or cancellations as failures", q.where, n)
		}
	case grafana.MetricCPUUsage, grafana.MetricMemoryWorkingSet, grafana.MetricCPUPeriods, grafana.MetricCPUThrottled:
		allowed("namespace", "container")
		ns, ctr := ms["namespace"], ms["container"]
		if ns == nil || ctr == nil || ns.Type != labels.MatchEqual || ctr.Type != labels.MatchEqual || ns.Value != c.Settings.Namespace ||
			q.service == nil || ctr.Value != q.service.Name || !deployed[ns.Value][ctr.Value] {
			t.Errorf("%s: %s selects no container the Kubernetes emitter deploys for the service", q.where, n)
		}
	case grafana.MetricUp:
		allowed(m.ServiceLabel)
		service(m.ServiceLabel)
		if !q.variable {
			t.Errorf("%s: reads %s outside the cluster variable", q.where, n)
		}
	default:
		t.Errorf("%s: reads %s, which neither the catalog's conventions, the generated clients nor the saturation sources declare", q.where, n.Name)
	}
}

// deployedContainers reads the Kubernetes emitter's Deployments of c:
// namespace → container names, where every Deployment of a service runs a
// container named after the service (which the saturation panels select).
func deployedContainers(t *testing.T, c *catalog.Catalog) map[string]map[string]bool {
	t.Helper()
	files, err := kubernetes.Emitter{}.Emit(c)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]bool{}
	for _, f := range files {
		for _, doc := range strings.Split(string(f.Data), "\n---\n") {
			var kind struct{ Kind string }
			if err := yaml.Unmarshal([]byte(doc), &kind); err != nil {
				t.Fatalf("%s: %v", f.Path, err)
			}
			if kind.Kind != "Deployment" {
				continue
			}
			var d appsv1.Deployment
			if err := yaml.UnmarshalStrict([]byte(doc), &d); err != nil {
				t.Fatalf("%s: %v", f.Path, err)
			}
			service := d.Spec.Template.Labels[conventions.LabelName]
			found := false
			for _, ct := range d.Spec.Template.Spec.Containers {
				found = found || ct.Name == service
			}
			if !found {
				t.Errorf("%s: Deployment %s runs no container named %s", f.Path, d.Name, service)
				continue
			}
			if out[d.Namespace] == nil {
				out[d.Namespace] = map[string]bool{}
			}
			out[d.Namespace][service] = true
		}
	}
	return out
}

// firstDifference describes where two JSON values first differ.
func firstDifference(path string, a, b any) string {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			out, _ := json.Marshal(b)
			return path + ": an object became " + string(out)
		}
		for k, x := range av {
			y, ok := bv[k]
			if !ok {
				return path + "." + k + ": missing after decoding"
			}
			if !reflect.DeepEqual(x, y) {
				return firstDifference(path+"."+k, x, y)
			}
		}
		for k := range bv {
			if _, ok := av[k]; !ok {
				return path + "." + k + ": added by decoding"
			}
		}
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return path + ": arrays differ in length"
		}
		for i := range av {
			if !reflect.DeepEqual(av[i], bv[i]) {
				return firstDifference(path+"["+strconv.Itoa(i)+"]", av[i], bv[i])
			}
		}
	}
	out, _ := json.Marshal(a)
	in, _ := json.Marshal(b)
	return path + ": " + string(out) + " became " + string(in)
}

// steps are a panel's threshold values above its base.
func steps(th *dashboard.ThresholdsConfig) []float64 {
	var out []float64
	for _, s := range th.Steps[1:] {
		out = append(out, *s.Value)
	}
	return out
}

// colors are a panel's threshold colours, base first.
func colors(th *dashboard.ThresholdsConfig) []string {
	var out []string
	for _, s := range th.Steps {
		out = append(out, s.Color)
	}
	return out
}

func sorted(vs ...float64) []float64 {
	out := slices.Clone(vs)
	slices.Sort(out)
	return slices.Compact(out)
}

func quantity(t *testing.T, q string) float64 {
	t.Helper()
	v, err := resource.ParseQuantity(q)
	if err != nil {
		t.Fatal(err)
	}
	return v.AsApproximateFloat64()
}

func ratio(p catalog.Percent) float64 {
	f, _ := strconv.ParseFloat(p.Ratio(), 64)
	return f
}

// TestThresholds checks that every line and colour change a service
// dashboard draws is the catalog's number: the tier's error-rate and latency
// alerts, the latency SLOs' thresholds, the container's requests and limits,
// each SLO's objective, the error-budget policy, the burn-rate alerts'
// factors and each dependency's timeouts. Each SLO has its row, with burn
// rates over every alert's long window divided by the SLO's own budget.
func TestThresholds(t *testing.T) {
	p := parser.NewParser(parser.Options{})
	for name, c := range catalogs(t) {
		t.Run(name, func(t *testing.T) {
			b := build(t, c)
			for _, s := range c.Services {
				d := b.boards[grafana.DashboardPath(s.Name)]
				byRow := map[string]map[string]*dashboard.Panel{}
				var rows []string
				for _, pl := range panels(d) {
					if byRow[pl.row] == nil {
						byRow[pl.row] = map[string]*dashboard.Panel{}
						rows = append(rows, pl.row)
					}
					byRow[pl.row][*pl.panel.Title] = pl.panel
				}
				wantRows := []string{"Golden signals"}
				for _, o := range s.SLOs {
					wantRows = append(wantRows, "SLO "+o.Name)
				}
				if len(s.Dependencies) > 0 {
					wantRows = append(wantRows, "Dependencies")
				}
				if len(rows) != len(wantRows) {
					t.Fatalf("%s: rows %q, want %q", s.Name, rows, wantRows)
				}
				for i, r := range rows {
					if !strings.HasPrefix(r, wantRows[i]) {
						t.Errorf("%s: row %d is %q, want %s…", s.Name, i, r, wantRows[i])
					}
				}
				expect := func(row, title string, want []float64) *dashboard.Panel {
					t.Helper()
					pn := byRow[row][title]
					if pn == nil {
						t.Errorf("%s: no panel %q in row %q", s.Name, title, row)
						return nil
					}
					if got := steps(pn.FieldConfig.Defaults.Thresholds); !slices.Equal(got, want) {
						t.Errorf("%s: %s/%s thresholds %v, want %v", s.Name, row, title, got, want)
					}
					return pn
				}

				golden := rows[0]
				expect(golden, "Error ratio", []float64{ratio(s.Alerting.ErrorRate)})
				lat := []float64{s.Alerting.Latency.Seconds()}
				for _, o := range s.SLOs {
					if o.Kind == catalog.SLOLatency && o.SLI == nil {
						lat = append(lat, o.Threshold.Seconds())
					}
				}
				expect(golden, "Latency", sorted(lat...))
				r := s.Resources
				expect(golden, "CPU", sorted(quantity(t, r.Requests.CPU), quantity(t, r.Limits.CPU)))
				expect(golden, "Memory", sorted(quantity(t, r.Requests.Memory), quantity(t, r.Limits.Memory)))

				for i, o := range s.SLOs {
					row := rows[1+i]
					period := catalog.FormatDuration(o.Period)
					if pn := expect(row, "Compliance ("+period+")", []float64{ratio(o.Objective)}); pn != nil &&
						!slices.Equal(colors(pn.FieldConfig.Defaults.Thresholds), []string{"red", "green"}) {
						t.Errorf("%s: compliance colours %v", s.Name, colors(pn.FieldConfig.Defaults.Thresholds))
					}
					if pn := expect(row, "Error budget left", []float64{0.2, 0.5}); pn != nil &&
						!slices.Equal(colors(pn.FieldConfig.Defaults.Thresholds), []string{"red", "orange", "green"}) {
						t.Errorf("%s: budget colours %v", s.Name, colors(pn.FieldConfig.Defaults.Thresholds))
					}
					var factors []float64
					longs := map[string]bool{}
					for _, a := range o.BurnAlerts() {
						f, _ := a.Factor(o.Period).Float64()
						factors = append(factors, f)
						longs[conventions.RecordSLIErrorRatio(catalog.FormatDuration(a.Long))] = true
					}
					burn := expect(row, "Burn rate", sorted(factors...))
					if burn == nil {
						continue
					}
					read := map[string]bool{}
					for _, q := range burn.Targets {
						e, err := p.ParseExpr(strings.ReplaceAll(q.(*sdkprom.Dataquery).Expr, "$cluster", c.Settings.Cluster))
						if err != nil {
							t.Fatal(err)
						}
						if bin, ok := e.(*parser.BinaryExpr); ok {
							vs, _ := bin.LHS.(*parser.VectorSelector)
							n, _ := bin.RHS.(*parser.NumberLiteral)
							if bin.Op != parser.DIV || vs == nil || n == nil || n.Val != ratio(o.ErrorBudget()) {
								t.Errorf("%s/%s: burn rate %s is not a recorded ratio over the budget %s", s.Name, o.Name, e, o.ErrorBudget().Ratio())
								continue
							}
							read[vs.Name] = true
						} else if vs, ok := e.(*parser.VectorSelector); !ok || vs.Name != conventions.RecordCurrentBurnRate {
							t.Errorf("%s/%s: burn rate series %s", s.Name, o.Name, e)
						}
					}
					if !reflect.DeepEqual(read, longs) {
						t.Errorf("%s/%s: burn rates over %v, want every long window %v", s.Name, o.Name, read, longs)
					}
				}

				if len(s.Dependencies) > 0 {
					row := rows[len(rows)-1]
					for _, x := range s.Dependencies {
						expect(row, x.Name+" latency", sorted(x.Timeout.PerTry.Seconds(), x.Timeout.Total.Seconds()))
					}
					if st := byRow[row]["Circuit breakers"]; st == nil || len(st.FieldConfig.Defaults.Mappings) != 1 ||
						len(st.FieldConfig.Defaults.Mappings[0].ValueMap.Options) != len(conventions.ClientStates) {
						t.Errorf("%s: circuit breaker states not named", s.Name)
					}
				}
			}
		})
	}
}

// TestOverview checks the SLO overview: a row per team that owns SLOs, in
// team order, each with one table of exactly its services' SLOs, sorted by
// the error budget left, ascending: worst first.
func TestOverview(t *testing.T) {
	for name, c := range catalogs(t) {
		t.Run(name, func(t *testing.T) {
			b := build(t, c)
			d := b.boards[grafana.OverviewPath]
			if *d.Title != grafana.OverviewTitle {
				t.Errorf("title %q", *d.Title)
			}
			var wantRows []string
			owned := map[string][]string{}
			for _, s := range c.Services {
				if len(s.SLOs) > 0 {
					owned[s.Team] = append(owned[s.Team], s.Name)
				}
			}
			for _, tm := range c.Teams {
				if len(owned[tm.Name]) > 0 {
					wantRows = append(wantRows, "Team "+tm.Name)
				}
			}
			var tables []placed
			for _, pl := range panels(d) {
				if _, ok := pl.panel.Options.(*table.Options); ok {
					tables = append(tables, pl)
				}
			}
			if len(tables) != len(wantRows) {
				t.Fatalf("%d tables, want one per team with SLOs: %v", len(tables), wantRows)
			}
			for i, pl := range tables {
				team := strings.TrimPrefix(wantRows[i], "Team ")
				if pl.row != wantRows[i] {
					t.Errorf("table %d in row %q, want %q", i, pl.row, wantRows[i])
				}
				o := pl.panel.Options.(*table.Options)
				if len(o.SortBy) != 1 || o.SortBy[0].DisplayName != "Budget left" || o.SortBy[0].Desc == nil || *o.SortBy[0].Desc {
					t.Errorf("%s: sorted by %+v, want Budget left ascending", team, o.SortBy)
				}
				var organize map[string]any
				for _, tr := range pl.panel.Transformations {
					if tr.Id == "organize" {
						organize = tr.Options.(map[string]any)
					}
				}
				rename, _ := organize["renameByName"].(map[string]any)
				var budgetRef string
				for field, name := range rename {
					if name == "Budget left" {
						budgetRef = strings.TrimPrefix(field, "Value #")
					}
				}
				for _, q := range pl.panel.Targets {
					pq := q.(*sdkprom.Dataquery)
					if *pq.RefId == budgetRef && !strings.Contains(pq.Expr, conventions.RecordBudgetRemaining+"{") {
						t.Errorf("%s: the Budget left column reads %s", team, pq.Expr)
					}
					e, err := parser.NewParser(parser.Options{}).ParseExpr(strings.ReplaceAll(pq.Expr, "$cluster", c.Settings.Cluster))
					if err != nil {
						t.Fatal(err)
					}
					for _, vs := range parser.ExtractSelectors(e) {
						for _, m := range vs {
							if m.Name != conventions.RecordLabelService {
								continue
							}
							for _, s := range c.Services {
								if m.Matches(s.Name) != slices.Contains(owned[team], s.Name) {
									t.Errorf("%s: %s matches %s: %v", team, m, s.Name, m.Matches(s.Name))
								}
							}
						}
					}
				}
				if budgetRef == "" {
					t.Errorf("%s: no Budget left column", team)
				}
			}
		})
	}
}
