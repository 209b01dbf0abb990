//go:build devtools

// Command benchsloth measures svcgen against Sloth on the same SLOs, side by
// side in one process: it writes N services with three SLOs each (availability
// 99.9 %, latency 99 % under 300 ms, latency 99.9 % under 1 s) once as a
// svcgen catalog and once as Sloth prometheus/v1 specs, then runs, in
// alternation and RUNS times each,
//
//	svcgen build            (every target)     vs  sloth generate (rules only)
//	svcgen build --target prometheus           vs  sloth generate
//	svcgen vet                                 vs  sloth validate
//
// and prints the median wall time, CPU time and peak RSS of each, the ratios
// the goals in BENCHMARKS.md are stated in, and what each wrote. Every build
// writes into a fresh directory: these are cold builds. Alternation spreads
// the machine's drift over both tools instead of onto one.
//
//	go run -tags devtools ./scripts/benchsloth -svcgen bin/svcgen -sloth ~/.cache/svcgen/bin/sloth
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	var (
		n      = flag.Int("n", 1000, "services")
		runs   = flag.Int("runs", 5, "runs of each command")
		svcgen = flag.String("svcgen", "bin/svcgen", "the svcgen binary")
		sloth  = flag.String("sloth", "", "the sloth binary (v0.16.0)")
		work   = flag.String("work", "", "working directory (default: a new temporary one, removed after)")
	)
	flag.Parse()
	if *sloth == "" || *n < 1 || *runs < 1 {
		fmt.Fprintln(os.Stderr, "usage: benchsloth -sloth PATH [-svcgen PATH] [-n 1000] [-runs 5] [-work DIR]")
		os.Exit(2)
	}
	dir := *work
	if dir == "" {
		d, err := os.MkdirTemp("", "benchsloth-")
		check(err)
		defer os.RemoveAll(d)
		dir = d
	}
	cat, specs := filepath.Join(dir, "catalog"), filepath.Join(dir, "sloth")
	check(writeCatalog(cat, *n))
	check(writeSloth(specs, *n))

	out := func(name string) string { return filepath.Join(dir, "out-"+name) }
	cases := []*bench{
		{name: "svcgen build (all targets)", out: out("all"), args: []string{*svcgen, "build", cat, "-o", out("all")}},
		{name: "svcgen build --target prometheus", out: out("prom"), args: []string{*svcgen, "build", "--target", "prometheus", cat, "-o", out("prom")}},
		{name: "sloth generate", out: out("sloth"), args: []string{*sloth, "generate", "-i", specs, "-o", out("sloth")}},
		{name: "svcgen vet", args: []string{*svcgen, "vet", cat}},
		{name: "sloth validate", args: []string{*sloth, "validate", "-i", specs}},
	}
	for r := range *runs {
		for _, b := range cases {
			check(b.run())
			if r < *runs-1 && b.out != "" {
				check(os.RemoveAll(b.out))
			}
		}
	}

	fmt.Printf("%d services × 3 SLOs, %d runs each, medians\n\n", *n, *runs)
	fmt.Printf("%-34s %9s %9s %10s %10s\n", "command", "wall", "CPU", "peak RSS", "written")
	for _, b := range cases {
		written := "-"
		if b.out != "" {
			written = mib(du(b.out))
		}
		fmt.Printf("%-34s %8.2fs %8.2fs %10s %10s\n", b.name, b.median(wall), b.median(cpu), mib(int64(b.median(rss))), written)
	}
	ratio := func(a, b *bench) string {
		return fmt.Sprintf("wall %.2f, CPU %.2f", a.median(wall)/b.median(wall), a.median(cpu)/b.median(cpu))
	}
	fmt.Printf("\nsvcgen build (all) / sloth generate:  %s   (goal: wall ≤ 0.5)\n", ratio(cases[0], cases[2]))
	fmt.Printf("svcgen build --target prometheus / sloth generate:  %s   (goal: wall ≤ 0.25)\n", ratio(cases[1], cases[2]))
	fmt.Printf("svcgen vet / sloth validate:  %s   (goal: wall ≤ 0.5)\n", ratio(cases[3], cases[4]))
}

type sample struct{ wall, cpu, rss float64 }

func wall(s sample) float64 { return s.wall }
func cpu(s sample) float64  { return s.cpu }
func rss(s sample) float64  { return s.rss }

