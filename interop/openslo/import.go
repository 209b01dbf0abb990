package openslo

import (
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/interop/draft"
	"github.com/svcgen/svcgen/interop/promq"
	"github.com/svcgen/svcgen/interop/specyaml"
)

// Result is an import: the catalog to write, what was dropped (warnings)
// and what could not be imported (errors; then nothing is written).
type Result struct {
	Catalog  *draft.Catalog
	Warnings []*specyaml.Error
	Errors   []*specyaml.Error
	fills    []string
}

type index struct {
	byKind map[string]map[string]*Object
}

func (ix *index) get(kind, name string) *Object { return ix.byKind[kind][name] }

type service struct {
	name string
	obj  *Object // nil when only SLOs name it
	slos []*draft.SLO
	seen map[string]bool
	team string
	pos  specyaml.Pos
	// targets are the notification targets its SLOs' alert policies name.
	targets []*Object
}

// Import converts OpenSLO v1 objects into a catalog: one service per
// OpenSLO service, one catalog SLO per OpenSLO SLO with a Prometheus
// ratio-metric SLI. Teams come from the services' team (or owner) label,
// receivers from the notification targets of the SLOs' alert policies.
func Import(objs []*Object) *Result {
	r := &Result{}
	ix := &index{byKind: map[string]map[string]*Object{}}
	for _, o := range objs {
		m := ix.byKind[o.Kind]
		if m == nil {
			m = map[string]*Object{}
			ix.byKind[o.Kind] = m
		}
		if prev := m[o.Name]; prev != nil {
			r.errorf(o.Pos, "%s %s is declared twice (also at %s)", o.Kind, o.Name, prev.Pos)
			continue
		}
		m[o.Name] = o
	}
	services := map[string]*service{}
	get := func(name string, pos specyaml.Pos) *service {
		s := services[name]
		if s == nil {
			s = &service{name: name, seen: map[string]bool{}, pos: pos}
			services[name] = s
		}
		return s
	}
	for _, name := range sortedNames(ix.byKind[KindService]) {
		o := ix.get(KindService, name)
		s := get(name, o.Pos)
		s.obj = o
	}
	for _, name := range sortedNames(ix.byKind[KindSLO]) {
		o := ix.get(KindSLO, name)
		slo := o.Value.(*SLO)
		if !nameRE.MatchString(slo.Spec.Service) {
			r.errorf(o.at("spec", "service"), "spec.service %q: a catalog service name is a DNS label", slo.Spec.Service)
			continue
		}
		s := get(slo.Spec.Service, o.Pos)
		d := r.slo(ix, o, slo, s)
		if d == nil {
			continue
		}
		if s.seen[d.Name] {
			r.errorf(o.Pos, "SLO %s: service %s already has an SLO named %s", o.Name, s.name, d.Name)
			continue
		}
		s.seen[d.Name] = true
		s.slos = append(s.slos, d)
	}
	for _, name := range sortedNames(ix.byKind[KindDataSource]) {
		o := ix.get(KindDataSource, name)
		r.warnf(o.Pos, "DataSource %s (%s) not imported: the catalog's rules run in whichever Prometheus loads them", name, o.Value.(*DataSource).Spec.Type)
	}
	c := &draft.Catalog{From: "OpenSLO"}
	teams := map[string]*draft.Team{}
	for _, name := range sortedNames(services) {
		s := services[name]
		c.Services = append(c.Services, r.service(s, teams))
	}
	r.teams(ix, c, teams, services)
	c.Fills = r.fills
	r.Catalog = c
	return r
}

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (r *Result) service(s *service, teams map[string]*draft.Team) *draft.Service {
	d := &draft.Service{Name: s.name}
	var labels map[string]Label
	var ann map[string]string
	desc := ""
	if s.obj != nil {
		svc := s.obj.Value.(*Service)
		labels, ann, desc = svc.Metadata.Labels, svc.Metadata.Annotations, svc.Spec.Description
		d.Note = append(d.Note, fmt.Sprintf("Imported from the OpenSLO Service %s.", s.obj.Pos))
	} else {
		d.Note = append(d.Note, fmt.Sprintf("Imported from OpenSLO SLOs of service %s (no Service object; first at %s).", s.name, s.pos))
	}
	team := ""
	for _, k := range []string{"team", "owner"} {
		if v := labels[k]; len(v) > 0 && nameRE.MatchString(v[0]) {
			team = v[0]
			break
		}
	}
	var teamNote []string
	if team == "" {
		team = "unowned"
		teamNote = []string{draft.FillNote("no team or owner label on the OpenSLO Service: name the owning team.")}
		r.fill("service %s: team %q", s.name, team)
	}
	s.team = team
	if teams[team] == nil {
		teams[team] = &draft.Team{Name: team}
	}
	tier := ""
	if v := labels["tier"]; len(v) > 0 {
		for _, t := range catalog.Tiers {
			if v[0] == string(t) {
				tier = v[0]
			}
		}
	}
	var tierNote []string
	if tier == "" {
		tier = string(catalog.TierHigh)
		tierNote = []string{draft.FillNote("OpenSLO has no tier: critical, high, medium or low.")}
		r.fill("service %s: tier %q", s.name, tier)
	}
	if s.obj != nil {
		r.droppedMetadata(s.obj, labels, "team", "owner", "tier")
	}
	d.Fields = []draft.Field{{Name: "team", Value: team, Note: teamNote}, {Name: "tier", Value: tier, Note: tierNote}}
	if desc != "" {
		d.Fields = append(d.Fields, draft.Field{Name: "description", Value: desc})
	}
	if img := ann[AnnotationImage]; img != "" {
		d.Fields = append(d.Fields, draft.Field{Name: "image", Value: img})
	} else {
		d.Fields = append(d.Fields, draft.Field{Name: "image", Value: "registry.invalid/" + s.name + ":fill-me",
			Note: []string{draft.FillNote("the container image (registry/repository:tag); OpenSLO does not name one.")}})
		r.fill("service %s: image", s.name)
	}
	d.SLOs = s.slos
	return d
}

