//lint:file-ignore SA1019 The SDK marks the v1 dashboard model deprecated in favour of v2, which only
// Grafana 12 with its new dashboard APIs imports; v1 JSON imports into every Grafana in use, so the
// target writes v1 until v2 is the norm.

package grafana

import (
	"sort"
	"strconv"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/gauge"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/statetimeline"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
	"github.com/prometheus/prometheus/promql/parser"
)

// The panel kinds of the dashboards, each built with the foundation SDK's
// builder and every option a reader sees set explicitly: the SDK leaves
// legends, tooltips and stat orientations empty unless told, and Grafana's
// own defaults (a red threshold at 80, an auto-sized unit) would say things
// the catalog did not.

// board is one dashboard under construction: it numbers panels and rows in
// the order they are added, so that ids are stable.
type board struct {
	b  *dashboard.DashboardBuilder
	id uint32
}

func (d *board) nextID() uint32 {
	d.id++
	return d.id
}

// row starts an expanded row: the panels added after it, up to the next row,
// are its panels. (A row holds panels itself only when collapsed.)
func (d *board) row(title string) {
	d.b.WithRow(dashboard.NewRowBuilder(title).Id(d.nextID()).Collapsed(false))
}

func (d *board) add(p cog.Builder[dashboard.Panel]) { d.b.WithPanel(p) }

// datasource is the data source of every panel and query: the one the
// datasource variable picks.
func datasource() common.DataSourceRef {
	return common.DataSourceRef{Type: ptr("prometheus"), Uid: ptr("${" + varDatasource + "}")}
}

func ptr[T any](v T) *T { return &v }

// series is one query of a panel.
type series struct {
	expr   parser.Expr
	legend string
}

// line is a threshold: a dashed line on a graph, a colour change on a stat.
type line struct {
	value float64
	color string
}

// thresholdsConfig are absolute steps from base upwards. Lines at the same
// value merge into the last one given, so list them from least to most
// severe.
func thresholdsConfig(base string, lines []line) dashboard.ThresholdsConfig {
	sorted := append([]line(nil), lines...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].value < sorted[j].value })
	steps := []dashboard.Threshold{{Value: nil, Color: base}}
	for _, l := range sorted {
		if last := &steps[len(steps)-1]; last.Value != nil && *last.Value == l.value {
			last.Color = l.color
			continue
		}
		steps = append(steps, dashboard.Threshold{Value: ptr(l.value), Color: l.color})
	}
	return dashboard.ThresholdsConfig{Mode: dashboard.ThresholdsModeAbsolute, Steps: steps}
}

func thresholds(base string, lines []line) *dashboard.ThresholdsConfigBuilder {
	t := thresholdsConfig(base, lines)
	return dashboard.NewThresholdsConfigBuilder().Mode(t.Mode).Steps(t.Steps)
}

// targets turns series into queries A, B, C, ...: range queries for
// graphs, instant ones (the value at the end of the time range) for stats,
// gauges and tables.
func targets(ss []series, instant, table bool) []cog.Builder[variants.Dataquery] {
	out := make([]cog.Builder[variants.Dataquery], len(ss))
	for i, s := range ss {
		q := prometheus.NewDataqueryBuilder().
			Datasource(datasource()).
			RefId(refID(i)).
			Expr(query(s.expr)).
			EditorMode(prometheus.QueryEditorModeCode)
		if s.legend != "" {
			q.LegendFormat(s.legend)
		}
		if instant {
			q.Instant()
		} else {
			q.Range()
		}
		if table {
			q.Format(prometheus.PromQueryFormatTable)
		} else {
			q.Format(prometheus.PromQueryFormatTimeSeries)
		}
		out[i] = q
	}
	return out
}

// refID is A … Z, then AA, AB, ...
func refID(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	return refID(i/26-1) + refID(i%26)
}

// link is a panel or dashboard link to a URL.
type link struct {
	title, tooltip, url, icon string
	// keepContext carries the time range and the variables (the dashboards
	// share their variables' names).
	keepContext bool
	newTab      bool
}

