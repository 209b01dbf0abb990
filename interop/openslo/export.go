package openslo

import (
	"bytes"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"go.yaml.in/yaml/v3"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/conventions"
	"github.com/svcgen/svcgen/interop/specyaml"
)

// Annotation keys svcgen writes on exported objects, so that an import of
// its own export restores what OpenSLO has no field for.
const (
	prefix              = "svcgen.dev/"
	AnnotationSLO       = prefix + "slo"       // the SLO's name within its service
	AnnotationKind      = prefix + "kind"      // availability or latency
	AnnotationThreshold = prefix + "threshold" // a latency SLO's threshold
	AnnotationMinReqs   = prefix + "min-requests"
	AnnotationSLI       = prefix + "sli" // conventional or custom
	AnnotationImage     = prefix + "image"
	AnnotationTeam      = prefix + "team"
	AnnotationShort     = prefix + "short-window" // a burn condition's short window
	AnnotationPage      = prefix + "page"         // "true" on the team's paging receiver
	AnnotationNotify    = prefix + "notify"       // "true" on the team's warning receiver
	AnnotationDefault   = prefix + "default-receiver"
	AnnotationSendRes   = prefix + "send-resolved"
	AnnotationSMTP      = prefix + "smtp-" // from, smarthost, auth-username, auth-password-file, require-tls
)

// SLI kinds recorded in AnnotationSLI.
const (
	SLIConventional = "conventional"
	SLICustom       = "custom"
)

// Alert "for" durations of the burn-rate alerts the Prometheus target
// writes.
var alertAfter = map[string]string{
	conventions.SeverityCritical: catalog.FormatDuration(conventions.ForPage),
	conventions.SeverityWarning:  catalog.FormatDuration(conventions.ForTicket),
}

// Document is one exported object and the service it belongs to ("" for
// notification targets).
type Document struct {
	Service string
	Value   any
}

// Export turns a compiled catalog into OpenSLO v1 objects: per team
// receiver an AlertNotificationTarget; per service a Service; per SLO an SLI
// (its Prometheus queries, with {{.window}}), an SLO, and per burn-rate
// window pair an AlertCondition and the AlertPolicy that routes it to the
// team's paging or warning receiver.
func Export(c *catalog.Catalog) ([]Document, error) {
	var docs []Document
	for _, t := range c.Teams {
		for _, k := range t.Kinds() {
			docs = append(docs, Document{Value: target(c, t, k)})
		}
	}
	for _, s := range c.Services {
		svc := &Service{Header: header0(KindService, s.Name), Spec: ServiceSpec{Description: s.Description}}
		svc.Metadata.Labels = map[string]Label{"team": {s.Team}, "tier": {string(s.Tier)}}
		svc.Metadata.Annotations = map[string]string{AnnotationImage: s.Image}
		docs = append(docs, Document{Service: s.Name, Value: svc})
		for _, o := range s.SLOs {
			more, err := exportSLO(c, s, o)
			if err != nil {
				return nil, err
			}
			for _, v := range more {
				docs = append(docs, Document{Service: s.Name, Value: v})
			}
		}
	}
	for _, d := range docs {
		if n := header(d.Value).Metadata.Name; len(n) > 63 {
			return nil, fmt.Errorf("%s %s: the name is longer than the 63 characters OpenSLO allows", header(d.Value).Kind, n)
		}
	}
	return docs, nil
}