// slo converts one OpenSLO SLO, or reports why it cannot be.
func (r *Result) slo(ix *index, o *Object, x *SLO, s *service) *draft.SLO {
	sp := &x.Spec
	n := len(r.Errors)
	for i, ob := range sp.Objectives {
		if ob.Indicator != nil || ob.IndicatorRef != "" {
			r.errorf(o.atIndex(i, "spec", "objectives"), "SLO %s: a composite SLO (indicators per objective) has no catalog form: the catalog's SLO has one SLI; split it into one SLO per objective", o.Name)
			return nil
		}
	}
	if len(sp.Objectives) != 1 {
		r.errorf(o.at("spec", "objectives"), "SLO %s: %d objectives: a catalog SLO has one objective; split it into one SLO per objective", o.Name, len(sp.Objectives))
	}
	if sp.BudgetingMethod != "Occurrences" {
		r.errorf(o.at("spec", "budgetingMethod"), "SLO %s: budgetingMethod %s: the catalog budgets occurrences (bad events over all events); time-slice budgets have no catalog form", o.Name, sp.BudgetingMethod)
	}
	period := "30d"
	var periodNote []string
	if len(sp.TimeWindow) == 0 {
		periodNote = []string{"The OpenSLO SLO has no timeWindow: the catalog's default period."}
	} else {
		tw := sp.TimeWindow[0]
		switch p, err := days(tw.Duration); {
		case tw.Calendar != nil || (tw.IsRolling != nil && !*tw.IsRolling):
			r.errorf(o.at("spec", "timeWindow"), "SLO %s: a calendar-aligned time window has no catalog form: catalog SLOs roll over their period", o.Name)
		case err != nil:
			r.errorf(o.at("spec", "timeWindow"), "SLO %s: timeWindow %s: %v", o.Name, tw.Duration, err)
		default:
			period = p
		}
	}
	var sli *SLISpec
	var sliObj *Object
	switch {
	case sp.Indicator != nil:
		sli, sliObj = &sp.Indicator.Spec, o
	default:
		ref := ix.get(KindSLI, sp.IndicatorRef)
		if ref == nil {
			r.errorf(o.at("spec", "indicatorRef"), "SLO %s: indicatorRef %s: no SLI of that name among the imported files", o.Name, sp.IndicatorRef)
			return nil
		}
		sli, sliObj = &ref.Value.(*SLI).Spec, ref
	}
	ann := x.Metadata.Annotations
	errQ, totQ := r.sliQueries(ix, sliObj, sli, ann[AnnotationSLI] == SLIConventional)
	if len(r.Errors) > n {
		return nil
	}
	name := ann[AnnotationSLO]
	if name == "" {
		name = strings.TrimPrefix(o.Name, sp.Service+"-")
	}
	if !nameRE.MatchString(name) {
		name = o.Name
	}
	obj := objectivePercent(sp.Objectives[0])
	if _, err := catalog.ParsePercent(obj); err != nil || obj == "0" {
		r.errorf(o.atIndex(0, "spec", "objectives"), "SLO %s: objective %s %%: %v", o.Name, obj, err)
		return nil
	}
	d := &draft.SLO{Name: name, ErrorQuery: errQ, TotalQuery: totQ}
	d.Note = append(d.Note, fmt.Sprintf("From the OpenSLO SLO %s (%s).", o.Name, o.Pos))
	kind := ann[AnnotationKind]
	if kind != string(catalog.SLOLatency) {
		kind = string(catalog.SLOAvailability)
	}
	d.Fields = append(d.Fields, draft.Field{Name: "kind", Value: kind}, draft.Field{Name: "objective", Value: draft.Number(obj)},
		draft.Field{Name: "period", Value: period, Note: periodNote})
	if t := ann[AnnotationThreshold]; kind == string(catalog.SLOLatency) && t != "" {
		d.Fields = append(d.Fields, draft.Field{Name: "threshold", Value: t})
	}
	if m, err := strconv.Atoi(ann[AnnotationMinReqs]); err == nil && m >= 0 {
		d.Fields = append(d.Fields, draft.Field{Name: "minRequests", Value: m})
	}
	if sp.Description != "" {
		d.Fields = append(d.Fields, draft.Field{Name: "description", Value: sp.Description})
	}
	r.policies(ix, o, x, s)
	r.droppedMetadata(o, x.Metadata.Labels)
	if dn := sp.Objectives[0].DisplayName; dn != "" && dn != name && dn != x.Metadata.DisplayName {
		r.warnf(o.atIndex(0, "spec", "objectives"), "SLO %s: objective displayName %q dropped: the catalog names the SLO %s", o.Name, dn, name)
	}
	return d
}