func (l link) builder() cog.Builder[dashboard.DashboardLink] {
	return withoutPlacement(dashboard.NewDashboardLinkBuilder(l.title).
		Type(dashboard.DashboardLinkTypeLink).
		Url(l.url).
		Icon(l.icon).
		Tooltip(l.tooltip).
		Tags([]string{}).
		AsDropdown(false).
		KeepTime(l.keepContext).
		IncludeVars(l.keepContext).
		TargetBlank(l.newTab))
}

// withoutPlacement builds a link without the placement the SDK sets by
// default: "inControlsMenu" tucks a dashboard's links away in its controls
// menu, where Grafana's own default shows them above the panels.
func withoutPlacement(b *dashboard.DashboardLinkBuilder) cog.Builder[dashboard.DashboardLink] {
	l, err := b.Build()
	if err != nil {
		return b // its Build reports the error again where the link is added
	}
	l.Placement = nil
	return built[dashboard.DashboardLink]{l}
}

// built is a cog.Builder of a value built already.
type built[T any] struct{ v T }

func (b built[T]) Build() (T, error) { return b.v, nil }

func linkBuilders(ls []link) []cog.Builder[dashboard.DashboardLink] {
	out := make([]cog.Builder[dashboard.DashboardLink], len(ls))
	for i, l := range ls {
		out[i] = l.builder()
	}
	return out
}

// legend placements of graphs.
type legendKind int

const (
	// legendList lists the series under the graph.
	legendList legendKind = iota
	// legendTable tables the series right of the graph with their last and
	// highest values.
	legendTable
)

func legendOptions(k legendKind) *common.VizLegendOptionsBuilder {
	l := common.NewVizLegendOptionsBuilder().ShowLegend(true)
	if k == legendTable {
		return l.DisplayMode(common.LegendDisplayModeTable).Placement(common.LegendPlacementRight).
			Calcs([]string{"lastNotNull", "max"}).SortBy("Last *").SortDesc(true)
	}
	return l.DisplayMode(common.LegendDisplayModeList).Placement(common.LegendPlacementBottom).Calcs([]string{})
}

// tooltip shows every series at the cursor, highest first; hideZeros drops
// the series at zero (the generated clients export a zero series for every
// outcome, which would otherwise crowd out the few that are not).
func tooltip(hideZeros bool) *common.VizTooltipOptionsBuilder {
	t := common.NewVizTooltipOptionsBuilder().Mode(common.TooltipDisplayModeMulti).Sort(common.SortOrderDescending)
	if hideZeros {
		t.HideZeros(true)
	}
	return t
}

// graph is a time series panel.
type graph struct {
	title, description string
	unit               string
	decimals           float64
	series             []series
	// lines are thresholds drawn as dashed lines, least severe first.
	lines []line
	// softMax keeps the y axis up to at least this value (0: auto), so that
	// the threshold lines are in view while the series are low.
	softMax   float64
	legend    legendKind
	hideZeros bool
	width     uint32
	height    uint32
	links     []link
}

func (d *board) graph(g graph) {
	p := timeseries.NewPanelBuilder().
		Id(d.nextID()).
		Title(g.title).
		Description(g.description).
		Datasource(datasource()).
		Targets(targets(g.series, false, false)).
		Span(g.width).
		Height(g.height).
		Unit(g.unit).
		Decimals(g.decimals).
		Min(0).
		ColorScheme(dashboard.NewFieldColorBuilder().Mode(dashboard.FieldColorModeIdPaletteClassic)).
		Thresholds(thresholds(colorOK, g.lines)).
		Legend(legendOptions(g.legend)).
		Tooltip(tooltip(g.hideZeros)).
		DrawStyle(common.GraphDrawStyleLine).
		LineInterpolation(common.LineInterpolationLinear).
		LineWidth(1).
		FillOpacity(10).
		GradientMode(common.GraphGradientModeNone).
		ShowPoints(common.VisibilityModeNever).
		SpanNulls(common.BoolOrFloat64{Bool: ptr(false)}).
		AxisPlacement(common.AxisPlacementAuto).
		Stacking(common.NewStackingConfigBuilder().Mode(common.StackingModeNone).Group("A"))
	if len(g.lines) > 0 {
		p.ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeDashed))
	} else {
		p.ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeOff))
	}
	if g.softMax > 0 {
		p.AxisSoftMax(g.softMax)
	}
	if len(g.links) > 0 {
		p.Links(linkBuilders(g.links))
	}
	d.add(p)
}

