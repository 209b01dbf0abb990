package check_test

import (
	"strings"
	"testing"

	"github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/compiler/compilertest"
	"github.com/svcgen/svcgen/compiler/diag"
)

// findings compiles an inline catalog and returns the findings of rule.
func findings(t *testing.T, rule, src string) (diag.List, bool) {
	t.Helper()
	c, diags := compilertest.Compile(t, compiler.Config{}, compilertest.One(src))
	var out diag.List
	for _, d := range diags {
		if d.Rule == rule {
			out = append(out, d)
		} else if d.Severity == diag.Error && d.Suppressed == "" {
			t.Fatalf("unexpected error: %s", d)
		}
	}
	return out, c != nil
}

func TestCriticalWithoutPager(t *testing.T) {
	const head = `package catalog

settings: alerting: defaultReceiver: team: "web"
teams: web: receivers: {
	slack: {channel: "#web", apiURLFile: "/s/slack"}
`
	for _, tc := range []struct {
		name      string
		receivers string // more receivers of team web
		service   string
		want      string // "line:col message-fragment", "" for no finding
	}{
		{
			name:    "critical service, chat only",
			service: `{team: "web", tier: "critical", image: "x/api:1"}`,
			want:    `8:36 service api is tier critical, but team web has no paging receiver`,
		},
		{
			name:    "critical service, tier on a line of its own",
			service: "{\n\tteam: \"web\"\n\ttier: \"critical\"\n\timage: \"x/api:1\"\n}",
			want:    `10:8 add teams: web: receivers: pagerduty`,
		},
		{
			name:      "critical service, pagerduty",
			receivers: `pagerduty: routingKeyFile: "/s/pd"`,
			service:   `{team: "web", tier: "critical", image: "x/api:1"}`,
		},
		{
			name:      "critical service, a webhook pages",
			receivers: `webhook: urlFile: "/s/hook"`,
			service:   `{team: "web", tier: "critical", image: "x/api:1"}`,
		},
		{
			name:    "high-tier service, chat only",
			service: `{team: "web", tier: "high", image: "x/api:1"}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := head + tc.receivers + "\n}\nservices: api: " + tc.service + "\n"
			got, built := findings(t, "critical-without-pager", src)
			if tc.want == "" {
				if len(got) != 0 || !built {
					t.Errorf("want no finding, got %v (built: %v)", got, built)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("want one finding, got %v", got)
			}
			d := got[0]
			pos, msg, _ := strings.Cut(tc.want, " ")
			if at := strings.TrimPrefix(d.Pos.String(), d.Pos.Filename+":"); at != pos {
				t.Errorf("finding at %s, want %s (the tier)", at, pos)
			}
			if !strings.Contains(d.Message, msg) || d.Severity != diag.Error || built {
				t.Errorf("finding %s (built: %v), want an error containing %q", d, built, msg)
			}
			if len(d.Related) != 1 || d.Related[0].Pos.Line != 4 {
				t.Errorf("related %v, want the team's declaration on line 4", d.Related)
			}
		})
	}
}

// A team that knowingly has no pager can say so for one service.
func TestCriticalWithoutPagerSuppressed(t *testing.T) {
	got, built := findings(t, "critical-without-pager", `package catalog

settings: alerting: defaultReceiver: team: "web"
teams: web: receivers: slack: {channel: "#web", apiURLFile: "/s/slack"}
services: api: {
	team: "web"
	tier: "critical"
	image: "x/api:1"
	vet: ignore: "critical-without-pager": "staffed around the clock in #web"
}
`)
	if len(got) != 1 || got[0].Suppressed == "" || !built {
		t.Errorf("want one suppressed finding and a catalog, got %v (built: %v)", got, built)
	}
}
