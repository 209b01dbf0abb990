package alertmanager

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/conventions"
	"github.com/svcgen/svcgen/emitters/emit"
)

// Emitter writes alertmanager/alertmanager.yml.
type Emitter struct{}

// Name implements emit.Emitter.
func (Emitter) Name() string { return "alertmanager" }

// Emit returns the target's one file.
func (e Emitter) Emit(c *catalog.Catalog) ([]emit.File, error) { return emit.Collect(c, e) }

// EmitTo implements emit.Emitter.
func (Emitter) EmitTo(c *catalog.Catalog, out func(emit.File) error) error {
	data, err := marshal(build(c))
	if err != nil {
		return err
	}
	return out(emit.File{Path: Path, Data: data})
}

// Routing says which receiver each severity of a team's alerts reaches.
type Routing struct {
	// Critical pages: the team's paging receiver; a team without one (the
	// compiler refuses that for critical-tier services) gets its critical
	// alerts in its chat or mail receiver, promptly, rather than in another
	// team's.
	Critical string
	// Warning never pages: the team's chat or mail receiver, else the
	// catalog's default receiver, where alerts nobody owns are read.
	Warning string
	// CriticalChat is the team's own chat or mail receiver, which critical
	// alerts reach besides the pager ("" when the team has none, or when
	// it is Critical already): whoever is not on call sees the incident.
	CriticalChat string
}

// CriticalReceivers are the receivers a critical alert of the team reaches,
// in route order.
func (r Routing) CriticalReceivers() []string {
	if r.CriticalChat == "" {
		return []string{r.Critical}
	}
	return []string{r.Critical, r.CriticalChat}
}

// TeamRouting returns the receivers of team t's alerts in catalog c.
func TeamRouting(c *catalog.Catalog, t *catalog.Team) Routing {
	def := DefaultReceiver(c)
	r := Routing{Critical: def, Warning: def}
	if t.Notify != "" {
		r.Warning = ReceiverName(t.Name, t.Notify)
		r.Critical = r.Warning
	}
	if t.Page != "" {
		r.Critical = ReceiverName(t.Name, t.Page)
		if t.Notify != "" && r.Warning != r.Critical {
			r.CriticalChat = r.Warning
		}
	}
	return r
}

// DefaultReceiver is the root route's receiver: alerts without a team the
// catalog knows go there.
func DefaultReceiver(c *catalog.Catalog) string {
	a := c.Settings.Alerting
	return ReceiverName(a.DefaultTeam, a.DefaultReceiver)
}

func build(c *catalog.Catalog) *config {
	cfg := &config{
		Global: global{ResolveTimeout: catalog.FormatDuration(resolveTimeout)},
		Route: route{
			Receiver: DefaultReceiver(c),
			GroupBy:  groupBy,
		},
		InhibitRules: inhibitRules(),
	}
	if s := c.Settings.Alerting.SMTP; s != nil {
		cfg.Global.SMTPFrom = s.From
		cfg.Global.SMTPSmarthost = s.Smarthost
		cfg.Global.SMTPAuthUsername = s.AuthUsername
		cfg.Global.SMTPAuthPasswordFile = s.AuthPasswordFile
		requireTLS := s.RequireTLS
		cfg.Global.SMTPRequireTLS = &requireTLS
	}
	rootTiming.apply(&cfg.Route)

	used := map[string]bool{cfg.Route.Receiver: true}
	for _, t := range c.Teams {
		rt := TeamRouting(c, t)
		var routes []route
		for _, rcv := range rt.CriticalReceivers() {
			crit := route{Matchers: []string{equal(conventions.AlertLabelSeverity, conventions.SeverityCritical)}, Receiver: rcv}
			criticalTiming.apply(&crit)
			routes = append(routes, crit)
		}
		// The pager's route lets a critical alert go on to the chat's.
		routes[0].Continue = len(routes) > 1
		warn := route{Matchers: []string{equal(conventions.AlertLabelSeverity, conventions.SeverityWarning)}, Receiver: rt.Warning}
		warningTiming.apply(&warn)
		// An alert of the team with neither severity still reaches the
		// team, at the root's pace.
		cfg.Route.Routes = append(cfg.Route.Routes, route{
			Matchers: []string{equal(conventions.AlertLabelTeam, t.Name)},
			Receiver: rt.Warning,
			Routes:   append(routes, warn),
		})
		used[rt.Critical] = true
		used[rt.Warning] = true
	}

	// Only receivers a route names: Alertmanager would not start the others,
	// and a reader of the file should not look for alerts in them.
	for _, t := range c.Teams {
		for _, k := range t.Kinds() {
			if name := ReceiverName(t.Name, k); used[name] {
				cfg.Receivers = append(cfg.Receivers, teamReceiver(t, k))
			}
		}
	}
	return cfg
}

func (t timing) apply(r *route) {
	r.GroupWait = catalog.FormatDuration(t.wait)
	if t.interval != 0 {
		r.GroupInterval = catalog.FormatDuration(t.interval)
	}
	if t.repeat != 0 {
		r.RepeatInterval = catalog.FormatDuration(t.repeat)
	}
}

