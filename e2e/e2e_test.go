// Package e2e runs a build of examples/shop on Debian's real Prometheus
// (2.42) and Alertmanager (0.25): small fake services on 127.0.0.1, exporting
// metrics as the catalog says and calling each other through the generated
// Go clients, are scraped; Alertmanager's receivers point at a local
// recorder; the assertions read each server's HTTP API and what the recorder
// received.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.yaml.in/yaml/v3"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/conventions"
	"github.com/svcgen/svcgen/emitters/alertmanager"
	"github.com/svcgen/svcgen/emitters/all"
	"github.com/svcgen/svcgen/emitters/emit"
	"github.com/svcgen/svcgen/examples"
	"github.com/svcgen/svcgen/golden/shop/go/order"
)

// bound is how long any one expectation may take to come true: a liveness
// bound, generous (Prometheus's `for:` delays are minutes), never a measure
// of speed.
const bound = 8 * time.Minute

// The services the scenarios run, with their share of failed requests.
const (
	burning = "payment"      // 50 % errors: one page to payments' pager
	quiet   = "auth"         // 0.9× its budget rate: nothing delivered
	halfUp  = "product"      // two replicas, one down, 50 % errors on the other
	caller  = "order"        // calls payment and inventory through the generated clients; both fail
	idle    = "notification" // zero traffic: no NaN recorded
)

