package resilience

import (
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are one dependency's client metrics; a nil *metrics records
// nothing.
type metrics struct {
	requests   *prometheus.CounterVec // by outcome
	duration   prometheus.Observer
	retries    prometheus.Counter
	rejections prometheus.Counter
	inFlight   prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer, p Policy, buckets []float64, state func() string) (*metrics, error) {
	dependency := p.Dependency
	requests, err := registerShared(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: MetricRequests,
		Help: "Calls to a dependency by outcome: success, error, timeout, breaker_open, bulkhead_full, canceled.",
	}, []string{LabelDependency, LabelOutcome}))
	if err != nil {
		return nil, err
	}
	duration, err := registerShared(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    MetricRequestDuration,
		Help:    "Duration of calls to a dependency up to the response, retries and backoff included, in seconds.",
		Buckets: buckets,
	}, []string{LabelDependency}))
	if err != nil {
		return nil, err
	}
	retries, err := registerShared(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: MetricRetries,
		Help: "Retries the client made to a dependency.",
	}, []string{LabelDependency}))
	if err != nil {
		return nil, err
	}
	rejections, err := registerShared(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: MetricBulkheadRejections,
		Help: "Calls to a dependency that its bulkhead refused.",
	}, []string{LabelDependency}))
	if err != nil {
		return nil, err
	}
	inFlight, err := registerShared(reg, prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: MetricInFlight,
		Help: "Attempts in flight to a dependency: inside its bulkhead, or, without one, sent and not yet answered.",
	}, []string{LabelDependency}))
	if err != nil {
		return nil, err
	}
	if p.Bulkhead.Isolation == SemaphoreIsolation || p.Bulkhead.Isolation == PoolIsolation {
		maxConcurrent, err := registerShared(reg, prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: MetricBulkheadMaxConcurrent,
			Help: "The most attempts the bulkhead of a dependency lets run at once.",
		}, []string{LabelDependency}))
		if err != nil {
			return nil, err
		}
		maxConcurrent.WithLabelValues(dependency).Set(float64(p.Bulkhead.MaxConcurrent))
	}
	if err := reg.Register(&breakerCollector{
		desc: prometheus.NewDesc(MetricBreakerState,
			"State of the circuit breaker to a dependency: 1 for the current state, 0 for the others.",
			[]string{LabelState}, prometheus.Labels{LabelDependency: dependency}),
		state: state,
	}); err != nil {
		return nil, errors.New("registering the circuit breaker state of " + dependency + ": " + err.Error() +
			" (build one client of a dependency per registerer)")
	}
	m := &metrics{
		requests:   requests.MustCurryWith(prometheus.Labels{LabelDependency: dependency}),
		duration:   duration.WithLabelValues(dependency),
		retries:    retries.WithLabelValues(dependency),
		rejections: rejections.WithLabelValues(dependency),
		inFlight:   inFlight.WithLabelValues(dependency),
	}
	// Every series exists from the start, so that rates and alerts see a
	// zero rather than nothing.
	for _, o := range outcomes {
		m.requests.WithLabelValues(o)
	}
	return m, nil
}

// registerShared registers c, or returns the equal collector registered
// before: the clients of several dependencies share one vector.
func registerShared[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing, nil
			}
		}
		return c, err
	}
	return c, nil
}

func (m *metrics) observe(outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(outcome).Inc()
	m.duration.Observe(d.Seconds())
}

func (m *metrics) retried() {
	if m != nil {
		m.retries.Inc()
	}
}

func (m *metrics) rejected() {
	if m != nil {
		m.rejections.Inc()
	}
}

func (m *metrics) entered() {
	if m != nil {
		m.inFlight.Inc()
	}
}

func (m *metrics) left() {
	if m != nil {
		m.inFlight.Dec()
	}
}

// breakerCollector reports a breaker's state when scraped.
type breakerCollector struct {
	desc  *prometheus.Desc
	state func() string
}

func (c *breakerCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *breakerCollector) Collect(ch chan<- prometheus.Metric) {
	current := c.state()
	for _, s := range states {
		v := 0.0
		if s == current {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, v, s)
	}
}