// droppedMetadata warns about a displayName and labels (other than keep)
// that have no place in the catalog.
func (r *Result) droppedMetadata(o *Object, labels map[string]Label, keep ...string) {
	h := header(o.Value)
	var parts []string
	if h.Metadata.DisplayName != "" {
		parts = append(parts, fmt.Sprintf("displayName %q", h.Metadata.DisplayName))
	}
	for _, k := range sortedNames(labels) {
		if !slices.Contains(keep, k) {
			parts = append(parts, fmt.Sprintf("label %s=%s", k, strings.Join(labels[k], ",")))
		}
	}
	if len(parts) > 0 {
		it := "it"
		if len(parts) > 1 {
			it = "them"
		}
		r.warnf(o.at("metadata"), "%s %s: %s dropped: the catalog has no field for %s", o.Kind, o.Name, strings.Join(parts, ", "), it)
	}
}

// sliQueries returns a ratio metric's Prometheus queries as bad and total.
func (r *Result) sliQueries(ix *index, o *Object, s *SLISpec, conventional bool) (string, string) {
	if s.ThresholdMetric != nil {
		r.errorf(o.at("spec", "thresholdMetric"), "SLI %s: a threshold metric has no catalog form: the catalog's SLIs are ratios of bad to all events", o.Name)
		return "", ""
	}
	m := s.RatioMetric
	if m.Raw != nil {
		r.errorf(o.at("spec", "ratioMetric", "raw"), "SLI %s: a raw (precomputed) ratio cannot be weighed by traffic over the period: give the good or bad and the total counts instead", o.Name)
		return "", ""
	}
	if m.Counter != nil && !*m.Counter {
		r.errorf(o.at("spec", "ratioMetric", "counter"), "SLI %s: counter: false: the catalog's SLIs are rates of counters", o.Name)
		return "", ""
	}
	if conventional {
		return "", ""
	}
	tot, ok := r.query(ix, o, m.Total, "total")
	if !ok {
		return "", ""
	}
	if m.Bad != nil {
		bad, ok := r.query(ix, o, m.Bad, "bad")
		if !ok {
			return "", ""
		}
		return bad, tot
	}
	good, ok := r.query(ix, o, m.Good, "good")
	if !ok {
		return "", ""
	}
	return "(" + tot + ") - (" + good + ")", tot
}