func TestShopOnRealPrometheusAndAlertmanager(t *testing.T) {
	promBin, err1 := exec.LookPath("prometheus")
	amBin, err2 := exec.LookPath("prometheus-alertmanager")
	if err1 != nil || err2 != nil {
		t.Skip("needs Debian's prometheus and prometheus-alertmanager (scripts/install-tools.sh installs them)")
	}
	if testing.Short() {
		t.Skip("runs real Prometheus and Alertmanager for minutes")
	}
	c := examples.Compile(t, "shop")
	out, err := emit.Render(c, all.Emitters())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rec := newRecorder(t)

	// Fake services.
	scrape := map[string][]string{} // service → targets
	budget := func(name string) float64 {
		for _, o := range c.Service(name).SLOs {
			if o.Kind == catalog.SLOAvailability {
				f, _ := strconv.ParseFloat(o.ErrorBudget().Ratio(), 64)
				return f
			}
		}
		t.Fatalf("%s has no availability SLO", name)
		return 0
	}
	for name, errShare := range map[string]float64{burning: 0.5, quiet: 0.9 * budget(quiet), idle: -1} {
		scrape[name] = []string{newService(t, c, name, errShare, nil).addr}
	}
	healthy := newService(t, c, halfUp, 0.5, nil)
	dying := newService(t, c, halfUp, 0, nil)
	scrape[halfUp] = []string{healthy.addr, dying.addr}
	failing := httpServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }))
	reg := prometheus.NewRegistry()
	var clients []*http.Client
	for _, mk := range []func(...order.Option) (*http.Client, error){order.NewPaymentClient, order.NewInventoryClient} {
		cl, err := mk(order.WithRegisterer(reg), order.WithBaseURL("http://"+failing))
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, cl)
	}
	scrape[caller] = []string{newService(t, c, caller, 0, reg).addr}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	for _, cl := range clients {
		go func() {
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "/v1/health-check", nil)
				if resp, err := cl.Do(req); err == nil {
					resp.Body.Close()
				}
				sleep(ctx, 200*time.Millisecond)
			}
		}()
	}

	// Alertmanager, receivers pointed at the recorder.
	amAddr := freeAddr(t)
	amCfg := testAlertmanagerConfig(t, findFile(t, out, alertmanager.Path), rec.url)
	writeFile(t, filepath.Join(dir, "alertmanager.yml"), amCfg)
	start(t, amBin, "--config.file="+filepath.Join(dir, "alertmanager.yml"), "--storage.path="+filepath.Join(dir, "am"),
		"--web.listen-address="+amAddr, "--cluster.listen-address=", "--log.level=warn")

	// Prometheus with the generated rules, scraping every 5 s.
	promAddr := freeAddr(t)
	var ruleFiles []string
	for _, f := range out.Files() {
		if strings.HasPrefix(f.Path, "prometheus/") && strings.HasSuffix(f.Path, ".rules.yml") {
			p := filepath.Join(dir, filepath.Base(f.Path))
			writeFile(t, p, f.Data)
			ruleFiles = append(ruleFiles, p)
		}
	}
	writeFile(t, filepath.Join(dir, "prometheus.yml"), prometheusConfig(t, c, ruleFiles, scrape, amAddr))
	start(t, promBin, "--config.file="+filepath.Join(dir, "prometheus.yml"), "--storage.tsdb.path="+filepath.Join(dir, "tsdb"),
		"--web.listen-address="+promAddr, "--log.level=warn")
	waitFor(t, "Prometheus ready", time.Minute, func() bool { return get("http://"+promAddr+"/-/ready") == nil })
	waitFor(t, "Alertmanager ready", time.Minute, func() bool { return get("http://"+amAddr+"/-/ready") == nil })

	// One of product's two replicas dies once the scrapes have begun.
	time.Sleep(15 * time.Second)
	dying.stop()

	payments := alertmanager.TeamRouting(c, c.Team(c.Service(burning).Team))
	t.Run("a 50 % error burst pages its team once, with severity critical", func(t *testing.T) {
		waitFor(t, "a page of "+burning+" at "+payments.Critical, bound, func() bool {
			return len(rec.pages(payments.Critical, burning)) > 0
		})
		pages := rec.pages(payments.Critical, burning)
		if len(pages) != 1 {
			t.Errorf("%s got %d pages for %s, want 1: %v", payments.Critical, len(pages), burning, pages)
		}
		var ev struct {
			Payload struct {
				Severity string `json:"severity"`
				Summary  string `json:"summary"`
			} `json:"payload"`
		}
		if err := json.Unmarshal(pages[0].body, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Payload.Severity != conventions.SeverityCritical || !strings.Contains(ev.Payload.Summary, conventions.AlertBurnPage) {
			t.Errorf("PagerDuty event severity %q summary %q, want critical %s", ev.Payload.Severity, ev.Payload.Summary, conventions.AlertBurnPage)
		}
		// The page reaches the team's own chat too.
		if payments.CriticalChat != "" {
			waitFor(t, "the page in "+payments.CriticalChat, time.Minute, func() bool { return len(rec.pages(payments.CriticalChat, burning)) > 0 })
		}
	})
	t.Run("one of two replicas down mutes none of the service's alerts", func(t *testing.T) {
		waitFor(t, "TargetDown and the page of "+halfUp+" active, neither inhibited", bound, func() bool {
			as := amAlerts(t, amAddr, halfUp)
			return as.active(conventions.AlertTargetDown, "") && as.active(conventions.AlertBurnPage, "")
		})
		if as := amAlerts(t, amAddr, halfUp); as.has(conventions.AlertServiceDown) {
			t.Errorf("ServiceDown fires with one of two targets up")
		}
	})
	t.Run("one dependency's breaker mutes no other's", func(t *testing.T) {
		waitFor(t, "both breakers of "+caller+" active, neither inhibited", bound, func() bool {
			as := amAlerts(t, amAddr, caller)
			return as.active(conventions.AlertBreakerOpen, "payment") && as.active(conventions.AlertBreakerOpen, "inventory")
		})
	})
	t.Run("no recorded series is NaN at zero traffic", func(t *testing.T) {
		res := query(t, promAddr, `{__name__=~"slo:.+"}`)
		if len(res) == 0 {
			t.Fatal("no recorded series")
		}
		idleSeen := 0
		for _, s := range res {
			if s.Value[1] == "NaN" || strings.Contains(s.Value[1], "Inf") {
				t.Errorf("%v = %s", s.Metric, s.Value[1])
			}
			if s.Metric[conventions.RecordLabelService] == idle {
				idleSeen++
			}
		}
		if idleSeen == 0 {
			t.Errorf("no recorded series of %s", idle)
		}
	})
	// Last, so that the 0.9× burn has run as long as every other scenario.
	t.Run("a 0.9× burn delivers nothing", func(t *testing.T) {
		if got := rec.about(quiet); len(got) > 0 {
			t.Errorf("%d notifications about %s: %s", len(got), quiet, got[0].body)
		}
		if as := amAlerts(t, amAddr, quiet); len(as) > 0 {
			t.Errorf("alerts about %s: %v", quiet, as)
		}
	})
}