func teamReceiver(t *catalog.Team, k catalog.ReceiverKind) receiver {
	r := receiver{Name: ReceiverName(t.Name, k)}
	switch k {
	case catalog.ReceiverPagerDuty:
		r.PagerDuty = []pagerdutyConfig{{SendResolved: t.PagerDuty.SendResolved, RoutingKeyFile: t.PagerDuty.RoutingKeyFile,
			Severity: pagerdutySeverity, Description: incidentTitle}}
	case catalog.ReceiverOpsgenie:
		r.Opsgenie = []opsgenieConfig{{SendResolved: t.Opsgenie.SendResolved, APIKeyFile: t.Opsgenie.APIKeyFile,
			Priority: opsgeniePriority, Message: incidentTitle, Description: opsgenieDescription}}
	case catalog.ReceiverWebhook:
		r.Webhook = []webhookConfig{{SendResolved: t.Webhook.SendResolved, URLFile: t.Webhook.URLFile}}
	case catalog.ReceiverSlack:
		r.Slack = []slackConfig{{SendResolved: t.Slack.SendResolved, APIURLFile: t.Slack.APIURLFile, Channel: t.Slack.Channel,
			Title: slackTitle, TitleLink: slackTitleLink, Text: slackText}}
	case catalog.ReceiverEmail:
		r.Email = []emailConfig{{SendResolved: t.Email.SendResolved, To: t.Email.To}}
	}
	return r
}

// inhibitRules silence the alerts that only repeat what a firing alert
// already says, and never across subjects: each rule's equal names every
// label that tells its alerts apart (cluster and service always; slo,
// dependency and budget_left where the alerts carry them). A label missing
// on both sides compares equal; one carried by only one side would compare
// with "" and mute nothing, so no rule lists a label that only one of its
// sides carries, except through the same alertname.
func inhibitRules() []inhibitRule {
	subject := []string{conventions.AlertLabelCluster, conventions.AlertLabelService}
	with := func(extra ...string) []string { return append(slices.Clone(subject), extra...) }
	return []inhibitRule{
		{
			comment: "A whole service down (no target up) also fails, is slow, burns its SLOs and exports\n" +
				"nothing: page for the cause only. One target down (TargetDown) mutes nothing.",
			SourceMatchers: []string{equal("alertname", conventions.AlertServiceDown)},
			TargetMatchers: []string{oneOf("alertname", conventions.AlertHighErrorRate, conventions.AlertHighLatency, conventions.AlertSLIAbsent,
				conventions.AlertBurnPage, conventions.AlertBurnTicket, conventions.AlertTargetDown)},
			Equal: with(),
		},
		{
			comment:        "An SLO's fast burn pages for the service: its golden-signal symptoms add nothing.",
			SourceMatchers: []string{equal("alertname", conventions.AlertBurnPage)},
			TargetMatchers: []string{oneOf("alertname", conventions.AlertHighErrorRate, conventions.AlertHighLatency)},
			Equal:          with(),
		},
		{
			comment: "A critical alert silences the warning of the same alert about the same subject:\n" +
				"service, SLO and dependency (one breaker's page must not mute another dependency's warning).",
			SourceMatchers: []string{equal(conventions.AlertLabelSeverity, conventions.SeverityCritical)},
			TargetMatchers: []string{equal(conventions.AlertLabelSeverity, conventions.SeverityWarning)},
			Equal:          append([]string{"alertname"}, with(conventions.AlertLabelSLO, conventions.AlertLabelDependency, conventions.AlertLabelBudgetLeft)...),
		},
		{
			comment:        "An SLO page (fast burn) silences the ticket (slow burn) of the same SLO.",
			SourceMatchers: []string{equal("alertname", conventions.AlertBurnPage)},
			TargetMatchers: []string{equal("alertname", conventions.AlertBurnTicket)},
			Equal:          with(conventions.AlertLabelSLO),
		},
		{
			comment:        "Less than 20 % of an SLO's budget left silences its \"less than 50 %\".",
			SourceMatchers: []string{equal("alertname", conventions.AlertBudgetLow), equal(conventions.AlertLabelBudgetLeft, "20")},
			TargetMatchers: []string{equal("alertname", conventions.AlertBudgetLow), equal(conventions.AlertLabelBudgetLeft, "50")},
			Equal:          with(conventions.AlertLabelSLO),
		},
	}
}

// equal renders the matcher name="value" with the value quoted as
// Alertmanager's matcher parser reads it.
func equal(name, value string) string { return name + "=" + strconv.Quote(value) }

// oneOf renders name=~"a|b": a regular expression (anchored by Alertmanager)
// matching exactly the given values.
func oneOf(name string, values ...string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = regexp.QuoteMeta(v)
	}
	return name + "=~" + strconv.Quote(strings.Join(quoted, "|"))
}

// marshal renders cfg with the header and each inhibit rule's comment.
func marshal(cfg *config) ([]byte, error) {
	var body yaml.Node
	if err := body.Encode(cfg); err != nil {
		return nil, fmt.Errorf("encode alertmanager config: %w", err)
	}
	for i := 0; i+1 < len(body.Content); i += 2 {
		if body.Content[i].Value != "inhibit_rules" {
			continue
		}
		for j, item := range body.Content[i+1].Content {
			item.HeadComment = cfg.InhibitRules[j].comment
		}
	}
	flowScalarLists(&body)
	doc := &yaml.Node{Kind: yaml.DocumentNode, HeadComment: header, Content: []*yaml.Node{&body}}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("marshal alertmanager config: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// flowScalarLists writes lists of plain values on one line, as
// Alertmanager's documentation does: group_by: [alertname, cluster, service].
func flowScalarLists(n *yaml.Node) {
	if n.Kind == yaml.SequenceNode && len(n.Content) > 0 {
		flat := true
		for _, c := range n.Content {
			flat = flat && c.Kind == yaml.ScalarNode
		}
		if flat {
			n.Style = yaml.FlowStyle
			return
		}
	}
	for _, c := range n.Content {
		flowScalarLists(c)
	}
}
