package alertmanager_test

import (
	"bytes"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	amconfig "github.com/prometheus/alertmanager/config"
	"github.com/prometheus/alertmanager/pkg/labels"
	"github.com/prometheus/alertmanager/template"
	"github.com/prometheus/common/model"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/compilertest"
	"github.com/svcgen/svcgen/conventions"
	"github.com/svcgen/svcgen/emitters/alertmanager"
	"github.com/svcgen/svcgen/emitters/alertmanager/amtest"
	"github.com/svcgen/svcgen/examples"
)

// emit runs the emitter over c and loads its one file with Alertmanager's
// own loader.
func emit(t *testing.T, c *catalog.Catalog) ([]byte, *amconfig.Config) {
	t.Helper()
	files, err := alertmanager.Emitter{}.Emit(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Path != alertmanager.Path {
		t.Fatalf("emitted %d files, want one %s", len(files), alertmanager.Path)
	}
	cfg, err := amtest.Load(files[0].Data)
	if err != nil {
		t.Fatalf("Alertmanager refuses the generated config: %v\n%s", err, files[0].Data)
	}
	return files[0].Data, cfg
}

// compile compiles an inline catalog; it must compile without errors.
func compile(t *testing.T, src string) *catalog.Catalog {
	t.Helper()
	return compilertest.MustCompile(t, compilertest.One(src))
}

var severities = []string{conventions.SeverityCritical, conventions.SeverityWarning}

// alertNames are every alert the Prometheus emitter writes: routing must not
// depend on which one fires.
var alertNames = []string{
	conventions.AlertServiceDown, conventions.AlertTargetDown, conventions.AlertHighErrorRate, conventions.AlertHighLatency, conventions.AlertSLIAbsent,
	conventions.AlertStatusLabelMissing, conventions.AlertStatusUnrecognized,
	conventions.AlertBurnPage, conventions.AlertBurnTicket, conventions.AlertBudgetLow, conventions.AlertBreakerOpen, conventions.AlertBulkheadSaturated,
}

// alertLabels is an alert of service s as the Prometheus emitter labels it.
func alertLabels(c *catalog.Catalog, s *catalog.Service, name, severity string) map[string]string {
	return map[string]string{
		"alertname":                    name,
		conventions.AlertLabelService:  s.Name,
		conventions.AlertLabelTeam:     s.Team,
		conventions.AlertLabelTier:     string(s.Tier),
		conventions.AlertLabelSeverity: severity,
		conventions.AlertLabelCluster:  c.Settings.Cluster,
	}
}

// want is the receiver of each team's critical and warning alerts, written
// out by hand from the example catalogs (not computed by the emitter's own
// function), and the root's receiver.
var want = map[string]struct {
	root  string
	teams map[string][2]string // team → {critical, warning}; critical alerts reach the pager, then the team's chat
}{
	"minimal": {
		root: "web-slack",
		// No paging receiver (a low-tier service): critical alerts reach the
		// team's channel, not another team's.
		teams: map[string][2]string{"web": {"web-slack", "web-slack"}},
	},
	"shop": {
		root: "platform-slack",
		teams: map[string][2]string{
			"commerce": {"commerce-opsgenie,commerce-slack", "commerce-slack"},
			"payments": {"payments-pagerduty,payments-email", "payments-email"},
			"platform": {"platform-pagerduty,platform-slack", "platform-slack"},
		},
	},
}

// TestExampleRouting routes every alert of every team and severity of every
// example through Alertmanager's own route matching and checks it reaches
// exactly the expected receiver.
func TestExampleRouting(t *testing.T) {
	for _, ex := range examples.Names() {
		t.Run(ex, func(t *testing.T) {
			w, ok := want[ex]
			if !ok {
				t.Fatalf("example %s has no expected routing in this test: add it", ex)
			}
			c := examples.Compile(t, ex)
			_, cfg := emit(t, c)
			r := amtest.NewRouter(cfg)
			check := func(labels map[string]string, receivers string) {
				t.Helper()
				if got := r.Receivers(labels); !slices.Equal(got, strings.Split(receivers, ",")) {
					t.Errorf("alert %v reaches %v, want [%s]", labels, got, receivers)
				}
			}
			for _, team := range c.Teams {
				tw, ok := w.teams[team.Name]
				if !ok {
					t.Errorf("team %s has no expected receivers in this test", team.Name)
					continue
				}
				s := &catalog.Service{Name: "unowned", Team: team.Name, Tier: catalog.TierLow}
				for _, svc := range c.Services {
					if svc.Team == team.Name {
						s = svc
						break
					}
				}
				for i, sev := range severities {
					for _, name := range alertNames {
						check(alertLabels(c, s, name, sev), tw[i])
					}
				}
				// A severity no route names still reaches the team.
				l := alertLabels(c, s, conventions.AlertServiceDown, "info")
				check(l, tw[1])
				delete(l, conventions.AlertLabelSeverity)
				check(l, tw[1])
			}
			if len(c.Teams) != len(w.teams) {
				t.Errorf("example has %d teams, the test expects %d", len(c.Teams), len(w.teams))
			}
			// No team, or a team the catalog does not know: the default.
			check(map[string]string{"alertname": "Watchdog", conventions.AlertLabelSeverity: "critical"}, w.root)
			check(map[string]string{"alertname": "X", conventions.AlertLabelTeam: "nobody", conventions.AlertLabelSeverity: "warning"}, w.root)
		})
	}
}

// TestNoShadowedRoutes: every route gets its alerts, none is taken first by
// an earlier sibling (amtool checks neither).
func TestNoShadowedRoutes(t *testing.T) {
	for _, ex := range examples.Names() {
		t.Run(ex, func(t *testing.T) {
			_, cfg := emit(t, examples.Compile(t, ex))
			shadowed, err := amtest.NewRouter(cfg).Shadowed()
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range shadowed {
				t.Errorf("shadowed route: %s", s)
			}
		})
	}
}

// TestShadowedDetects makes sure the shadow analysis finds what it is for:
// a route an earlier sibling takes whole, one it takes in part, and one no
// alert can match.
func TestShadowedDetects(t *testing.T) {
	cfg, err := amtest.Load([]byte(`
route:
  receiver: r
  routes:
    - matchers: [team="a"]
      receiver: r
    - matchers: [team="a", severity="critical"]
      receiver: r
    - matchers: [severity="warning"]
      receiver: r
    - matchers: [team="b"]
      receiver: r
      routes:
        - matchers: [team="c"]
          receiver: r
receivers: [{name: r}]
`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := amtest.NewRouter(cfg).Shadowed()
	if err != nil {
		t.Fatal(err)
	}
	wantPrefixes := []string{
		`{}/{severity="critical",team="a"}: earlier sibling`, // taken whole
		`{}/{severity="critical",team="a"}: its most general`,
		`{}/{severity="warning"}: earlier sibling`, // team="a" warnings go to the first route
		`{}/{team="b"}: earlier sibling`,           // team="b" warnings go to the third
		`{}/{team="b"}/{team="c"}: its matchers contradict`,
	}
	if len(got) != len(wantPrefixes) {
		t.Fatalf("Shadowed() = %d findings, want %d:\n%s", len(got), len(wantPrefixes), strings.Join(got, "\n"))
	}
	for i, p := range wantPrefixes {
		if !strings.HasPrefix(got[i], p) {
			t.Errorf("finding %d = %q, want prefix %q", i, got[i], p)
		}
	}
}

// TestTimings checks grouping and timing as Alertmanager resolves them, with
// inheritance: the seed's 10s/10s/12h at the root, 0s/5m for critical and
// 30s/1h for warnings.
func TestTimings(t *testing.T) {
	c := examples.Compile(t, "shop")
	_, cfg := emit(t, c)
	if got := time.Duration(cfg.Global.ResolveTimeout); got != 5*time.Minute {
		t.Errorf("resolve_timeout = %s, want 5m", got)
	}
	r := amtest.NewRouter(cfg)
	gb := []model.LabelName{"alertname", "cluster", "service"}
	for _, tc := range []struct {
		labels                 map[string]string
		wait, interval, repeat time.Duration
	}{
		{map[string]string{"alertname": "Watchdog"}, 10 * time.Second, 10 * time.Second, 12 * time.Hour},
		{map[string]string{"team": "payments", "severity": "critical"}, 0, 10 * time.Second, 5 * time.Minute},
		{map[string]string{"team": "payments", "severity": "warning"}, 30 * time.Second, 10 * time.Second, time.Hour},
		{map[string]string{"team": "payments"}, 10 * time.Second, 10 * time.Second, 12 * time.Hour},
	} {
		opts := r.Routes(tc.labels)
		// A critical alert takes the pager's route and the chat's.
		if want := 1 + strings.Count(tc.labels["severity"], "critical"); len(opts) != want {
			t.Fatalf("%v matches %d routes, want %d", tc.labels, len(opts), want)
		}
		for _, o := range opts {
			if o.GroupWait != tc.wait || o.GroupInterval != tc.interval || o.RepeatInterval != tc.repeat {
				t.Errorf("%v: wait/interval/repeat = %s/%s/%s, want %s/%s/%s", tc.labels,
					o.GroupWait, o.GroupInterval, o.RepeatInterval, tc.wait, tc.interval, tc.repeat)
			}
			if o.GroupByAll || len(o.GroupBy) != len(gb) {
				t.Errorf("%v: group_by = %v, want %v", tc.labels, o.GroupBy, gb)
			}
			for _, l := range gb {
				if _, ok := o.GroupBy[l]; !ok {
					t.Errorf("%v: group_by lacks %s", tc.labels, l)
				}
			}
		}
	}
}

// TestInhibition runs the generated inhibit rules in Alertmanager's own
// inhibitor: each case is one firing alert and one that may be muted.
func TestInhibition(t *testing.T) {
	c := examples.Compile(t, "shop")
	_, cfg := emit(t, c)
	payment, auth := c.Service("payment"), c.Service("auth")
	alert := func(s *catalog.Service, name, severity, slo string) map[string]string {
		l := alertLabels(c, s, name, severity)
		if slo != "" {
			l[conventions.AlertLabelSLO] = slo
		}
		return l
	}
	budget := func(l map[string]string, left string) map[string]string {
		l[conventions.AlertLabelBudgetLeft] = left
		return l
	}
	dep := func(l map[string]string, d string) map[string]string {
		l[conventions.AlertLabelDependency] = d
		return l
	}
	otherCluster := func(l map[string]string) map[string]string {
		l[conventions.AlertLabelCluster] = "other"
		return l
	}
	const crit, warn = conventions.SeverityCritical, conventions.SeverityWarning
	for _, tc := range []struct {
		name           string
		firing, target map[string]string
		muted          bool
	}{
		{"down mutes error rate", alert(payment, "ServiceDown", crit, ""), alert(payment, "HighErrorRate", crit, ""), true},
		{"down mutes latency", alert(payment, "ServiceDown", crit, ""), alert(payment, "HighLatency", warn, ""), true},
		{"down: other service", alert(payment, "ServiceDown", crit, ""), alert(auth, "HighErrorRate", crit, ""), false},
		{"down: other cluster", alert(payment, "ServiceDown", crit, ""), otherCluster(alert(payment, "HighErrorRate", crit, "")), false},
		{"down mutes the SLO page", alert(payment, "ServiceDown", crit, ""), alert(payment, "ErrorBudgetBurnFast", crit, "availability"), true},
		{"down mutes a target down", alert(payment, "ServiceDown", crit, ""), alert(payment, "TargetDown", warn, ""), true},
		{"down: not the budget policy", alert(payment, "ServiceDown", crit, ""), alert(payment, "ErrorBudgetLow", warn, "availability"), false},
		{"down: not the breaker", alert(payment, "ServiceDown", crit, ""), alert(payment, "CircuitBreakerOpen", warn, ""), false},
		{"one target down mutes nothing", alert(payment, "TargetDown", warn, ""), alert(payment, "HighErrorRate", warn, ""), false},
		{"one target down: not the page", alert(payment, "TargetDown", warn, ""), alert(payment, "ErrorBudgetBurnFast", crit, "availability"), false},

		{"fast burn mutes error rate", alert(payment, "ErrorBudgetBurnFast", crit, "availability"), alert(payment, "HighErrorRate", warn, ""), true},
		{"fast burn mutes latency", alert(payment, "ErrorBudgetBurnFast", crit, "latency"), alert(payment, "HighLatency", warn, ""), true},
		{"fast burn: other service's error rate", alert(payment, "ErrorBudgetBurnFast", crit, "availability"), alert(auth, "HighErrorRate", warn, ""), false},
		{"fast burn: not the breaker", alert(payment, "ErrorBudgetBurnFast", crit, "availability"), alert(payment, "CircuitBreakerOpen", warn, ""), false},

		{"budget 20 % mutes its 50 %", budget(alert(payment, "ErrorBudgetLow", warn, "availability"), "20"), budget(alert(payment, "ErrorBudgetLow", warn, "availability"), "50"), true},
		{"budget 20 %: other SLO's 50 %", budget(alert(payment, "ErrorBudgetLow", warn, "availability"), "20"), budget(alert(payment, "ErrorBudgetLow", warn, "latency"), "50"), false},
		{"budget 50 % mutes no 20 %", budget(alert(payment, "ErrorBudgetLow", warn, "availability"), "50"), budget(alert(payment, "ErrorBudgetLow", warn, "availability"), "20"), false},

		{"critical breaker mutes the same dependency's warning", dep(alert(payment, "CircuitBreakerOpen", crit, ""), "pg-gateway"), dep(alert(payment, "CircuitBreakerOpen", warn, ""), "pg-gateway"), true},
		{"critical breaker: another dependency's warning", dep(alert(payment, "CircuitBreakerOpen", crit, ""), "pg-gateway"), dep(alert(payment, "CircuitBreakerOpen", warn, ""), "payments-db"), false},

		{"budget critical mutes its warning", budget(alert(payment, "ErrorBudgetLow", crit, "availability"), "20"), budget(alert(payment, "ErrorBudgetLow", warn, "availability"), "20"), true},
		{"budget critical: other SLO", alert(payment, "ErrorBudgetLow", crit, "availability"), alert(payment, "ErrorBudgetLow", warn, "latency"), false},
		{"budget critical: other service", alert(payment, "ErrorBudgetLow", crit, "availability"), alert(auth, "ErrorBudgetLow", warn, "availability"), false},
		{"budget warning mutes nothing", alert(payment, "ErrorBudgetLow", warn, "availability"), alert(payment, "ErrorBudgetLow", crit, "availability"), false},
		{"critical: other alertname", alert(payment, "HighErrorRate", crit, ""), alert(payment, "HighLatency", warn, ""), false},
		{"critical mutes same non-SLO warning", alert(payment, "CircuitBreakerOpen", crit, ""), alert(payment, "CircuitBreakerOpen", warn, ""), true},
		{"critical: warning of another service", alert(payment, "CircuitBreakerOpen", crit, ""), alert(auth, "CircuitBreakerOpen", warn, ""), false},

		{"page mutes ticket", alert(payment, "ErrorBudgetBurnFast", crit, "latency"), alert(payment, "ErrorBudgetBurnSlow", warn, "latency"), true},
		{"page: other SLO's ticket", alert(payment, "ErrorBudgetBurnFast", crit, "latency"), alert(payment, "ErrorBudgetBurnSlow", warn, "availability"), false},
		{"page: other service's ticket", alert(auth, "ErrorBudgetBurnFast", crit, "latency"), alert(payment, "ErrorBudgetBurnSlow", warn, "latency"), false},
		{"ticket mutes no page", alert(payment, "ErrorBudgetBurnSlow", warn, "latency"), alert(payment, "ErrorBudgetBurnFast", crit, "latency"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := amtest.Mutes(cfg, []map[string]string{tc.firing}, tc.target); got != tc.muted {
				t.Errorf("firing %v, target %v: muted = %v, want %v", tc.firing, tc.target, got, tc.muted)
			}
		})
	}
}

// TestEqualLabelsOnBothSides: an equal label missing on one side compares as
// empty and mutes across services, so every equal label other than slo must
// be one every generated alert carries, and slo is only compared between
// alerts that both carry it or both lack it.
func TestEqualLabelsOnBothSides(t *testing.T) {
	_, cfg := emit(t, examples.Compile(t, "shop"))
	carried := map[string]bool{"alertname": true, conventions.AlertLabelService: true, conventions.AlertLabelTeam: true,
		conventions.AlertLabelTier: true, conventions.AlertLabelSeverity: true, conventions.AlertLabelCluster: true}
	sloAlerts := []string{conventions.AlertBurnPage, conventions.AlertBurnTicket, conventions.AlertBudgetLow}
	for _, r := range cfg.InhibitRules {
		hasService, hasSLO := false, false
		for _, l := range r.Equal {
			switch {
			case l == conventions.AlertLabelSLO:
				hasSLO = true
			case l == conventions.AlertLabelDependency || l == conventions.AlertLabelBudgetLeft:
				// Carried by some alerts only: compared only within one
				// alertname, which always or never carries it.
				if !slices.Contains(r.Equal, "alertname") {
					t.Errorf("inhibit rule %v: equal label %s without alertname", r.SourceMatchers, l)
				}
			case !carried[l]:
				t.Errorf("inhibit rule %v: equal label %s is not carried by every alert", r.SourceMatchers, l)
			}
			hasService = hasService || l == conventions.AlertLabelService
		}
		if !hasService {
			t.Errorf("inhibit rule %v: does not require the same service", r.SourceMatchers)
		}
		if !hasSLO {
			continue
		}
		// Both sides must agree on carrying slo: either alertname is equal
		// too (an alert name always or never has slo), or both sides match
		// only SLO alerts.
		if slices.Contains(r.Equal, "alertname") {
			continue
		}
		for _, side := range []struct {
			name string
			ms   labels.Matchers
		}{{"source", labels.Matchers(r.SourceMatchers)}, {"target", labels.Matchers(r.TargetMatchers)}} {
			for _, name := range alertNames {
				if !slices.Contains(sloAlerts, name) && side.ms.Matches(model.LabelSet{"alertname": model.LabelValue(name), "severity": "critical"}) {
					t.Errorf("inhibit rule %v: equal on slo, but its %s side matches %s, which has no slo label", r.SourceMatchers, side.name, name)
				}
			}
		}
	}
}

// TestReceiversFromFiles: every integration reads its secret from the
// catalog's file and none has an inline value; send_resolved is the
// catalog's.
func TestReceiversFromFiles(t *testing.T) {
	c := compile(t, `package catalog
settings: alerting: {
	defaultReceiver: team: "ops"
	smtp: {from: "am@example.com", smarthost: "smtp.example.com:25", authUsername: "am", authPasswordFile: "/s/smtp", requireTLS: false}
}
teams: ops: {
	receivers: {
		pagerduty: {routingKeyFile: "/s/pd", sendResolved: false}
		slack: {channel: "#ops", apiURLFile: "/s/slack"}
	}
}
teams: bots: {
	receivers: {
		webhook: urlFile: "/s/hook"
		opsgenie: apiKeyFile: "/s/og"
		email: {to: "bots@example.com", sendResolved: true}
	}
	page: "opsgenie"
	notify: "webhook"
}
teams: mail: receivers: email: to: "mail@example.com"
services: api: {team: "ops", tier: "critical", image: "x/api:1"}
`)
	data, cfg := emit(t, c)
	g := cfg.Global
	if g.SMTPFrom != "am@example.com" || g.SMTPSmarthost.String() != "smtp.example.com:25" || g.SMTPAuthUsername != "am" ||
		g.SMTPAuthPasswordFile != "/s/smtp" || g.SMTPAuthPassword != "" || g.SMTPRequireTLS {
		t.Errorf("global SMTP = from %q host %q user %q passfile %q pass set %v tls %v", g.SMTPFrom, g.SMTPSmarthost, g.SMTPAuthUsername,
			g.SMTPAuthPasswordFile, g.SMTPAuthPassword != "", g.SMTPRequireTLS)
	}
	var names []string
	for _, r := range cfg.Receivers {
		names = append(names, r.Name)
		n := len(r.PagerdutyConfigs) + len(r.OpsGenieConfigs) + len(r.WebhookConfigs) + len(r.SlackConfigs) + len(r.EmailConfigs)
		if n != 1 {
			t.Errorf("receiver %s has %d integrations, want 1", r.Name, n)
		}
		for _, x := range r.PagerdutyConfigs {
			if x.RoutingKeyFile != "/s/pd" || x.RoutingKey != "" || x.ServiceKey != "" || x.ServiceKeyFile != "" || x.SendResolved() {
				t.Errorf("%s: pagerduty = key file %q, inline key %v, send_resolved %v", r.Name, x.RoutingKeyFile, x.RoutingKey != "", x.SendResolved())
			}
		}
		for _, x := range r.OpsGenieConfigs {
			if x.APIKeyFile != "/s/og" || x.APIKey != "" || !x.SendResolved() {
				t.Errorf("%s: opsgenie = key file %q, inline key %v, send_resolved %v", r.Name, x.APIKeyFile, x.APIKey != "", x.SendResolved())
			}
		}
		for _, x := range r.WebhookConfigs {
			if x.URLFile != "/s/hook" || x.URL != "" || !x.SendResolved() {
				t.Errorf("%s: webhook = url file %q, inline url %v, send_resolved %v", r.Name, x.URLFile, x.URL != "", x.SendResolved())
			}
		}
		for _, x := range r.SlackConfigs {
			if x.APIURLFile != "/s/slack" || x.APIURL != nil || x.Channel != "#ops" || !x.SendResolved() {
				t.Errorf("%s: slack = url file %q, inline url %v, channel %q, send_resolved %v", r.Name, x.APIURLFile, x.APIURL != nil, x.Channel, x.SendResolved())
			}
		}
		for _, x := range r.EmailConfigs {
			// Alertmanager copies the relay's settings from global into
			// each email integration.
			if x.To != "mail@example.com" || x.AuthPassword != "" || x.AuthPasswordFile != "/s/smtp" || x.SendResolved() {
				t.Errorf("%s: email to %q, inline password %v, password file %q, send_resolved %v",
					r.Name, x.To, x.AuthPassword != "", x.AuthPasswordFile, x.SendResolved())
			}
		}
	}
	// Only receivers a route names; bots' email is declared but unused.
	wantNames := []string{"bots-opsgenie", "bots-webhook", "mail-email", "ops-pagerduty", "ops-slack"}
	if !slices.Equal(names, wantNames) {
		t.Errorf("receivers = %v, want %v", names, wantNames)
	}
	for _, secret := range []string{"routing_key:", "api_key:", "api_url:", "url:", "service_key:", "smtp_auth_password:", "auth_password:"} {
		if bytes.Contains(data, []byte(" "+secret)) {
			t.Errorf("the config has an inline %s", secret)
		}
	}

	r := amtest.NewRouter(cfg)
	for _, tc := range []struct{ team, severity, receiver string }{
		{"ops", "critical", "ops-pagerduty,ops-slack"},
		{"ops", "warning", "ops-slack"},
		{"bots", "critical", "bots-opsgenie,bots-webhook"},
		{"bots", "warning", "bots-webhook"},
		// A team with only a mail receiver: no pager, so critical alerts
		// reach its mail, promptly.
		{"mail", "critical", "mail-email"},
		{"mail", "warning", "mail-email"},
	} {
		if got := r.Receivers(map[string]string{"team": tc.team, "severity": tc.severity}); !slices.Equal(got, strings.Split(tc.receiver, ",")) {
			t.Errorf("team %s, %s: reaches %v, want %s", tc.team, tc.severity, got, tc.receiver)
		}
	}
}

// TestPagerOnlyTeam: warnings never page; a team with no chat or mail
// receiver gets them in the catalog's default receiver.
func TestPagerOnlyTeam(t *testing.T) {
	c := compile(t, `package catalog
settings: alerting: defaultReceiver: team: "sre"
teams: sre: receivers: slack: {channel: "#sre", apiURLFile: "/s/slack"}
teams: db: receivers: pagerduty: routingKeyFile: "/s/pd"
teams: hooks: receivers: webhook: urlFile: "/s/hook"
services: pg: {team: "db", tier: "critical", image: "x/pg:1"}
services: relay: {team: "hooks", tier: "critical", image: "x/relay:1"}
`)
	_, cfg := emit(t, c)
	r := amtest.NewRouter(cfg)
	for _, tc := range []struct{ team, severity, receiver string }{
		{"db", "critical", "db-pagerduty"},
		{"db", "warning", "sre-slack"},
		// A webhook that pages is not also the chat receiver.
		{"hooks", "critical", "hooks-webhook"},
		{"hooks", "warning", "sre-slack"},
		{"sre", "critical", "sre-slack"},
	} {
		got := r.Routes(map[string]string{"team": tc.team, "severity": tc.severity})
		if len(got) != 1 || got[0].Receiver != tc.receiver {
			t.Errorf("team %s, %s: reaches %v, want %s", tc.team, tc.severity, got, tc.receiver)
			continue
		}
		// The warning keeps the warning's pace even in another's receiver.
		if tc.severity == "warning" && got[0].RepeatInterval != time.Hour {
			t.Errorf("team %s warnings repeat every %s, want 1h", tc.team, got[0].RepeatInterval)
		}
	}
}

// TestDeterministic builds the shop twice, the second time from teams and
// services handed over in reverse order, and compares bytes.
func TestDeterministic(t *testing.T) {
	c := examples.Compile(t, "shop")
	first, _ := emit(t, c)
	teams := slices.Clone(c.Teams)
	services := slices.Clone(c.Services)
	slices.Reverse(teams)
	slices.Reverse(services)
	second, _ := emit(t, catalog.New(c.Settings, teams, services))
	if !bytes.Equal(first, second) {
		t.Errorf("output depends on input order:\n%s\n---\n%s", first, second)
	}
	if !bytes.HasPrefix(first, []byte("# Code generated by svcgen. DO NOT EDIT.\n")) {
		t.Errorf("output does not start with the generated-code header:\n%s", first[:80])
	}
}

// TestBinaryDoesNotLinkAlertmanager keeps Alertmanager (and its cloud SDKs)
// a test-only dependency: the emitter builds its YAML from its own structs.
func TestBinaryDoesNotLinkAlertmanager(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	cmd := exec.Command("go", "list", "-deps", "./cmd/svcgen")
	cmd.Dir = examples.Root()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "github.com/prometheus/alertmanager") || strings.HasSuffix(pkg, "/amtest") {
			t.Errorf("svcgen links %s", pkg)
		}
	}
}

// TestSlackText renders the Slack message text with Alertmanager's template
// engine: one line per alert, with its runbook link when it has one.
func TestSlackText(t *testing.T) {
	_, cfg := emit(t, examples.Compile(t, "minimal"))
	if len(cfg.Receivers) != 1 || len(cfg.Receivers[0].SlackConfigs) != 1 {
		t.Fatalf("want one slack receiver, got %+v", cfg.Receivers)
	}
	tmpl, err := template.FromGlobs(nil)
	if err != nil {
		t.Fatal(err)
	}
	data := &template.Data{Alerts: template.Alerts{
		{Annotations: template.KV{"summary": "hello is down", "runbook_url": "https://runbooks.example.com/hello"}},
		{Annotations: template.KV{"summary": "hello is slow"}},
	}}
	got, err := tmpl.ExecuteTextString(cfg.Receivers[0].SlackConfigs[0].Text, data)
	if err != nil {
		t.Fatal(err)
	}
	want := "*hello is down*\n<https://runbooks.example.com/hello|runbook>\n*hello is slow*\n\n"
	if got != want {
		t.Errorf("slack text = %q, want %q", got, want)
	}
}

// TestNotificationFields renders what a person receives with Alertmanager's
// template engine: PagerDuty's severity and Opsgenie's priority follow the
// alert's severity; Slack's title names alert, service and severity, and
// its text carries summary, description, current value and both links.
func TestNotificationFields(t *testing.T) {
	c := compile(t, `package catalog
settings: alerting: defaultReceiver: team: "ops"
teams: ops: receivers: {pagerduty: routingKeyFile: "/s/pd", slack: {channel: "#ops", apiURLFile: "/s/slack"}}
teams: bots: receivers: {opsgenie: apiKeyFile: "/s/og", slack: {channel: "#bots", apiURLFile: "/s/slack"}}
services: api: {team: "ops", tier: "critical", image: "x/api:1"}
services: bot: {team: "bots", tier: "low", image: "x/bot:1"}
`)
	_, cfg := emit(t, c)
	tmpl, err := template.FromGlobs(nil)
	if err != nil {
		t.Fatal(err)
	}
	data := func(severity string) *template.Data {
		labels := template.KV{"alertname": "ErrorBudgetBurnFast", "service": "api", "cluster": "prod", "severity": severity}
		ann := template.KV{"summary": "api burns fast", "description": "The SLO burns.", "value": "7.5% of events bad",
			"dashboard": "https://grafana/d/api", "runbook_url": "https://runbooks/api"}
		return &template.Data{Status: "firing", CommonLabels: labels, CommonAnnotations: ann,
			Alerts: template.Alerts{{Status: "firing", Labels: labels, Annotations: ann}}}
	}
	render := func(text string, d *template.Data) string {
		t.Helper()
		got, err := tmpl.ExecuteTextString(text, d)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		return got
	}
	var pd, og, slack struct{ Severity, Priority, Message, Title, TitleLink, Text string }
	found := 0
	for _, r := range cfg.Receivers {
		switch {
		case len(r.PagerdutyConfigs) == 1:
			pd.Severity = r.PagerdutyConfigs[0].Severity
			found++
		case len(r.OpsGenieConfigs) == 1:
			og.Priority, og.Message = r.OpsGenieConfigs[0].Priority, r.OpsGenieConfigs[0].Message
			found++
		case r.Name == "ops-slack":
			sc := r.SlackConfigs[0]
			slack.Title, slack.TitleLink, slack.Text = sc.Title, sc.TitleLink, sc.Text
			found++
		}
	}
	if found != 3 {
		t.Fatalf("receivers %+v", cfg.Receivers)
	}
	for sev, want := range map[string][2]string{"critical": {"critical", "P1"}, "warning": {"warning", "P3"}, "info": {"info", "P5"}} {
		if got := render(pd.Severity, data(sev)); got != want[0] {
			t.Errorf("PagerDuty severity of a %s alert = %q, want %q", sev, got, want[0])
		}
		if got := render(og.Priority, data(sev)); got != want[1] {
			t.Errorf("Opsgenie priority of a %s alert = %q, want %q", sev, got, want[1])
		}
	}
	if got, want := render(slack.Title, data("critical")), "[FIRING:1] ErrorBudgetBurnFast api (critical, prod)"; got != want {
		t.Errorf("slack title = %q, want %q", got, want)
	}
	if got, want := render(slack.TitleLink, data("critical")), "https://grafana/d/api"; got != want {
		t.Errorf("slack title link = %q, want %q", got, want)
	}
	want := "*api burns fast*\nThe SLO burns.\nValue: 7.5% of events bad\n<https://grafana/d/api|dashboard> · <https://runbooks/api|runbook>\n"
	if got := render(slack.Text, data("critical")); got != want {
		t.Errorf("slack text = %q, want %q", got, want)
	}
	if got, want := render(og.Message, data("critical")), "ErrorBudgetBurnFast api: api burns fast"; got != want {
		t.Errorf("opsgenie message = %q, want %q", got, want)
	}
}
