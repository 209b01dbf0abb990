package sloth

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/interop/draft"
	"github.com/svcgen/svcgen/interop/promq"
	"github.com/svcgen/svcgen/interop/specyaml"
)

// Result is an import: the catalog to write, what was dropped or changed
// (warnings), and what could not be imported at all (errors; when there are
// any, nothing is written).
type Result struct {
	Catalog  *draft.Catalog
	Warnings []*specyaml.Error
	Errors   []*specyaml.Error

	fills []string
}

// DefaultPeriod is the SLO period Sloth uses unless run with
// --default-slo-period: its prometheus/v1 spec has no period field.
const DefaultPeriod = "30d"

var (
	nameRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	// Sloth expands its queries with text/template, so {{ .window }} is as
	// good as {{.window}}.
	windowRE   = regexp.MustCompile(`\{\{-?\s*\.window\s*-?\}\}`)
	templateRE = regexp.MustCompile(`\{\{.*?\}\}`)
	channelRE  = regexp.MustCompile(`^#[a-z0-9][a-z0-9_-]*$`)
)

// tierLabels maps Sloth's common numeric tier label values to tiers.
var tierLabels = map[string]catalog.Tier{"0": catalog.TierCritical, "1": catalog.TierCritical, "2": catalog.TierHigh, "3": catalog.TierMedium, "4": catalog.TierLow}

// Import converts specs into a catalog: one service per Sloth service (specs
// of the same service, as in Sloth's multifile examples, are merged).
func Import(specs []*Spec) *Result {
	r := &Result{}
	type svc struct {
		spec *Spec
		s    *draft.Service
		slos map[string]bool
		team string
	}
	services := map[string]*svc{}
	teams := map[string]*draft.Team{}
	var order []string
	for _, sp := range specs {
		if !nameRE.MatchString(sp.Service) || len(sp.Service) > 63 {
			r.errorf(sp.Pos, "service %q: a catalog service name is a DNS label (lowercase letters, digits and '-', at most 63): rename it", sp.Service)
			continue
		}
		r.Warnings = append(r.Warnings, sp.Dropped...)
		if sp.Plugins != nil {
			r.errorf(*sp.Plugins, "slo_plugins: Sloth SLO plugins rewrite the generated rules, which the catalog cannot express: remove the chain (and check its effect) before importing")
		}
		v := services[sp.Service]
		if v == nil {
			team, teamNote := inferTeam(sp)
			v = &svc{spec: sp, slos: map[string]bool{}, team: team}
			tier, tierNote := inferTier(sp.Labels)
			s := &draft.Service{Name: sp.Service}
			s.Note = append(s.Note, fmt.Sprintf("Imported from the Sloth spec %s.", sp.Pos))
			if extra := otherLabels(sp.Labels); extra != "" {
				s.Note = append(s.Note, "Sloth labels not carried over (the catalog labels every alert with cluster, service, team, tier, slo and severity): "+extra+".")
				r.warnf(sp.LabelsPos, "service %s: labels %s dropped: the catalog sets its own alert labels", sp.Service, extra)
			}
			s.Fields = []draft.Field{
				{Name: "team", Value: team, Note: teamNote},
				{Name: "tier", Value: string(tier), Note: tierNote},
				{Name: "image", Value: "registry.invalid/" + sp.Service + ":fill-me", Note: []string{draft.FillNote("the container image (registry/repository:tag); Sloth specs do not name one.")}},
			}
			v.s = s
			services[sp.Service] = v
			order = append(order, sp.Service)
			if teamNote != nil {
				r.fill("service %s: team %q (%s)", sp.Service, team, strings.TrimPrefix(teamNote[0], draft.Fill+": "))
			}
			if tierNote != nil && strings.HasPrefix(tierNote[0], draft.Fill) {
				r.fill("service %s: tier %q", sp.Service, tier)
			}
			r.fill("service %s: image", sp.Service)
		}
		for _, o := range sp.SLOs {
			if v.slos[o.Name] {
				r.errorf(o.Pos, "SLO %q of service %s is declared twice", o.Name, sp.Service)
				continue
			}
			v.slos[o.Name] = true
			if d := r.slo(sp, o); d != nil {
				v.s.SLOs = append(v.s.SLOs, d)
				r.receivers(teams, v.team, o)
			}
		}
	}
	sort.Strings(order)
	c := &draft.Catalog{From: "Sloth"}
	for _, name := range order {
		v := services[name]
		c.Services = append(c.Services, v.s)
		if teams[v.team] == nil {
			teams[v.team] = &draft.Team{Name: v.team}
		}
	}
	var teamNames []string
	for n := range teams {
		teamNames = append(teamNames, n)
	}
	sort.Strings(teamNames)
	for _, n := range teamNames {
		t := teams[n]
		if !hasPager(t) {
			t.Receivers = append([]draft.Receiver{{Kind: "pagerduty", Fields: []draft.Field{{
				Name: "routingKeyFile", Value: "/etc/alertmanager/secrets/" + n + "-pagerduty",
				Note: []string{draft.FillNote("no Sloth label names how team %s is paged: put its PagerDuty routing key in this file, or use another receiver.", n)},
			}}}}, t.Receivers...)
			r.fill("team %s: pagerduty routing key file (no routing_key label)", n)
		}
		c.Teams = append(c.Teams, t)
	}
	if len(teamNames) > 0 {
		c.DefaultTeam = teamNames[0]
		if len(teamNames) > 1 {
			r.fill("settings: default receiver team %q (the first team by name)", c.DefaultTeam)
		}
	}
	c.Fills = r.fills
	r.Catalog = c
	return r
}