// service is a fake catalog service: a request counter and latency
// histogram as the catalog's settings name them, fed at 20 requests a
// second with a share of errors (negative: no traffic at all).
type service struct {
	addr string
	stop func()
}

func newService(t *testing.T, c *catalog.Catalog, name string, errShare float64, extra *prometheus.Registry) *service {
	m := c.Settings.Metrics
	reg := prometheus.NewRegistry()
	reqs := prometheus.NewCounterVec(prometheus.CounterOpts{Name: m.Requests, Help: "requests"}, []string{m.StatusLabel})
	dur := prometheus.NewHistogram(prometheus.HistogramOpts{Name: m.Duration, Help: "latency", Buckets: m.Buckets})
	reg.MustRegister(reqs, dur)
	// Every series exists from the first scrape.
	ok, bad := reqs.WithLabelValues("200"), reqs.WithLabelValues("500")
	gatherers := prometheus.Gatherers{reg}
	if extra != nil {
		gatherers = append(gatherers, extra)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(gatherers, promhttp.HandlerOpts{}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	ctx, cancel := context.WithCancel(context.Background())
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); srv.Close() }) }
	t.Cleanup(stop)
	if errShare >= 0 {
		go func() {
			const perTick = 20.0
			for ctx.Err() == nil {
				ok.Add(perTick * (1 - errShare))
				bad.Add(perTick * errShare)
				for range 20 {
					dur.Observe(0.004)
				}
				sleep(ctx, time.Second)
			}
		}()
	}
	return &service{addr: ln.Addr().String(), stop: stop}
}

// prometheusConfig scrapes every fake target every 5 s with the labels the
// catalog's scrape contract gives them (service and cluster), and sends
// alerts to the test's Alertmanager.
func prometheusConfig(t *testing.T, c *catalog.Catalog, rules []string, targets map[string][]string, am string) []byte {
	type static struct {
		Targets []string          `yaml:"targets"`
		Labels  map[string]string `yaml:"labels"`
	}
	type job struct {
		Name   string   `yaml:"job_name"`
		Static []static `yaml:"static_configs"`
	}
	var jobs []job
	for svc, ts := range targets {
		jobs = append(jobs, job{Name: svc, Static: []static{{Targets: ts,
			Labels: map[string]string{c.Settings.Metrics.ServiceLabel: svc, conventions.AlertLabelCluster: c.Settings.Cluster}}}})
	}
	cfg := map[string]any{
		"global":         map[string]any{"scrape_interval": "5s", "scrape_timeout": "4s", "evaluation_interval": "10s"},
		"rule_files":     rules,
		"scrape_configs": jobs,
		"alerting": map[string]any{"alertmanagers": []any{map[string]any{
			"static_configs": []any{map[string]any{"targets": []string{am}}}}}},
	}
	data, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// testAlertmanagerConfig is a copy of the generated configuration whose
// receivers post to the recorder (Alertmanager 0.25 lets a receiver override
// its url or api_url; it has no url_file), with the secrets files replaced
// by inline test values and email turned into a webhook the recorder reads.
func testAlertmanagerConfig(t *testing.T, data []byte, rec string) []byte {
	var cfg map[string]any
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	g := cfg["global"].(map[string]any)
	delete(g, "smtp_auth_password_file")
	for _, r := range cfg["receivers"].([]any) {
		r := r.(map[string]any)
		name := r["name"].(string)
		target := rec + "/" + name
		for key, v := range r {
			list, ok := v.([]any)
			if !ok {
				continue
			}
			for _, item := range list {
				ic := item.(map[string]any)
				switch key {
				case "pagerduty_configs":
					delete(ic, "routing_key_file")
					ic["routing_key"] = "test"
					ic["url"] = target
				case "opsgenie_configs":
					delete(ic, "api_key_file")
					ic["api_key"] = "test"
					ic["api_url"] = target + "/"
				case "slack_configs":
					delete(ic, "api_url_file")
					ic["api_url"] = target
				case "webhook_configs":
					delete(ic, "url_file")
					ic["url"] = target
				}
			}
		}
		if _, ok := r["email_configs"]; ok {
			delete(r, "email_configs")
			r["webhook_configs"] = []any{map[string]any{"url": target, "send_resolved": false}}
		}
	}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// recorder keeps every notification Alertmanager sends, by receiver.
type recorder struct {
	url  string
	mu   sync.Mutex
	reqs []notification
}

type notification struct {
	receiver string
	body     []byte
}

func newRecorder(t *testing.T) *recorder {
	r := &recorder{}
	r.url = "http://" + httpServer(t, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		name, _, _ := strings.Cut(strings.TrimPrefix(req.URL.Path, "/"), "/")
		r.mu.Lock()
		r.reqs = append(r.reqs, notification{receiver: name, body: body})
		r.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, `{"status":"success","result":"ok","request_id":"x"}`)
	}))
	return r
}

