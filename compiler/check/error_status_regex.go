package check

import (
	"regexp"
	"strconv"

	"github.com/svcgen/svcgen/compiler/diag"
)

// settings.metrics.errorStatus becomes a PromQL =~ matcher in every
// availability SLI and error-rate alert. Prometheus compiles it (RE2, anchored)
// when it loads the rules, and refuses the file if it does not compile.
var errorStatusRegex = &Rule{
	ID:       "error-status-regex",
	Doc:      "settings.metrics.errorStatus must be a valid regular expression (RE2, as Prometheus matches labels) that matches some HTTP status code",
	Severity: diag.Error,
	Run: func(p *Pass) {
		set := p.Catalog.Settings
		// Prometheus compiles ^(?s:re)$; re compiles alone exactly when that
		// does, and its error then quotes what the user wrote.
		if _, err := regexp.Compile(set.Metrics.ErrorStatus); err != nil {
			p.Report(set.Sources.Pos("metrics.errorStatus", set.Pos), "",
				"metrics.errorStatus: %q is not a regular expression Prometheus accepts: %v; e.g. \"5..\" for every 5xx status", set.Metrics.ErrorStatus, err)
			return
		}
		// A pattern that matches no HTTP status code ("5xx" matches the
		// text 5xx, not 500) counts no request as an error: every
		// availability SLI reads a perfect 100 %.
		anchored := regexp.MustCompile("^(?s:" + set.Metrics.ErrorStatus + ")$")
		for code := 100; code <= 599; code++ {
			if anchored.MatchString(strconv.Itoa(code)) {
				return
			}
		}
		p.Report(set.Sources.Pos("metrics.errorStatus", set.Pos), "",
			"metrics.errorStatus: %q matches no HTTP status code from 100 to 599, so no request would ever count as an error; "+
				"write the codes as a regular expression, e.g. \"5..\" for every 5xx status or \"5..|429\"", set.Metrics.ErrorStatus)
	},
}