func (r *Result) slo(sp *Spec, o SLO) *draft.SLO {
	if !nameRE.MatchString(o.Name) || len(o.Name) > 63 {
		r.errorf(o.Pos, "SLO %q: an SLO name is a DNS label (lowercase letters, digits and '-'): rename it", o.Name)
		return nil
	}
	failed := false
	if o.Plugins != nil {
		r.errorf(*o.Plugins, "SLO %s: plugins: Sloth SLO plugins rewrite the generated rules, which the catalog cannot express: remove them before importing", o.Name)
		failed = true
	}
	switch {
	case o.SLI.Plugin != "":
		r.errorf(o.SLI.Pos, "SLO %s: sli.plugin %s: a Sloth SLI plugin builds its queries in Go, which svcgen cannot run: replace it by sli.events with the error and total queries the plugin generates", o.Name, o.SLI.Plugin)
		return nil
	case o.SLI.RawPos != nil:
		r.errorf(*o.SLI.RawPos, "SLO %s: sli.raw: a raw error-ratio SLI cannot be weighed by traffic over the period, and the catalog's SLIs are bad and total event counts: rewrite it as sli.events (error_query, total_query)", o.Name)
		return nil
	case !o.SLI.HasEvents:
		r.errorf(o.SLI.Pos, "SLO %s: sli: want events (error_query and total_query)", o.Name)
		return nil
	}
	errQ, ok1 := r.query(o.SLI.EventsPos, o.Name, "error_query", o.SLI.ErrorQuery)
	totQ, ok2 := r.query(o.SLI.EventsPos, o.Name, "total_query", o.SLI.TotalQuery)
	obj, err := catalog.ParsePercent(o.Objective.Text)
	switch {
	case o.Objective.Text == "":
		r.errorf(o.Pos, "SLO %s: objective is required", o.Name)
		failed = true
	case err != nil:
		r.errorf(o.Objective.Pos, "SLO %s: objective %s: %v", o.Name, o.Objective.Text, err)
		failed = true
	case obj.Rat().Sign() <= 0 || o.Objective.Float() >= 100:
		r.errorf(o.Objective.Pos, "SLO %s: objective %s: an objective is strictly between 0 and 100 (100 leaves no error budget to alert on)", o.Name, o.Objective.Text)
		failed = true
	}
	if failed || !ok1 || !ok2 {
		return nil
	}
	d := &draft.SLO{Name: o.Name, ErrorQuery: errQ, TotalQuery: totQ}
	d.Fields = []draft.Field{
		{Name: "kind", Value: "availability", Note: []string{"The SLI's own queries decide what is bad; the kind only words the alerts."}},
		{Name: "objective", Value: draft.Number(o.Objective.Text)},
		{Name: "period", Value: DefaultPeriod, Note: []string{"Sloth's default period (unless it ran with --default-slo-period)."}},
		{Name: "minRequests", Value: 0, Note: []string{"Sloth has no low-traffic guard: alerts fire on any traffic, as before."}},
	}
	if o.Description != "" {
		d.Fields = append(d.Fields, draft.Field{Name: "description", Value: o.Description})
	}
	a := o.Alerting
	var dropped []string
	if a.Name != "" {
		d.Note = append(d.Note, fmt.Sprintf("Sloth alert %s (page and ticket) becomes ErrorBudgetBurnFast (severity critical) and ErrorBudgetBurnSlow (severity warning).", a.Name))
		dropped = append(dropped, "alert name "+a.Name)
	}
	for _, part := range []struct {
		what string
		m    map[string]string
	}{
		{"SLO labels", o.Labels}, {"alert labels", a.Labels}, {"alert annotations", a.Annotations},
		{"page alert labels", a.Page.Labels}, {"page alert annotations", a.Page.Annotations},
		{"ticket alert labels", a.Ticket.Labels}, {"ticket alert annotations", a.Ticket.Annotations},
	} {
		if s := kv(part.m); s != "" {
			d.Note = append(d.Note, fmt.Sprintf("Sloth %s: %s.", part.what, s))
			dropped = append(dropped, part.what)
		}
	}
	if a.Page.Disable {
		d.Note = append(d.Note, "Sloth's page alert was disabled; the catalog always pages on a fast burn.")
		r.warnf(o.Pos, "SLO %s: page_alert.disable dropped: the catalog always generates the page alert ErrorBudgetBurnFast", o.Name)
	}
	if a.Ticket.Disable {
		d.Note = append(d.Note, "Sloth's ticket alert was disabled; the catalog always opens a ticket on a slow burn.")
		r.warnf(o.Pos, "SLO %s: ticket_alert.disable dropped: the catalog always generates the ticket alert ErrorBudgetBurnSlow", o.Name)
	}
	if len(dropped) > 0 {
		r.warnf(o.Pos, "SLO %s: %s kept only as comments: the catalog names its alerts and sets their labels and annotations itself", o.Name, strings.Join(dropped, ", "))
	}
	return d
}