// Marshal writes documents as one YAML stream.
func Marshal(docs []Document) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	for _, d := range docs {
		if err := enc.Encode(d.Value); err != nil {
			return nil, err
		}
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func header0(kind, name string) Header {
	return Header{APIVersion: APIVersion, Kind: kind, Metadata: Metadata{Name: name}}
}

// TargetName is the name of a team receiver's AlertNotificationTarget.
func TargetName(team string, k catalog.ReceiverKind) string { return team + "-" + string(k) }

func target(c *catalog.Catalog, t *catalog.Team, k catalog.ReceiverKind) *AlertNotificationTarget {
	a := map[string]string{AnnotationTeam: t.Name}
	var desc string
	var resolved bool
	switch k {
	case catalog.ReceiverSlack:
		desc = "Team " + t.Name + "'s Slack channel " + t.Slack.Channel
		a[prefix+"channel"], a[prefix+"api-url-file"], resolved = t.Slack.Channel, t.Slack.APIURLFile, t.Slack.SendResolved
	case catalog.ReceiverPagerDuty:
		desc = "Pages team " + t.Name + " through PagerDuty"
		a[prefix+"routing-key-file"], resolved = t.PagerDuty.RoutingKeyFile, t.PagerDuty.SendResolved
	case catalog.ReceiverEmail:
		desc = "Mails team " + t.Name + " at " + t.Email.To
		a[prefix+"to"], resolved = t.Email.To, t.Email.SendResolved
		if m := c.Settings.Alerting.SMTP; m != nil {
			a[AnnotationSMTP+"from"], a[AnnotationSMTP+"smarthost"] = m.From, m.Smarthost
			if m.AuthUsername != "" {
				a[AnnotationSMTP+"auth-username"] = m.AuthUsername
			}
			if m.AuthPasswordFile != "" {
				a[AnnotationSMTP+"auth-password-file"] = m.AuthPasswordFile
			}
			a[AnnotationSMTP+"require-tls"] = strconv.FormatBool(m.RequireTLS)
		}
	case catalog.ReceiverWebhook:
		desc = "Posts team " + t.Name + "'s alerts to a webhook"
		a[prefix+"url-file"], resolved = t.Webhook.URLFile, t.Webhook.SendResolved
	case catalog.ReceiverOpsgenie:
		desc = "Pages team " + t.Name + " through Opsgenie"
		a[prefix+"api-key-file"], resolved = t.Opsgenie.APIKeyFile, t.Opsgenie.SendResolved
	}
	a[AnnotationSendRes] = strconv.FormatBool(resolved)
	if t.Page == k {
		a[AnnotationPage] = "true"
	}
	if t.Notify == k {
		a[AnnotationNotify] = "true"
	}
	if al := c.Settings.Alerting; al.DefaultTeam == t.Name && al.DefaultReceiver == k {
		a[AnnotationDefault] = "true"
	}
	n := &AlertNotificationTarget{Header: header0(KindAlertNotificationTarget, TargetName(t.Name, k)),
		Spec: AlertNotificationTargetSpec{Target: string(k), Description: desc}}
	n.Metadata.Annotations = a
	return n
}

func exportSLO(c *catalog.Catalog, s *catalog.Service, o *catalog.SLO) ([]any, error) {
	name := s.Name + "-" + o.Name
	errQ, totQ, kind := conventional(c.Settings.Metrics, s, o)
	if o.SLI != nil {
		errQ, totQ, kind = o.SLI.ErrorQuery, o.SLI.TotalQuery, SLICustom
	}
	counter := true
	sli := &SLI{Header: header0(KindSLI, name), Spec: SLISpec{
		Description: fmt.Sprintf("Bad and all events of the %s SLO of %s; {{.window}} is the range of each query.", o.Name, s.Name),
		RatioMetric: &RatioMetric{Counter: &counter, Bad: promQuery(errQ), Total: promQuery(totQ)},
	}}
	ann := map[string]string{AnnotationSLO: o.Name, AnnotationKind: string(o.Kind), AnnotationSLI: kind,
		AnnotationMinReqs: strconv.Itoa(o.MinRequests)}
	if o.Kind == catalog.SLOLatency {
		ann[AnnotationThreshold] = catalog.FormatDuration(o.Threshold)
	}
	rolling := true
	slo := &SLO{Header: header0(KindSLO, name), Spec: SLOSpec{
		Description:     o.Description,
		Service:         s.Name,
		IndicatorRef:    name,
		TimeWindow:      []TimeWindow{{Duration: shorthand(o.Period), IsRolling: &rolling}},
		BudgetingMethod: "Occurrences",
		Objectives:      []Objective{{DisplayName: o.Name, Target: &specyaml.Number{Text: o.Objective.Ratio()}}},
	}}
	slo.Metadata.Annotations = ann
	team := c.Team(s.Team)
	var out []any
	var conds, policies []any
	for _, a := range o.BurnAlerts() {
		sev := "page"
		if a.Severity == conventions.SeverityWarning {
			sev = "ticket"
		}
		cname := name + "-" + sev + "-" + shorthand(a.Long)
		factor := ratString(a.Factor(o.Period))
		cond := &AlertCondition{Header: header0(KindAlertCondition, cname), Spec: AlertConditionSpec{
			Description: fmt.Sprintf("The error budget burns more than %s× the sustainable rate over both %s and %s.", factor, shorthand(a.Long), shorthand(a.Short)),
			Severity:    a.Severity,
			Condition: Condition{Kind: "burnrate", Op: "gt", Threshold: specyaml.Number{Text: factor},
				LookbackWindow: shorthand(a.Long), AlertAfter: alertAfter[a.Severity]},
		}}
		cond.Metadata.Annotations = map[string]string{AnnotationShort: shorthand(a.Short)}
		conds = append(conds, cond)
		recv, resolved := receiverFor(c, team, a.Severity)
		pol := &AlertPolicy{Header: header0(KindAlertPolicy, cname), Spec: AlertPolicySpec{
			Description:         fmt.Sprintf("%s of the %s SLO of %s: %s.", strings.ToUpper(sev[:1])+sev[1:], o.Name, s.Name, recv),
			AlertWhenBreaching:  true,
			AlertWhenResolved:   resolved,
			Conditions:          []ConditionItem{{ConditionRef: cname}},
			NotificationTargets: []TargetItem{{TargetRef: recv}},
		}}
		policies = append(policies, pol)
		slo.Spec.AlertPolicies = append(slo.Spec.AlertPolicies, AlertPolicyItem{AlertPolicyRef: cname})
	}
	out = append(out, sli, slo)
	out = append(out, conds...)
	return append(out, policies...), nil
}

// receiverFor names the target a severity's alerts reach, as Alertmanager
// routes them: the team's page or notify receiver, else the default one.
func receiverFor(c *catalog.Catalog, t *catalog.Team, severity string) (string, bool) {
	k := catalog.ReceiverKind("")
	if t != nil {
		k = t.Notify
		if severity == conventions.SeverityCritical {
			k = t.Page
		}
	}
	if k == "" || t == nil {
		al := c.Settings.Alerting
		t, k = c.Team(al.DefaultTeam), al.DefaultReceiver
	}
	resolved := false
	if t != nil {
		switch k {
		case catalog.ReceiverSlack:
			resolved = t.Slack != nil && t.Slack.SendResolved
		case catalog.ReceiverPagerDuty:
			resolved = t.PagerDuty != nil && t.PagerDuty.SendResolved
		case catalog.ReceiverEmail:
			resolved = t.Email != nil && t.Email.SendResolved
		case catalog.ReceiverWebhook:
			resolved = t.Webhook != nil && t.Webhook.SendResolved
		case catalog.ReceiverOpsgenie:
			resolved = t.Opsgenie != nil && t.Opsgenie.SendResolved
		}
		return TargetName(t.Name, k), resolved
	}
	return TargetName(c.Settings.Alerting.DefaultTeam, k), resolved
}

func promQuery(q string) *MetricHolder {
	return &MetricHolder{MetricSource: MetricSource{Type: "Prometheus", Spec: map[string]any{"query": q}}}
}

// conventional returns the queries the Prometheus target records for an SLO
// without a custom SLI, with {{.window}} for the range.
func conventional(m catalog.Metrics, s *catalog.Service, o *catalog.SLO) (errQ, totQ, kind string) {
	svc := labels.MustNewMatcher(labels.MatchEqual, m.ServiceLabel, s.Name)
	w := "[" + catalog.WindowPlaceholder + "]"
	sel := func(metric string, ms ...*labels.Matcher) string {
		parts := make([]string, len(ms))
		for i, x := range ms {
			parts[i] = x.String()
		}
		return "sum(rate(" + metric + "{" + strings.Join(parts, ",") + "}" + w + "))"
	}
	if o.Kind == catalog.SLOLatency {
		le := labels.MustNewMatcher(labels.MatchEqual, "le", strconv.FormatFloat(o.Threshold.Seconds(), 'g', -1, 64))
		totQ = sel(m.Duration+"_count", svc)
		return totQ + " - " + sel(m.Duration+"_bucket", le, svc), totQ, SLIConventional
	}
	bad := labels.MustNewMatcher(labels.MatchRegexp, m.StatusLabel, m.ErrorStatus)
	return sel(m.Requests, svc, bad), sel(m.Requests, svc), SLIConventional
}

// shorthand writes a duration as OpenSLO's duration shorthand (5m, 1h, 30d).
func shorthand(d time.Duration) string {
	switch {
	case d%catalog.Day == 0:
		return strconv.FormatInt(int64(d/catalog.Day), 10) + "d"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	}
	return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
}

// ratString writes an exact rational as a short decimal (14.4, 13.44, 6).
func ratString(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	s := strings.TrimRight(r.FloatString(6), "0")
	return strings.TrimSuffix(s, ".")
}