type bench struct {
	name    string
	out     string
	args    []string
	samples []sample
}

func (b *bench) run() error {
	cmd := exec.Command(b.args[0], b.args[1:]...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	if err != nil {
		return fmt.Errorf("%s: %v\n%s", strings.Join(b.args, " "), err, stderr.String())
	}
	st := cmd.ProcessState
	var maxRSS int64
	if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
		maxRSS = ru.Maxrss * 1024 // KiB on Linux
	}
	b.samples = append(b.samples, sample{
		wall: elapsed.Seconds(),
		cpu:  (st.UserTime() + st.SystemTime()).Seconds(),
		rss:  float64(maxRSS),
	})
	return nil
}

func (b *bench) median(f func(sample) float64) float64 {
	var xs []float64
	for _, s := range b.samples {
		xs = append(xs, f(s))
	}
	slices.Sort(xs)
	return xs[len(xs)/2]
}

func name(i int) string { return fmt.Sprintf("svc-%05d", i) }
func team(i int) string { return fmt.Sprintf("team-%03d", i%10) }

// writeCatalog writes the svcgen side: one file of settings and teams, one
// file a service.
func writeCatalog(dir string, n int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("package catalog\n\n")
	b.WriteString("settings: {\n\tcluster: \"bench\"\n\tnamespace: \"bench\"\n")
	b.WriteString("\tmetrics: buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.3, 0.5, 1, 2.5, 5, 10]\n")
	b.WriteString("\talerting: defaultReceiver: team: \"team-000\"\n}\n\n")
	for t := range 10 {
		fmt.Fprintf(&b, "teams: %q: receivers: {\n\tpagerduty: routingKeyFile: \"/etc/alertmanager/secrets/pd\"\n", team(t))
		b.WriteString("\tslack: {channel: \"#alerts\", apiURLFile: \"/etc/alertmanager/secrets/slack\"}\n}\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "settings.cue"), []byte(b.String()), 0o644); err != nil {
		return err
	}
	for i := range n {
		svc := fmt.Sprintf(`package catalog

services: %q: {
	team:     %q
	tier:     "high"
	image:    "registry.example.com/bench/%s:1.0.0"
	replicas: {min: 2, max: 4}
	slos: {
		availability: objective: 99.9
		latency: {threshold: "300ms", objective: 99}
		"latency-slow": {kind: "latency", threshold: "1s", objective: 99.9}
	}
}
`, name(i), team(i), name(i))
		if err := os.WriteFile(filepath.Join(dir, name(i)+".cue"), []byte(svc), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// writeSloth writes the same SLOs as Sloth specs, one file a service, with
// the queries svcgen's SLIs compute.
func writeSloth(dir string, n int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i := range n {
		s := name(i)
		total := fmt.Sprintf(`sum(rate(http_requests_total{service=%q}[{{.window}}]))`, s)
		errs := fmt.Sprintf(`sum(rate(http_requests_total{service=%q,status_code=~"5.."}[{{.window}}]))`, s)
		count := fmt.Sprintf(`sum(rate(http_request_duration_seconds_count{service=%q}[{{.window}}]))`, s)
		under := func(le string) string {
			return fmt.Sprintf(`sum(rate(http_request_duration_seconds_bucket{service=%q,le=%q}[{{.window}}]))`, s, le)
		}
		slo := func(name string, objective float64, errQ, totalQ string) string {
			return fmt.Sprintf(`  - name: %q
    objective: %g
    sli:
      events:
        error_query: '%s'
        total_query: '%s'
    alerting:
      name: %s
      page_alert:
        labels: {severity: critical}
      ticket_alert:
        labels: {severity: warning}
`, name, objective, errQ, totalQ, "SLO"+strings.ReplaceAll(name, "-", ""))
		}
		spec := fmt.Sprintf("version: \"prometheus/v1\"\nservice: %q\nlabels:\n  team: %q\nslos:\n", s, team(i)) +
			slo("availability", 99.9, errs, total) +
			slo("latency", 99, count+" - "+under("0.3"), count) +
			slo("latency-slow", 99.9, count+" - "+under("1"), count)
		if err := os.WriteFile(filepath.Join(dir, s+".yml"), []byte(spec), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func du(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchsloth:", err)
		os.Exit(1)
	}
}
