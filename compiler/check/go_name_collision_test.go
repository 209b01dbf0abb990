package check_test

import (
	"strings"
	"testing"

	"github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/compiler/check"
	"github.com/svcgen/svcgen/compiler/compilertest"
)

const goNameCatalog = `package catalog

settings: alerting: defaultReceiver: team: "web"
teams: web: receivers: slack: {channel: "#web", apiURLFile: "/etc/alertmanager/slack"}
services: shop: {
	team:  "web"
	tier:  "low"
	image: "registry.example.com/shop:1.0.0"
	dependencies: {
%s
	}
}
services: other: {
	team:  "web"
	tier:  "low"
	image: "registry.example.com/other:1.0.0"
	dependencies: "redis2": {kind: "cache", host: "redis2.example.com"}
}
`

func TestGoNameCollision(t *testing.T) {
	for _, tc := range []struct {
		name string
		deps string
		want []string // messages' fragments, in order; nil for none
	}{
		{
			name: "hyphen and none",
			deps: `"redis-2": {kind: "cache", host: "a.example.com"}
		"redis2": {kind: "cache", host: "b.example.com"}`,
			want: []string{"dependency redis2: its generated Go name Redis2 is also that of dependency redis-2 of service shop"},
		},
		{
			name: "initialism split in two",
			deps: `"i-d": {kind: "cache", host: "a.example.com"}
		"id": {kind: "cache", host: "b.example.com"}`,
			want: []string{"dependency id: its generated Go name ID is also that of dependency i-d"},
		},
		{
			name: "near miss: distinct identifiers",
			deps: `"redis-2": {kind: "cache", host: "a.example.com"}
		"redis-3": {kind: "cache", host: "b.example.com"}
		"redis-db": {kind: "database", host: "c.example.com"}`,
		},
		{
			name: "near miss: the same identifier in another service",
			deps: `"redis-2": {kind: "cache", host: "a.example.com"}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := strings.Replace(goNameCatalog, "%s", tc.deps, 1)
			rule := compilertest.Rule(t, "go-name-collision")
			_, diags := compilertest.Compile(t, compiler.Config{Rules: []*check.Rule{rule}}, compilertest.One(src))
			if len(diags) != len(tc.want) {
				t.Fatalf("got %d diagnostics, want %d:\n%v", len(diags), len(tc.want), diags)
			}
			for i, d := range diags {
				if d.Rule != "go-name-collision" || !strings.Contains(d.Message, tc.want[i]) {
					t.Errorf("diagnostic %v, want go-name-collision: %s", d, tc.want[i])
				}
				if !strings.HasSuffix(d.Pos.Filename, "catalog.cue") || d.Pos.Line == 0 || len(d.Related) != 1 {
					t.Errorf("diagnostic at %v with %d related, want a catalog position and the other dependency's", d.Pos, len(d.Related))
				}
				if d.Pos.Line <= d.Related[0].Pos.Line {
					t.Errorf("reported at line %d, want the later dependency (the first is at %d)", d.Pos.Line, d.Related[0].Pos.Line)
				}
			}
		})
	}
}