func (r *Result) query(ix *index, o *Object, h *MetricHolder, which string) (string, bool) {
	pos := o.at("spec", "ratioMetric", which)
	ms := h.MetricSource
	typ := ms.Type
	if ms.MetricSourceRef != "" {
		ds := ix.get(KindDataSource, ms.MetricSourceRef)
		if ds == nil && typ == "" {
			r.errorf(pos, "SLI %s: metricSourceRef %s: no DataSource of that name, and no type", o.Name, ms.MetricSourceRef)
			return "", false
		}
		if ds != nil {
			typ = ds.Value.(*DataSource).Spec.Type
		}
	}
	if !strings.EqualFold(typ, "prometheus") {
		r.errorf(pos, "SLI %s: %s: metric source type %q: the catalog's SLIs are Prometheus queries", o.Name, which, typ)
		return "", false
	}
	q, _ := ms.Spec["query"].(string)
	if q == "" {
		q, _ = ms.Spec["promql"].(string)
	}
	q = strings.TrimSpace(q)
	if q == "" {
		r.errorf(pos, "SLI %s: %s: the metric source's spec has no query", o.Name, which)
		return "", false
	}
	q = windowRE.ReplaceAllString(q, catalog.WindowPlaceholder)
	if !strings.Contains(q, catalog.WindowPlaceholder) {
		r.errorf(pos, "SLI %s: %s: the query has no {{.window}}: the catalog records every SLI over 5m … 3d, so write the range of its rate() as [{{.window}}]", o.Name, which)
		return "", false
	}
	if msg := promq.Check(q); msg != "" {
		r.errorf(pos, "SLI %s: %s: the query is %s", o.Name, which, msg)
		return "", false
	}
	return q, true
}

// policies checks the SLO's alert policies: svcgen's own (exported) ones
// are implied by the objective; others are dropped with a warning. Their
// notification targets become receivers of the service's team.
func (r *Result) policies(ix *index, o *Object, x *SLO, s *service) {
	for i, item := range x.Spec.AlertPolicies {
		pos := o.atIndex(i, "spec", "alertPolicies")
		var spec *AlertPolicySpec
		name := item.AlertPolicyRef
		if item.Spec != nil {
			spec = item.Spec
			if item.Metadata != nil {
				name = item.Metadata.Name
			}
		} else if p := ix.get(KindAlertPolicy, item.AlertPolicyRef); p != nil {
			spec = &p.Value.(*AlertPolicy).Spec
		} else {
			r.warnf(pos, "SLO %s: alertPolicyRef %s: no AlertPolicy of that name; dropped", o.Name, item.AlertPolicyRef)
			continue
		}
		own := true
		for _, c := range spec.Conditions {
			var ann map[string]string
			if c.Metadata != nil {
				ann = c.Metadata.Annotations
			} else if co := ix.get(KindAlertCondition, c.ConditionRef); co != nil {
				ann = co.Value.(*AlertCondition).Metadata.Annotations
			}
			if ann[AnnotationShort] == "" {
				own = false
			}
		}
		if !own {
			r.warnf(pos, "SLO %s: alert policy %s dropped: the catalog derives its burn-rate alerts from the objective and period (pages over 1h/5m and 6h/30m, tickets over 1d/2h and 3d/6h)", o.Name, name)
		}
		for _, t := range spec.NotificationTargets {
			if t.TargetRef != "" {
				if to := ix.get(KindAlertNotificationTarget, t.TargetRef); to != nil {
					s.targets = append(s.targets, to)
				} else {
					r.warnf(pos, "SLO %s: notification target %s: no AlertNotificationTarget of that name; dropped", o.Name, t.TargetRef)
				}
			}
		}
	}
}

