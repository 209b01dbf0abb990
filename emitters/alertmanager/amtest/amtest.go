// Package amtest exercises a generated Alertmanager configuration with
// Alertmanager's own code: config.Load parses and validates it, the
// dispatcher's route tree routes label sets through it, and the inhibitor
// decides what its inhibit rules silence. Nothing here re-implements
// Alertmanager's semantics.
//
// It exists for tests (this package's, and cross-target tests that route the
// Prometheus emitter's alerts). svcgen's binary must not import it: it links
// all of Alertmanager.
package amtest

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/alertmanager/alert"
	"github.com/prometheus/alertmanager/config"
	"github.com/prometheus/alertmanager/dispatch"
	"github.com/prometheus/alertmanager/eventrecorder"
	"github.com/prometheus/alertmanager/inhibit"
	"github.com/prometheus/alertmanager/labelset"
	"github.com/prometheus/alertmanager/pkg/labels"
	"github.com/prometheus/alertmanager/provider"
	"github.com/prometheus/common/model"
)

// Load parses and validates a configuration as Alertmanager does on start.
func Load(data []byte) (*config.Config, error) {
	return config.Load(string(data))
}

// Router routes alerts through a configuration's route tree.
type Router struct {
	root *dispatch.Route
}

// NewRouter builds the route tree of cfg as Alertmanager's dispatcher does.
func NewRouter(cfg *config.Config) *Router {
	return &Router{root: dispatch.NewRoute(cfg.Route, nil)}
}

// Receivers returns the receivers an alert with labels is sent to, in route
// order (one unless a route continues).
func (r *Router) Receivers(labels map[string]string) []string {
	var names []string
	for _, o := range r.Routes(labels) {
		names = append(names, o.Receiver)
	}
	return names
}

// Routes returns what the routes an alert with labels matches do with it:
// receiver, grouping and timings, inherited values resolved.
func (r *Router) Routes(labels map[string]string) []dispatch.RouteOpts {
	var opts []dispatch.RouteOpts
	for _, m := range r.root.Match(labelSet(labels)) {
		opts = append(opts, m.RouteOpts)
	}
	return opts
}

// Shadowed lists the routes that alerts meant for them cannot reach, each
// with the reason:
//
//   - an earlier sibling without continue matches some alert the route
//     matches (it takes those alerts first);
//   - no alert reaches the route at all: its own most general alert (the
//     labels its and its ancestors' matchers require) is routed elsewhere.
//
// amtool checks neither. The analysis builds label sets from matchers, so it
// handles equality matchers only and returns an error for any other kind.
func (r *Router) Shadowed() ([]string, error) {
	var out []string
	var visit func(parent *dispatch.Route, path model.LabelSet) error
	visit = func(parent *dispatch.Route, path model.LabelSet) error {
		for i, b := range parent.Routes {
			own, err := required(b.Matchers)
			if err != nil {
				return fmt.Errorf("route %s: %w", b.Key(), err)
			}
			witness, ok := merge(path, own)
			if !ok {
				out = append(out, fmt.Sprintf("%s: its matchers contradict its ancestors': no alert matches it", b.Key()))
				continue
			}
			for _, a := range parent.Routes[:i] {
				if a.Continue {
					continue
				}
				aOwn, err := required(a.Matchers)
				if err != nil {
					return fmt.Errorf("route %s: %w", a.Key(), err)
				}
				both, ok := merge(witness, aOwn)
				if ok && a.Matchers.Matches(both) && b.Matchers.Matches(both) {
					out = append(out, fmt.Sprintf("%s: earlier sibling %s takes the alerts of both, e.g. %s", b.Key(), a.Key(), both))
				}
			}
			if !reaches(r.root.Match(witness), b) {
				out = append(out, fmt.Sprintf("%s: its most general alert %s is routed elsewhere", b.Key(), witness))
			}
			if err := visit(b, witness); err != nil {
				return err
			}
		}
		return nil
	}
	err := visit(r.root, model.LabelSet{})
	return out, err
}

// required returns the labels equality matchers require.
func required(ms labels.Matchers) (model.LabelSet, error) {
	ls := model.LabelSet{}
	for _, m := range ms {
		if m.Type != labels.MatchEqual {
			return nil, fmt.Errorf("matcher %s is not an equality matcher", m)
		}
		ls[model.LabelName(m.Name)] = model.LabelValue(m.Value)
	}
	return ls, nil
}

// merge unions two label sets; false when they disagree on a label.
func merge(a, b model.LabelSet) (model.LabelSet, bool) {
	out := a.Clone()
	for k, v := range b {
		if w, ok := out[k]; ok && w != v {
			return nil, false
		}
		out[k] = v
	}
	return out, true
}

// reaches reports whether any matched route is r or below it.
func reaches(matched []*dispatch.Route, r *dispatch.Route) bool {
	below := map[*dispatch.Route]bool{}
	r.Walk(func(x *dispatch.Route) { below[x] = true })
	for _, m := range matched {
		if below[m] {
			return true
		}
	}
	return false
}

// Mutes reports whether Alertmanager's inhibitor, running cfg's inhibit rules
// while the firing alerts are active, silences an alert with labels target.
func Mutes(cfg *config.Config, firing []map[string]string, target map[string]string) bool {
	start := time.Now().Add(-time.Minute)
	alerts := make([]*alert.Alert, len(firing))
	for i, ls := range firing {
		alerts[i] = alert.New(model.Alert{Labels: labelSet(ls), StartsAt: start}, start, false)
	}
	ih := inhibit.NewInhibitor(&firingAlerts{alerts: alerts}, cfg.InhibitRules, slog.New(slog.DiscardHandler), eventrecorder.NopRecorder())
	done := make(chan struct{})
	go func() {
		ih.Run()
		close(done)
	}()
	ih.WaitForLoading()
	muted := ih.Mutes(context.Background(), labelset.FromModel(labelSet(target)))
	ih.Stop()
	<-done
	return muted
}

// firingAlerts is a provider that holds a fixed set of active alerts.
type firingAlerts struct {
	alerts []*alert.Alert
}

func (f *firingAlerts) SlurpAndSubscribe(string) ([]*alert.Alert, provider.AlertIterator) {
	return f.alerts, f.Subscribe("")
}

func (f *firingAlerts) Subscribe(string) provider.AlertIterator {
	return provider.NewAlertIterator(make(chan *provider.Alert), make(chan struct{}), nil)
}

func (f *firingAlerts) GetPending() provider.AlertIterator { return f.Subscribe("") }

func (f *firingAlerts) Get(model.Fingerprint) (*alert.Alert, error) { return nil, provider.ErrNotFound }

func (f *firingAlerts) Put(context.Context, ...*alert.Alert) error {
	return fmt.Errorf("amtest: the alert set is fixed")
}

func labelSet(m map[string]string) model.LabelSet {
	ls := make(model.LabelSet, len(m))
	for k, v := range m {
		ls[model.LabelName(k)] = model.LabelValue(v)
	}
	return ls
}
