package check_test

import (
	"strings"
	"testing"

	"github.com/svcgen/svcgen/conventions"
)

// grafanaCatalog is a catalog of one team with the given services (name →
// nothing else: each service gets the same body).
func grafanaCatalog(team string, services ...string) string {
	var b strings.Builder
	b.WriteString("package catalog\n\nsettings: alerting: defaultReceiver: team: \"" + team + "\"\n")
	b.WriteString("teams: \"" + team + "\": receivers: slack: {channel: \"#ops\", apiURLFile: \"/etc/am/slack\"}\n")
	for _, s := range services {
		b.WriteString("services: \"" + s + "\": {\n\tteam: \"" + team + "\"\n\ttier: \"low\"\n\timage: \"ghcr.io/example/app:1.0.0\"\n}\n")
	}
	return b.String()
}

func TestDashboardTagLength(t *testing.T) {
	long := strings.Repeat("a", 46)
	for _, tc := range []struct {
		name, team string
		want       string // fragment of the one message; "" for none
	}{
		{"46 characters", long, "team " + long + `: its services' Grafana dashboards are tagged "team:` + long + `", 51 bytes, and Grafana stores tags of at most 50; shorten the team name to at most 45 characters`},
		{"near miss: 45 characters", long[:45], ""},
		{"near miss: short", "ops", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diags := promCompile(t, grafanaCatalog(tc.team, "api"), "dashboard-tag-length")
			if tc.want == "" {
				if len(diags) != 0 {
					t.Fatalf("want no finding, got %v", diags)
				}
				return
			}
			if len(diags) != 1 || !strings.Contains(diags[0].Message, tc.want) {
				t.Fatalf("got %v, want one finding with %q", diags, tc.want)
			}
			// At the team's declaration (line 4), where the name is changed.
			if d := diags[0]; !strings.HasSuffix(d.Pos.Filename, "catalog.cue") || d.Pos.Line != 4 {
				t.Errorf("reported at %v, want catalog.cue:4", d.Pos)
			}
		})
	}
}

func TestDashboardUIDUnique(t *testing.T) {
	long := "mailer-with-a-name-well-beyond-the-dashboard-uid-limit"
	// A short name spelled like the long name's shortened uid.
	twin := strings.TrimPrefix(conventions.DashboardUID(long), "svcgen-")
	for _, tc := range []struct {
		name     string
		services []string
		want     string
		related  bool
	}{
		{"the overview's uid", []string{"api", "slo-overview"}, "service slo-overview: its Grafana dashboard uid svcgen-slo-overview is the SLO overview's, and so is its file; rename the service", false},
		{"a long name's shortened uid", []string{long, twin}, "its Grafana dashboard uid " + conventions.DashboardUID(long) + " is also that of service", true},
		{"near miss: slo-overview-2", []string{"slo-overview-2", "overview"}, "", false},
		{"near miss: long names sharing a prefix", []string{long, long + "-2"}, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diags := promCompile(t, grafanaCatalog("ops", tc.services...), "dashboard-uid-unique")
			if tc.want == "" {
				if len(diags) != 0 {
					t.Fatalf("want no finding, got %v", diags)
				}
				return
			}
			if len(diags) != 1 || !strings.Contains(diags[0].Message, tc.want) {
				t.Fatalf("got %v, want one finding with %q", diags, tc.want)
			}
			d := diags[0]
			if !strings.HasSuffix(d.Pos.Filename, "catalog.cue") || d.Pos.Line == 0 {
				t.Errorf("reported at %v, want the service in catalog.cue", d.Pos)
			}
			if tc.related && (len(d.Related) != 1 || d.Related[0].Pos.Line == 0 || d.Related[0].Pos.Line == d.Pos.Line) {
				t.Errorf("related %v, want the other service's position", d.Related)
			}
		})
	}
}
