package promq

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	for _, tc := range []struct{ q, want string }{
		{`sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))`, ""},
		{`sum(rate(a[{{.window}}])) - sum(rate(b[{{.window}}]))`, ""},
		{`a[{{.window}}]`, "a range vector"},
		{`sum(rate(a[{{.window}}])`, "not valid PromQL with {{.window}} = 5m"},
		{`"text"`, "a string, not an instant vector"},
	} {
		if got := Check(tc.q); (tc.want == "" && got != "") || !strings.HasPrefix(got, tc.want) {
			t.Errorf("Check(%s) = %q, want %q…", tc.q, got, tc.want)
		}
	}
}