// teams builds receivers from notification targets: svcgen's own carry
// their fields in annotations; others give a receiver kind with files to fill.
func (r *Result) teams(ix *index, c *draft.Catalog, teams map[string]*draft.Team, services map[string]*service) {
	done := map[string]bool{}
	add := func(team string, to *Object) {
		t := to.Value.(*AlertNotificationTarget)
		if done[team+"/"+to.Name] {
			return
		}
		done[team+"/"+to.Name] = true
		tm := teams[team]
		if tm == nil {
			tm = &draft.Team{Name: team}
			teams[team] = tm
		}
		r.receiver(c, tm, to, t)
	}
	for _, name := range sortedNames(ix.byKind[KindAlertNotificationTarget]) {
		to := ix.get(KindAlertNotificationTarget, name)
		if team := to.Value.(*AlertNotificationTarget).Metadata.Annotations[AnnotationTeam]; team != "" && nameRE.MatchString(team) {
			add(team, to)
		}
	}
	for _, name := range sortedNames(services) {
		s := services[name]
		for _, to := range s.targets {
			if to.Value.(*AlertNotificationTarget).Metadata.Annotations[AnnotationTeam] == "" {
				add(s.team, to)
			}
		}
	}
	for _, name := range sortedNames(teams) {
		t := teams[name]
		sort.SliceStable(t.Receivers, func(i, j int) bool { return kindOrder(t.Receivers[i].Kind) < kindOrder(t.Receivers[j].Kind) })
		if len(t.Receivers) == 0 {
			t.Receivers = []draft.Receiver{{Kind: "pagerduty", Fields: []draft.Field{{Name: "routingKeyFile", Value: "/etc/alertmanager/secrets/" + name + "-pagerduty",
				Note: []string{draft.FillNote("no notification target reaches team %s: put its PagerDuty routing key in this file, or use another receiver.", name)}}}}}
			r.fill("team %s: pagerduty routing key file (no notification target)", name)
		}
		c.Teams = append(c.Teams, t)
	}
	if c.DefaultTeam == "" && len(c.Teams) > 0 {
		c.DefaultTeam = c.Teams[0].Name
		r.fill("settings: default receiver team %q (the first team by name)", c.DefaultTeam)
	}
}

func kindOrder(k string) int {
	for i, x := range []string{"slack", "pagerduty", "email", "webhook", "opsgenie"} {
		if x == k {
			return i
		}
	}
	return 9
}