// pages are the notifications receiver got that name service.
func (r *recorder) pages(receiver, service string) []notification {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []notification
	for _, n := range r.reqs {
		if n.receiver == receiver && bytes.Contains(n.body, []byte(service)) {
			out = append(out, n)
		}
	}
	return out
}

// about are the notifications of any receiver that name service.
func (r *recorder) about(service string) []notification {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []notification
	for _, n := range r.reqs {
		if bytes.Contains(n.body, []byte(`"`+service+`"`)) || bytes.Contains(n.body, []byte(" "+service+" ")) {
			out = append(out, n)
		}
	}
	return out
}

// amAlert is an alert as Alertmanager's v2 API lists it.
type amAlert struct {
	Labels map[string]string `json:"labels"`
	Status struct {
		State       string   `json:"state"`
		InhibitedBy []string `json:"inhibitedBy"`
	} `json:"status"`
}

type amList []amAlert

func (l amList) has(name string) bool {
	for _, a := range l {
		if a.Labels["alertname"] == name {
			return true
		}
	}
	return false
}

// active reports an alert of that name (and dependency) that is active:
// neither inhibited nor silenced.
func (l amList) active(name, dependency string) bool {
	for _, a := range l {
		if a.Labels["alertname"] == name && (dependency == "" || a.Labels[conventions.AlertLabelDependency] == dependency) &&
			a.Status.State == "active" && len(a.Status.InhibitedBy) == 0 {
			return true
		}
	}
	return false
}

func amAlerts(t *testing.T, addr, service string) amList {
	u := "http://" + addr + "/api/v2/alerts?filter=" + url.QueryEscape(conventions.AlertLabelService+`="`+service+`"`)
	var l amList
	if err := getJSON(u, &l); err != nil {
		t.Logf("alertmanager: %v", err)
	}
	return l
}

type sample struct {
	Metric map[string]string `json:"metric"`
	Value  [2]string         `json:"value"`
}

func query(t *testing.T, addr, q string) []sample {
	var r struct {
		Data struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := getJSON("http://"+addr+"/api/v1/query?query="+url.QueryEscape(q), &r); err != nil {
		t.Fatal(err)
	}
	var out []sample
	for _, s := range r.Data.Result {
		v, _ := s.Value[1].(string)
		out = append(out, sample{Metric: s.Metric, Value: [2]string{fmt.Sprint(s.Value[0]), v}})
	}
	return out
}

// start runs a server binary until the test ends, and stops it by its PID.
func start(t *testing.T, bin string, args ...string) {
	cmd := exec.Command(bin, args...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("%s:\n%s", filepath.Base(bin), logs.String())
		}
	})
}

func httpServer(t *testing.T, h http.Handler) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitFor polls cond every 2 s until it holds, failing the test after limit.
func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, limit)
		}
		time.Sleep(2 * time.Second)
	}
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

var client = &http.Client{Timeout: 5 * time.Second}

func get(u string) error {
	resp, err := client.Get(u)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", u, resp.Status)
	}
	return nil
}

func getJSON(u string, v any) error {
	resp, err := client.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", u, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func findFile(t *testing.T, out *emit.Output, path string) []byte {
	for _, f := range out.Files() {
		if f.Path == path {
			return f.Data
		}
	}
	t.Fatalf("no %s", path)
	return nil
}

func writeFile(t *testing.T, path string, data []byte) {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