// single is a stat or gauge panel of one instant value.
type single struct {
	title, description string
	unit               string
	decimals           float64
	series             series
	base               string
	lines              []line
	// noValue is shown when the query returns nothing.
	noValue       string
	min, max      *float64
	width, height uint32
}

func reduceLast() *common.ReduceDataOptionsBuilder {
	return common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}).Values(false)
}

func (d *board) stat(s single) {
	p := stat.NewPanelBuilder().
		Id(d.nextID()).
		Title(s.title).
		Description(s.description).
		Datasource(datasource()).
		Targets(targets([]series{s.series}, true, false)).
		Span(s.width).
		Height(s.height).
		Unit(s.unit).
		Decimals(s.decimals).
		ColorScheme(dashboard.NewFieldColorBuilder().Mode(dashboard.FieldColorModeIdThresholds)).
		Thresholds(thresholds(s.base, s.lines)).
		ReduceOptions(reduceLast()).
		Orientation(common.VizOrientationHorizontal).
		TextMode(common.BigValueTextModeValue).
		ColorMode(common.BigValueColorModeBackground).
		GraphMode(common.BigValueGraphModeNone).
		JustifyMode(common.BigValueJustifyModeCenter).
		WideLayout(true).
		ShowPercentChange(false)
	if s.noValue != "" {
		p.NoValue(s.noValue)
	}
	if s.min != nil {
		p.Min(*s.min)
	}
	if s.max != nil {
		p.Max(*s.max)
	}
	d.add(p)
}

func (d *board) gauge(s single) {
	p := gauge.NewPanelBuilder().
		Id(d.nextID()).
		Title(s.title).
		Description(s.description).
		Datasource(datasource()).
		Targets(targets([]series{s.series}, true, false)).
		Span(s.width).
		Height(s.height).
		Unit(s.unit).
		Decimals(s.decimals).
		ColorScheme(dashboard.NewFieldColorBuilder().Mode(dashboard.FieldColorModeIdThresholds)).
		Thresholds(thresholds(s.base, s.lines)).
		ReduceOptions(reduceLast()).
		Orientation(common.VizOrientationAuto).
		ShowThresholdMarkers(true).
		ShowThresholdLabels(false).
		Sizing(common.BarGaugeSizingAuto)
	if s.noValue != "" {
		p.NoValue(s.noValue)
	}
	if s.min != nil {
		p.Min(*s.min)
	}
	if s.max != nil {
		p.Max(*s.max)
	}
	d.add(p)
}

// states is a state timeline of series whose values are mapped to named,
// coloured states.
type states struct {
	title, description string
	series             []series
	states             []state
	width, height      uint32
}

// state is one value of a state timeline.
type state struct {
	value float64
	text  string
	color string
}

func (d *board) states(s states) {
	options := make(map[string]dashboard.ValueMappingResult, len(s.states))
	for i, st := range s.states {
		options[strconv.FormatFloat(st.value, 'g', -1, 64)] = dashboard.ValueMappingResult{
			Text: ptr(st.text), Color: ptr(st.color), Index: ptr(int32(i)),
		}
	}
	p := statetimeline.NewPanelBuilder().
		Id(d.nextID()).
		Title(s.title).
		Description(s.description).
		Datasource(datasource()).
		Targets(targets(s.series, false, false)).
		Span(s.width).
		Height(s.height).
		Decimals(0).
		Unit("none").
		ColorScheme(dashboard.NewFieldColorBuilder().Mode(dashboard.FieldColorModeIdThresholds)).
		Thresholds(thresholds(colorOK, nil)).
		Mappings([]dashboard.ValueMapping{{ValueMap: &dashboard.ValueMap{Type: dashboard.MappingTypeValueToText, Options: options}}}).
		ShowValue(common.VisibilityModeNever).
		MergeValues(true).
		AlignValue(common.TimelineValueAlignmentLeft).
		RowHeight(0.9).
		FillOpacity(70).
		LineWidth(0).
		Legend(legendOptions(legendList)).
		Tooltip(tooltip(false))
	d.add(p)
}

