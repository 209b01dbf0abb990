package alertmanager

import (
	"bytes"
	"fmt"
	"regexp"
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
		crit := route{Matchers: []string{equal(conventions.AlertLabelSeverity, conventions.SeverityCritical)}, Receiver: rt.Critical}
		criticalTiming.apply(&crit)
		warn := route{Matchers: []string{equal(conventions.AlertLabelSeverity, conventions.SeverityWarning)}, Receiver: rt.Warning}
		warningTiming.apply(&warn)
		// An alert of the team with neither severity still reaches the
		// team, at the root's pace.
		cfg.Route.Routes = append(cfg.Route.Routes, route{
			Matchers: []string{equal(conventions.AlertLabelTeam, t.Name)},
			Receiver: rt.Warning,
			Routes:   []route{crit, warn},
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
		r.PagerDuty = []pagerdutyConfig{{SendResolved: t.PagerDuty.SendResolved, RoutingKeyFile: t.PagerDuty.RoutingKeyFile}}
	case catalog.ReceiverOpsgenie:
		r.Opsgenie = []opsgenieConfig{{SendResolved: t.Opsgenie.SendResolved, APIKeyFile: t.Opsgenie.APIKeyFile}}
	case catalog.ReceiverWebhook:
		r.Webhook = []webhookConfig{{SendResolved: t.Webhook.SendResolved, URLFile: t.Webhook.URLFile}}
	case catalog.ReceiverSlack:
		r.Slack = []slackConfig{{SendResolved: t.Slack.SendResolved, APIURLFile: t.Slack.APIURLFile, Channel: t.Slack.Channel, Text: slackText}}
	case catalog.ReceiverEmail:
		r.Email = []emailConfig{{SendResolved: t.Email.SendResolved, To: t.Email.To}}
	}
	return r
}

// inhibitRules silence the alerts that only repeat what a firing alert
// already says. Every equal label is carried by the alerts of both sides
// (a label missing on one side compares as empty and would mute across
// services); slo is carried by SLO alerts only, and is absent on both sides
// of the non-SLO pairs, which compares equal.
func inhibitRules() []inhibitRule {
	return []inhibitRule{
		{
			comment:        "A service that is down also fails and is slow: page for the cause only.",
			SourceMatchers: []string{equal(conventions.AlertLabelName, conventions.AlertServiceDown)},
			TargetMatchers: []string{oneOf(conventions.AlertLabelName, conventions.AlertHighErrorRate, conventions.AlertHighLatency)},
			Equal:          []string{conventions.AlertLabelCluster, conventions.AlertLabelService},
		},
		{
			comment: "A critical alert silences the warning of the same alert, service and SLO\n" +
				"(ErrorBudgetLow fires per SLO: one SLO's critical must not mute another's warning).",
			SourceMatchers: []string{equal(conventions.AlertLabelSeverity, conventions.SeverityCritical)},
			TargetMatchers: []string{equal(conventions.AlertLabelSeverity, conventions.SeverityWarning)},
			Equal:          []string{conventions.AlertLabelName, conventions.AlertLabelCluster, conventions.AlertLabelService, conventions.AlertLabelSLO},
		},
		{
			comment:        "An SLO page (fast burn) silences the ticket (slow burn) of the same SLO.",
			SourceMatchers: []string{equal(conventions.AlertLabelName, conventions.AlertBurnPage)},
			TargetMatchers: []string{equal(conventions.AlertLabelName, conventions.AlertBurnTicket)},
			Equal:          []string{conventions.AlertLabelCluster, conventions.AlertLabelService, conventions.AlertLabelSLO},
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