func (r *Result) receiver(c *draft.Catalog, tm *draft.Team, to *Object, t *AlertNotificationTarget) {
	a := t.Metadata.Annotations
	kind := strings.ToLower(strings.ReplaceAll(t.Spec.Target, "-", ""))
	own := a[AnnotationTeam] != ""
	file := func(key, fallback, what string) draft.Field {
		name := map[string]string{prefix + "api-url-file": "apiURLFile", prefix + "routing-key-file": "routingKeyFile",
			prefix + "url-file": "urlFile", prefix + "api-key-file": "apiKeyFile"}[key]
		if v := a[key]; v != "" {
			return draft.Field{Name: name, Value: v}
		}
		r.fill("team %s: %s %s", tm.Name, kind, what)
		return draft.Field{Name: name, Value: fallback, Note: []string{draft.FillNote("the file holding %s (from the OpenSLO target %s).", what, to.Name)}}
	}
	var fields []draft.Field
	secret := "/etc/alertmanager/secrets/" + tm.Name + "-" + kind
	switch kind {
	case "slack":
		ch := a[prefix+"channel"]
		var note []string
		if ch == "" {
			ch = "#" + tm.Name + "-alerts"
			note = []string{draft.FillNote("the Slack channel.")}
			r.fill("team %s: slack channel", tm.Name)
		}
		fields = []draft.Field{{Name: "channel", Value: ch, Note: note}, file(prefix+"api-url-file", secret, "the Slack webhook URL")}
	case "pagerduty":
		fields = []draft.Field{file(prefix+"routing-key-file", secret, "the PagerDuty routing key")}
	case "webhook":
		fields = []draft.Field{file(prefix+"url-file", secret, "the webhook URL")}
	case "opsgenie":
		fields = []draft.Field{file(prefix+"api-key-file", secret, "the Opsgenie API key")}
	case "email":
		to := a[prefix+"to"]
		var note []string
		if to == "" {
			to = tm.Name + "@example.invalid"
			note = []string{draft.FillNote("the address to mail.")}
			r.fill("team %s: email address", tm.Name)
		}
		fields = []draft.Field{{Name: "to", Value: to, Note: note}}
		if a[AnnotationSMTP+"from"] != "" && c.SMTP == nil {
			c.SMTP = []draft.Field{{Name: "from", Value: a[AnnotationSMTP+"from"]}, {Name: "smarthost", Value: a[AnnotationSMTP+"smarthost"]}}
			if v := a[AnnotationSMTP+"auth-username"]; v != "" {
				c.SMTP = append(c.SMTP, draft.Field{Name: "authUsername", Value: v})
			}
			if v := a[AnnotationSMTP+"auth-password-file"]; v != "" {
				c.SMTP = append(c.SMTP, draft.Field{Name: "authPasswordFile", Value: v})
			}
			c.SMTP = append(c.SMTP, draft.Field{Name: "requireTLS", Value: a[AnnotationSMTP+"require-tls"] != "false"})
		} else if c.SMTP == nil {
			c.SMTP = []draft.Field{{Name: "from", Value: "alertmanager@example.invalid", Note: []string{draft.FillNote("the sender of alert mail.")}},
				{Name: "smarthost", Value: "smtp.example.invalid:587", Note: []string{draft.FillNote("the mail relay.")}}}
			r.fill("settings: smtp from and smarthost (an email target)")
		}
	default:
		r.warnf(to.Pos, "AlertNotificationTarget %s: target %q is none of slack, pagerduty, email, webhook, opsgenie; dropped", to.Name, t.Spec.Target)
		return
	}
	for _, rc := range tm.Receivers {
		if rc.Kind == kind {
			r.warnf(to.Pos, "AlertNotificationTarget %s: team %s already has a %s receiver; dropped", to.Name, tm.Name, kind)
			return
		}
	}
	if v, err := strconv.ParseBool(a[AnnotationSendRes]); own && err == nil {
		fields = append(fields, draft.Field{Name: "sendResolved", Value: v})
	}
	tm.Receivers = append(tm.Receivers, draft.Receiver{Kind: kind, Fields: fields})
	if a[AnnotationPage] == "true" {
		tm.Page = kind
	}
	if a[AnnotationNotify] == "true" {
		tm.Notify = kind
	}
	if a[AnnotationDefault] == "true" {
		c.DefaultTeam, c.DefaultReceiver = tm.Name, kind
	}
}

// objectivePercent returns the objective as a percentage, exactly.
func objectivePercent(ob Objective) string {
	if ob.TargetPercent != nil {
		return ob.TargetPercent.Text
	}
	x, ok := new(big.Rat).SetString(ob.Target.Text)
	if !ok {
		return ob.Target.Text
	}
	x.Mul(x, big.NewRat(100, 1))
	s := strings.TrimRight(x.FloatString(6), "0")
	return strings.TrimSuffix(s, ".")
}

// days converts a rolling duration shorthand into a catalog period.
func days(s string) (string, error) {
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil {
		return "", err
	}
	var d time.Duration
	switch s[len(s)-1] {
	case 'd':
		d = time.Duration(n) * catalog.Day
	case 'w':
		d = time.Duration(n) * catalog.Week
	case 'h':
		d = time.Duration(n) * time.Hour
	case 'm':
		d = time.Duration(n) * time.Minute
	default:
		return "", fmt.Errorf("months, quarters and years have no fixed length: write the period in days (30d, 90d)")
	}
	if d%catalog.Day != 0 || d < catalog.Week || d > 90*catalog.Day {
		return "", fmt.Errorf("the catalog's periods are whole days from 7d to 90d")
	}
	return catalog.FormatDuration(d), nil
}

func (r *Result) errorf(pos specyaml.Pos, format string, args ...any) {
	r.Errors = append(r.Errors, specyaml.Errorf(pos, format, args...))
}

func (r *Result) warnf(pos specyaml.Pos, format string, args ...any) {
	r.Warnings = append(r.Warnings, specyaml.Errorf(pos, format, args...))
}

func (r *Result) fill(format string, args ...any) {
	r.fills = append(r.fills, fmt.Sprintf(format, args...))
}