// column is one value column of a table built from instant queries.
type column struct {
	name               string
	series             series
	unit               string
	decimals           float64
	base               string
	lines              []line
	colorCells, hidden bool
}

// key is a label column of a table, shown under name.
type key struct{ label, name string }

// tableSpec is a table whose rows are the label sets the queries share.
type tableSpec struct {
	title, description string
	// keys are the label columns, first.
	keys    []key
	columns []column
	// sortBy and desc sort the rows by one column.
	sortBy        string
	desc          bool
	width, height uint32
	links         []link
}

func (d *board) table(t tableSpec) {
	ss := make([]series, len(t.columns))
	rename := map[string]string{}
	order := map[string]int{}
	exclude := map[string]bool{"Time": true}
	for i, k := range t.keys {
		order[k.label] = i
		rename[k.label] = k.name
	}
	for i, c := range t.columns {
		ss[i] = c.series
		field := "Value #" + refID(i)
		rename[field] = c.name
		order[field] = len(t.keys) + i
	}
	p := table.NewPanelBuilder().
		Id(d.nextID()).
		Title(t.title).
		Description(t.description).
		Datasource(datasource()).
		Targets(targets(ss, true, true)).
		Span(t.width).
		Height(t.height).
		Unit("none").
		Decimals(0).
		ColorScheme(dashboard.NewFieldColorBuilder().Mode(dashboard.FieldColorModeIdThresholds)).
		Thresholds(thresholds(colorOK, nil)).
		ShowHeader(true).
		CellHeight(common.TableCellHeightSm).
		Footer(common.NewTableFooterOptionsBuilder().Show(false).Reducer([]string{}).CountRows(false)).
		Align(common.FieldTextAlignmentAuto).
		CellOptions(common.TableCellOptions{TableAutoCellOptions: &common.TableAutoCellOptions{Type: "auto"}}).
		Filterable(false).
		// One row per label set: the queries' frames merged on their
		// shared label columns, the time column dropped, the value
		// columns named.
		WithTransformation(dashboard.DataTransformerConfig{Id: "merge", Options: map[string]any{}}).
		WithTransformation(dashboard.DataTransformerConfig{Id: "organize", Options: map[string]any{
			"excludeByName": exclude,
			"renameByName":  rename,
			"indexByName":   order,
		}}).
		SortBy([]cog.Builder[common.TableSortByFieldState]{
			common.NewTableSortByFieldStateBuilder().DisplayName(t.sortBy).Desc(t.desc),
		})
	for _, c := range t.columns {
		props := []dashboard.DynamicConfigValue{
			{Id: "unit", Value: c.unit},
			{Id: "decimals", Value: c.decimals},
		}
		if c.colorCells {
			props = append(props,
				dashboard.DynamicConfigValue{Id: "thresholds", Value: thresholdsConfig(c.base, c.lines)},
				dashboard.DynamicConfigValue{Id: "custom.cellOptions", Value: common.TableCellOptions{
					TableColoredBackgroundCellOptions: &common.TableColoredBackgroundCellOptions{
						Type: common.TableCellDisplayModeColorBackground,
						Mode: ptr(common.TableCellBackgroundDisplayModeBasic),
					},
				}})
		}
		if c.hidden {
			props = append(props, dashboard.DynamicConfigValue{Id: "custom.hidden", Value: true})
		}
		p.OverrideByName(c.name, props)
	}
	if len(t.links) > 0 {
		p.Links(linkBuilders(t.links))
	}
	d.add(p)
}
