// Package synth generates synthetic service catalogs of any size for
// benchmarks and `make bench`: N services in N files, three SLOs and four
// dependencies each, several teams, every tier, kind and deploy strategy.
//
// The catalogs are valid and clean under every rule: services are layered
// (front → mid → back) so the call graph has no cycles, totals shrink down the
// layers as the timeout hierarchy wants, tiers rise down the layers so SLOs
// are feasible, and retries multiply to at most 4 along any path.
package synth

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// File is one generated catalog file.
type File struct {
	Name string
	Data []byte
}

// Files returns a catalog of n services (n ≥ 3).
func Files(n int) []File {
	n = max(n, 3)
	teams := max(3, n/20)
	var files []File

	var b strings.Builder
	b.WriteString("package catalog\n\n")
	b.WriteString("settings: {\n\tcluster: \"bench\"\n\tnamespace: \"bench\"\n\talerting: defaultReceiver: team: \"team-000\"\n}\n\n")
	for t := range teams {
		fmt.Fprintf(&b, "teams: %q: receivers: {\n", teamName(t))
		fmt.Fprintf(&b, "\tpagerduty: routingKeyFile: \"/etc/alertmanager/secrets/%s-pd\"\n", teamName(t))
		fmt.Fprintf(&b, "\tslack: {channel: \"#%s\", apiURLFile: \"/etc/alertmanager/secrets/slack\"}\n}\n", teamName(t))
	}
	files = append(files, File{Name: "settings.cue", Data: []byte(b.String())})

	for i := range n {
		files = append(files, File{Name: name(i) + ".cue", Data: []byte(service(i, n, teams))})
	}
	return files
}

// Write writes a catalog of n services into dir.
func Write(dir string, n int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range Files(n) {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func name(i int) string     { return fmt.Sprintf("svc-%05d", i) }
func teamName(t int) string { return fmt.Sprintf("team-%03d", t) }

// Layers: i%3 == 0 front (medium), 1 mid (high), 2 back (critical).
func layer(i int) int { return i % 3 }

// calls returns two services of the next layer down for service i.
func calls(i, n int) []int {
	var out []int
	for j := i + 1; j < n && len(out) < 2; j++ {
		if layer(j) == layer(i)+1 {
			out = append(out, j)
		}
	}
	return out
}

func service(i, n, teams int) string {
	var b strings.Builder
	b.WriteString("package catalog\n\n")
	fmt.Fprintf(&b, "services: %q: {\n", name(i))
	fmt.Fprintf(&b, "\tteam:  %q\n", teamName(i%teams))
	fmt.Fprintf(&b, "\ttier:  %q\n", []string{"medium", "high", "critical"}[layer(i)])
	fmt.Fprintf(&b, "\timage: \"registry.example.com/bench/%s:1.%d.0\"\n", name(i), i%10)
	b.WriteString("\ttraffic: {peakRPS: 100, p99: \"200ms\"}\n")
	switch {
	case i%5 == 0:
		b.WriteString("\tdeploy: {strategy: \"canary\", canary: weight: 10}\n")
	case i%7 == 0:
		b.WriteString("\tdeploy: {strategy: \"blue-green\", blueGreen: active: \"green\"}\n")
	}
	b.WriteString("\tslos: {\n\t\tavailability: {}\n\t\tlatency: {}\n")
	b.WriteString("\t\t\"latency-p99\": {kind: \"latency\", threshold: \"1s\", objective: 99}\n\t}\n")
	b.WriteString("\tdependencies: {\n")
	down := calls(i, n)
	switch layer(i) {
	case 0:
		for _, j := range down {
			fmt.Fprintf(&b, "\t\t%q: {timeout: {perTry: \"20s\", total: \"20s\"}, retry: maxRetries: 0}\n", name(j))
		}
	case 1:
		for _, j := range down {
			fmt.Fprintf(&b, "\t\t%q: {timeout: {perTry: \"9s\", total: \"19s\"}, retry: maxRetries: 1}\n", name(j))
		}
	}
	// Every service also has a database, a cache, an external API and an
	// asynchronous upload, up to four dependencies in all.
	extra := []string{
		"\t\tdb: {kind: \"database\", host: \"db.bench.svc.cluster.local\", timeout: {perTry: \"1s\", total: \"3s\"}, retry: {maxRetries: 1, initialBackoff: \"200ms\"}}\n",
		"\t\tcache: {kind: \"cache\", host: \"cache.bench.svc.cluster.local\", timeout: {connect: \"50ms\", perTry: \"100ms\", total: \"250ms\"}, retry: {maxRetries: 1, initialBackoff: \"20ms\"}}\n",
		fmt.Sprintf("\t\tpartner: {kind: \"external\", host: \"api.partner%d.example.com\", timeout: {connect: \"1s\", perTry: \"3s\", total: \"8s\"}, retry: maxRetries: 1}\n", i%50),
		"\t\tarchive: {kind: \"upload\", host: \"archive.example.com\", profile: \"async\"}\n",
	}
	for _, e := range extra[:4-len(down)] {
		b.WriteString(e)
	}
	b.WriteString("\t}\n}\n")
	return b.String()
}
