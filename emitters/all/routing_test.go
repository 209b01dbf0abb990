package all_test

import (
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/svcgen/svcgen/conventions"
	"github.com/svcgen/svcgen/emitters/alertmanager"
	"github.com/svcgen/svcgen/emitters/alertmanager/amtest"
	"github.com/svcgen/svcgen/emitters/all"
	"github.com/svcgen/svcgen/emitters/emit"
	"github.com/svcgen/svcgen/examples"
)

// TestAlertsRouteToTheirTeam routes every alert the Prometheus emitter
// writes for each example through the generated Alertmanager configuration,
// with Alertmanager's own route matching: each reaches exactly the receiver
// its team's routing gives its severity — the team that owns the service the
// alert is about — so rules and routing cannot drift apart.
func TestAlertsRouteToTheirTeam(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, name := range examples.Names() {
		t.Run(name, func(t *testing.T) {
			c := examples.Compile(t, name)
			out, err := emit.Render(c, all.Emitters())
			if err != nil {
				t.Fatal(err)
			}
			var router *amtest.Router
			var rules []emit.File
			for _, f := range out.Files() {
				switch {
				case f.Path == alertmanager.Path:
					cfg, err := amtest.Load(f.Data)
					if err != nil {
						t.Fatal(err)
					}
					router = amtest.NewRouter(cfg)
				case strings.HasPrefix(f.Path, "prometheus/") && strings.HasSuffix(f.Path, ".rules.yml"):
					rules = append(rules, f)
				}
			}
			if router == nil || len(rules) == 0 {
				t.Fatalf("no alertmanager.yml or no rules among %d files", len(out.Files()))
			}
			alerts := 0
			for _, f := range rules {
				groups, errs := rulefmt.Parse(f.Data, false, model.LegacyValidation, parser.NewParser(parser.Options{}), logger)
				if len(errs) > 0 {
					t.Fatalf("%s: %v", f.Path, errs)
				}
				for _, g := range groups.Groups {
					for _, r := range g.Rules {
						if r.Alert == "" {
							continue
						}
						alerts++
						labels := map[string]string{"alertname": r.Alert}
						for k, v := range r.Labels {
							labels[k] = v
						}
						svc := c.Service(labels[conventions.AlertLabelService])
						if svc == nil {
							t.Errorf("%s: alert %s is about no catalog service (service=%q)", f.Path, r.Alert, labels[conventions.AlertLabelService])
							continue
						}
						team := c.Team(labels[conventions.AlertLabelTeam])
						if team == nil || team.Name != svc.Team {
							t.Errorf("%s: alert %s of service %s carries team %q, want %q", f.Path, r.Alert, svc.Name, labels[conventions.AlertLabelTeam], svc.Team)
							continue
						}
						routing := alertmanager.TeamRouting(c, team)
						// A critical alert pages and reaches the team's
						// own chat too; a warning reaches the chat only.
						want := map[string][]string{conventions.SeverityCritical: routing.CriticalReceivers(), conventions.SeverityWarning: {routing.Warning}}[labels[conventions.AlertLabelSeverity]]
						if want == nil {
							t.Errorf("%s: alert %s has severity %q", f.Path, r.Alert, labels[conventions.AlertLabelSeverity])
							continue
						}
						if got := router.Receivers(labels); !slices.Equal(got, want) {
							t.Errorf("%s: alert %s %v routes to %v, want %v", f.Path, r.Alert, labels, got, want)
						}
					}
				}
			}
			if alerts == 0 {
				t.Fatal("no alerts routed")
			}
			t.Logf("%d alerts routed", alerts)
		})
	}
}