// query checks a Sloth query and writes its window the catalog's way.
func (r *Result) query(pos specyaml.Pos, slo, field, q string) (string, bool) {
	q = strings.TrimSpace(q)
	if q == "" {
		r.errorf(pos, "SLO %s: sli.events.%s is required", slo, field)
		return "", false
	}
	q = windowRE.ReplaceAllString(q, catalog.WindowPlaceholder)
	if rest := strings.ReplaceAll(q, catalog.WindowPlaceholder, ""); templateRE.MatchString(rest) {
		r.errorf(pos, "SLO %s: sli.events.%s uses the template action %s: only {{.window}} has a meaning in the catalog", slo, field, templateRE.FindString(rest))
		return "", false
	}
	if !strings.Contains(q, catalog.WindowPlaceholder) {
		r.errorf(pos, "SLO %s: sli.events.%s has no {{.window}}: the catalog records every SLI over 5m … 3d, so the query must take its range from {{.window}}", slo, field)
		return "", false
	}
	if msg := promq.Check(q); msg != "" {
		r.errorf(pos, "SLO %s: sli.events.%s is %s", slo, field, msg)
		return "", false
	}
	return q, true
}

// receivers adds what the SLO's alert labels say about routing to the team.
func (r *Result) receivers(teams map[string]*draft.Team, team string, o SLO) {
	t := teams[team]
	if t == nil {
		t = &draft.Team{Name: team}
		teams[team] = t
	}
	labels := map[string]string{}
	for _, m := range []map[string]string{o.Alerting.Labels, o.Alerting.Ticket.Labels, o.Alerting.Page.Labels} {
		for k, v := range m {
			labels[k] = v
		}
	}
	if key := labels["routing_key"]; key != "" && !has(t, "pagerduty") {
		t.Receivers = append(t.Receivers, draft.Receiver{Kind: "pagerduty", Fields: []draft.Field{{
			Name: "routingKeyFile", Value: "/etc/alertmanager/secrets/" + team + "-pagerduty",
			Note: []string{draft.FillNote("Sloth routed pages by routing_key=%s: put that PagerDuty routing key in this file.", key)},
		}}})
		r.fill("team %s: pagerduty routing key file (Sloth routing_key %s)", team, key)
	}
	ch := o.Alerting.Ticket.Labels["slack_channel"]
	if ch == "" {
		ch = labels["slack_channel"]
	}
	if ch != "" && channelRE.MatchString(ch) && !has(t, "slack") {
		t.Receivers = append(t.Receivers, draft.Receiver{Kind: "slack", Fields: []draft.Field{
			{Name: "channel", Value: ch},
			{Name: "apiURLFile", Value: "/etc/alertmanager/secrets/slack-api-url", Note: []string{draft.FillNote("the file holding the Slack incoming-webhook URL.")}},
		}})
		r.fill("team %s: slack webhook URL file (channel %s)", team, ch)
	}
}

func has(t *draft.Team, kind string) bool {
	for _, rc := range t.Receivers {
		if rc.Kind == kind {
			return true
		}
	}
	return false
}

func hasPager(t *draft.Team) bool {
	return has(t, "pagerduty") || has(t, "opsgenie") || has(t, "webhook")
}

// inferTeam reads the owner or team label; the note is nil when it did.
func inferTeam(sp *Spec) (string, []string) {
	for _, k := range []string{"team", "owner"} {
		v := strings.ToLower(strings.TrimSpace(sp.Labels[k]))
		if v == "" {
			for _, o := range sp.SLOs {
				if v = strings.ToLower(strings.TrimSpace(o.Labels[k])); v != "" {
					break
				}
			}
		}
		if v != "" && nameRE.MatchString(v) {
			return v, nil
		}
	}
	return "unowned", []string{draft.FillNote("no owner or team label in the Sloth spec: name the owning team.")}
}

func inferTier(labels map[string]string) (catalog.Tier, []string) {
	v := strings.ToLower(strings.TrimSpace(labels["tier"]))
	for _, t := range catalog.Tiers {
		if v == string(t) {
			return t, nil
		}
	}
	if t, ok := tierLabels[v]; ok {
		return t, []string{fmt.Sprintf("From the Sloth label tier: %q.", labels["tier"])}
	}
	return catalog.TierHigh, []string{draft.FillNote("no tier label in the Sloth spec: critical, high, medium or low.")}
}

// otherLabels lists the spec labels that have no place in the catalog.
func otherLabels(m map[string]string) string {
	rest := map[string]string{}
	for k, v := range m {
		if k != "owner" && k != "team" && k != "tier" {
			rest[k] = v
		}
	}
	return kv(rest)
}

func kv(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%q", k, m[k])
	}
	return strings.Join(parts, ", ")
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
