package catalog

import (
	"sort"
	"time"
)

// Catalog is a compiled service catalog. Build one with New; its slices are
// sorted by name and must not be reordered afterwards.
type Catalog struct {
	Settings Settings   `json:"settings"`
	Teams    []*Team    `json:"teams"`
	Services []*Service `json:"services"`

	teams    map[string]*Team
	services map[string]*Service
	callers  map[string][]Edge
}

// New sorts teams and services by name and indexes them for lookups.
func New(settings Settings, teams []*Team, services []*Service) *Catalog {
	sort.Slice(teams, func(i, j int) bool { return teams[i].Name < teams[j].Name })
	sort.Slice(services, func(i, j int) bool { return services[i].Name < services[j].Name })
	c := &Catalog{
		Settings: settings,
		Teams:    teams,
		Services: services,
		teams:    make(map[string]*Team, len(teams)),
		services: make(map[string]*Service, len(services)),
		callers:  make(map[string][]Edge),
	}
	for _, t := range teams {
		c.teams[t.Name] = t
	}
	for _, s := range services {
		sort.Slice(s.SLOs, func(i, j int) bool { return s.SLOs[i].Name < s.SLOs[j].Name })
		sort.Slice(s.Dependencies, func(i, j int) bool { return s.Dependencies[i].Name < s.Dependencies[j].Name })
		c.services[s.Name] = s
	}
	// Services are visited in name order, so each callers list is sorted by
	// caller name without a further sort.
	for _, s := range services {
		for _, d := range s.Dependencies {
			if d.Kind == KindInternal {
				c.callers[d.Service] = append(c.callers[d.Service], Edge{Caller: s, Dep: d})
			}
		}
	}
	return c
}

// Team returns the team called name, or nil.
func (c *Catalog) Team(name string) *Team { return c.teams[name] }

// Service returns the service called name, or nil.
func (c *Catalog) Service(name string) *Service { return c.services[name] }

// Callee returns the catalog service an internal dependency calls, or nil for
// other kinds (and for a dangling name, which the compiler reports).
func (c *Catalog) Callee(d *Dependency) *Service {
	if d.Kind != KindInternal {
		return nil
	}
	return c.services[d.Service]
}

// Callers returns the internal edges that call service name, sorted by caller.
func (c *Catalog) Callers(name string) []Edge { return c.callers[name] }

// Edge is one dependency of one service: the unit timeouts, retries, breakers
// and bulkheads are declared on.
type Edge struct {
	Caller *Service
	Dep    *Dependency
}

// Settings are the catalog-wide values.
type Settings struct {
	Cluster   string   `json:"cluster"`
	Namespace string   `json:"namespace"`
	Metrics   Metrics  `json:"metrics"`
	Alerting  Alerting `json:"alerting"`
	Links     Links    `json:"links"`
	Targets   Targets  `json:"targets"`
	Vet       Vet      `json:"vet"`
	Pos       Pos      `json:"-"`
	Sources   Sources  `json:"-"`
}

// Metrics are the naming conventions of the services' own instrumentation,
// from which SLIs and golden-signal alerts are built.
type Metrics struct {
	// Requests is the request counter, e.g. http_requests_total.
	Requests string `json:"requests"`
	// Duration is the base name of the latency histogram, e.g.
	// http_request_duration_seconds (series _bucket, _count, _sum).
	Duration string `json:"duration"`
	// Buckets are the histogram's upper bounds in seconds, ascending. A
	// latency SLO threshold must be one of them.
	Buckets []float64 `json:"buckets"`
	// ServiceLabel is the label that names the service on every series.
	ServiceLabel string `json:"serviceLabel"`
	// StatusLabel is the label that carries the HTTP status code.
	StatusLabel string `json:"statusLabel"`
	// ErrorStatus is the regular expression of status codes that count as
	// errors, e.g. 5.. (a PromQL =~ matcher, anchored).
	ErrorStatus string `json:"errorStatus"`
}

// Alerting holds catalog-wide alerting settings.
type Alerting struct {
	// DefaultTeam and DefaultReceiver name the receiver of the root route:
	// alerts no team route matches go there.
	DefaultTeam     string       `json:"defaultTeam"`
	DefaultReceiver ReceiverKind `json:"defaultReceiver"`
	// SMTP is required when any team has an email receiver.
	SMTP *SMTP `json:"smtp,omitempty"`
}

// SMTP is the mail relay Alertmanager sends email through.
type SMTP struct {
	From             string `json:"from"`
	Smarthost        string `json:"smarthost"`
	AuthUsername     string `json:"authUsername,omitempty"`
	AuthPasswordFile string `json:"authPasswordFile,omitempty"`
	RequireTLS       bool   `json:"requireTLS"`
}

// Links are base URLs that generated alerts and dashboards point at.
type Links struct {
	// Grafana is the base URL of the Grafana instance that serves the
	// generated dashboards.
	Grafana string `json:"grafana"`
	// Runbooks is the base URL of runbooks; a service without its own runbook
	// URL gets Runbooks + "/" + name.
	Runbooks string `json:"runbooks"`
}

// Targets says which targets a build writes; each is on unless the catalog
// turns it off. The names are the emitters' (emit.Emitter.Name).
type Targets struct {
	Catalog      bool `json:"catalog"`
	Prometheus   bool `json:"prometheus"`
	Alertmanager bool `json:"alertmanager"`
	Grafana      bool `json:"grafana"`
	Kubernetes   bool `json:"kubernetes"`
	Istio        bool `json:"istio"`
	Go           bool `json:"go"`
	Runbooks     bool `json:"runbooks"`
	OtelCol      bool `json:"otelcol"`
}

// Fields returns each target's name with a pointer to its switch, in
// report order: one table for the compiler to fill and the emitters' list
// to read.
func (t *Targets) Fields() []TargetField {
	return []TargetField{
		{"catalog", &t.Catalog}, {"prometheus", &t.Prometheus}, {"alertmanager", &t.Alertmanager},
		{"grafana", &t.Grafana}, {"kubernetes", &t.Kubernetes}, {"istio", &t.Istio}, {"go", &t.Go},
		{"runbooks", &t.Runbooks}, {"otelcol", &t.OtelCol},
	}
}

// TargetField is one target's switch.
type TargetField struct {
	Name string
	On   *bool
}

// Enabled reports whether the target called name is on; an unknown name is
// not.
func (t Targets) Enabled(name string) bool {
	for _, f := range t.Fields() {
		if f.Name == name {
			return *f.On
		}
	}
	return false
}

// Vet holds the limits of `svcgen vet`'s rules.
type Vet struct {
	// RetryAmplification is the largest product of attempts allowed along a
	// synchronous call path.
	RetryAmplification float64 `json:"retryAmplification"`
}

// ReceiverKind names a kind of notification receiver.
type ReceiverKind string

// Receiver kinds, in the order receivers are listed and preferred.
const (
	ReceiverPagerDuty ReceiverKind = "pagerduty"
	ReceiverOpsgenie  ReceiverKind = "opsgenie"
	ReceiverWebhook   ReceiverKind = "webhook"
	ReceiverSlack     ReceiverKind = "slack"
	ReceiverEmail     ReceiverKind = "email"
)

// PagingKinds are the receiver kinds that can page a human.
var PagingKinds = []ReceiverKind{ReceiverPagerDuty, ReceiverOpsgenie, ReceiverWebhook}

// NotifyKinds are the receiver kinds for non-paging notifications.
var NotifyKinds = []ReceiverKind{ReceiverSlack, ReceiverEmail, ReceiverWebhook}

// Team owns services and receives their alerts. At most one receiver of each
// kind; secrets are paths to files, never values.
type Team struct {
	Name      string     `json:"name"`
	Slack     *Slack     `json:"slack,omitempty"`
	PagerDuty *PagerDuty `json:"pagerduty,omitempty"`
	Email     *Email     `json:"email,omitempty"`
	Webhook   *Webhook   `json:"webhook,omitempty"`
	Opsgenie  *Opsgenie  `json:"opsgenie,omitempty"`
	// Page is the receiver for critical alerts ("" when the team has no
	// paging receiver).
	Page ReceiverKind `json:"page,omitempty"`
	// Notify is the receiver for warnings ("" when the team has none: its
	// warnings then go to the catalog's default receiver).
	Notify  ReceiverKind `json:"notify,omitempty"`
	Pos     Pos          `json:"-"`
	Sources Sources      `json:"-"`
}

// Has reports whether the team has a receiver of kind k.
func (t *Team) Has(k ReceiverKind) bool {
	switch k {
	case ReceiverSlack:
		return t.Slack != nil
	case ReceiverPagerDuty:
		return t.PagerDuty != nil
	case ReceiverEmail:
		return t.Email != nil
	case ReceiverWebhook:
		return t.Webhook != nil
	case ReceiverOpsgenie:
		return t.Opsgenie != nil
	}
	return false
}

// Kinds lists the receiver kinds the team has, in preference order.
func (t *Team) Kinds() []ReceiverKind {
	var ks []ReceiverKind
	for _, k := range []ReceiverKind{ReceiverPagerDuty, ReceiverOpsgenie, ReceiverWebhook, ReceiverSlack, ReceiverEmail} {
		if t.Has(k) {
			ks = append(ks, k)
		}
	}
	return ks
}

// Slack posts to a channel through an incoming-webhook URL read from a file.
type Slack struct {
	Channel      string `json:"channel"`
	APIURLFile   string `json:"apiURLFile"`
	SendResolved bool   `json:"sendResolved"`
}

// PagerDuty pages through an Events API v2 routing key read from a file.
type PagerDuty struct {
	RoutingKeyFile string `json:"routingKeyFile"`
	SendResolved   bool   `json:"sendResolved"`
}

// Email mails an address through the catalog's SMTP settings.
type Email struct {
	To           string `json:"to"`
	SendResolved bool   `json:"sendResolved"`
}

// Webhook posts to a URL read from a file.
type Webhook struct {
	URLFile      string `json:"urlFile"`
	SendResolved bool   `json:"sendResolved"`
}

// Opsgenie pages through an API key read from a file.
type Opsgenie struct {
	APIKeyFile   string `json:"apiKeyFile"`
	SendResolved bool   `json:"sendResolved"`
}

// Tier is a service's criticality; it sets SLO and alerting defaults.
type Tier string

// Tiers, most critical first.
const (
	TierCritical Tier = "critical"
	TierHigh     Tier = "high"
	TierMedium   Tier = "medium"
	TierLow      Tier = "low"
)

// Tiers lists the tiers, most critical first.
var Tiers = []Tier{TierCritical, TierHigh, TierMedium, TierLow}

// Service is one deployable service of the catalog.
type Service struct {
	Name        string `json:"name"`
	Team        string `json:"team"`
	Tier        Tier   `json:"tier"`
	Description string `json:"description,omitempty"`
	// Image is a container image reference with a tag or digest.
	Image     string    `json:"image"`
	Port      int       `json:"port"`
	Metrics   Scrape    `json:"metrics"`
	Replicas  Replicas  `json:"replicas"`
	Resources Resources `json:"resources"`
	// Traffic is the declared peak load; nil when not declared.
	Traffic *Traffic `json:"traffic,omitempty"`
	Deploy  Deploy   `json:"deploy"`
	// DisruptionBudget bounds the voluntary evictions (node drains, cluster
	// upgrades) of each of the service's Deployments.
	DisruptionBudget DisruptionBudget `json:"disruptionBudget"`
	Probes           Probes           `json:"probes"`
	// Runbook is the runbook URL every alert of the service links to.
	Runbook string `json:"runbook"`
	// Alerting are the golden-signal alert thresholds from the tier.
	Alerting     ServiceAlerting `json:"alerting"`
	SLOs         []*SLO          `json:"slos"`
	Dependencies []*Dependency   `json:"dependencies"`
	Ignores      []Ignore        `json:"ignores,omitempty"`
	Pos          Pos             `json:"-"`
	Sources      Sources         `json:"-"`
}

// Dependency returns the service's dependency called name, or nil.
func (s *Service) Dependency(name string) *Dependency {
	for _, d := range s.Dependencies {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// Scrape is where Prometheus scrapes the service's metrics.
type Scrape struct {
	Port int    `json:"port"`
	Path string `json:"path"`
}

// Replicas bound the number of pods (the HPA's range).
type Replicas struct {
	Min int `json:"min"`
	Max int `json:"max"`
}

// Resources are the container's requests and limits, as Kubernetes
// quantities ("250m", "256Mi").
type Resources struct {
	Requests ResourceList `json:"requests"`
	Limits   ResourceList `json:"limits"`
}

// ResourceList is CPU and memory as Kubernetes quantities.
type ResourceList struct {
	CPU    string `json:"cpu"`
	Memory string `json:"memory"`
}

// Traffic is a declared peak load, used for bulkhead sizing (Little's law).
type Traffic struct {
	PeakRPS float64       `json:"peakRPS"`
	P99     time.Duration `json:"p99"`
}

// Concurrency is Little's law: the number of calls in flight at peak.
func (t Traffic) Concurrency() float64 { return t.PeakRPS * t.P99.Seconds() }

// Strategy is a deployment strategy.
type Strategy string

// Deployment strategies.
const (
	StrategyRolling   Strategy = "rolling"
	StrategyBlueGreen Strategy = "blue-green"
	StrategyCanary    Strategy = "canary"
)

// Deploy is how new versions of a service roll out.
type Deploy struct {
	Strategy Strategy `json:"strategy"`
	// MaxUnavailable and MaxSurge bound a rolling update (of the single
	// Deployment, or of each Deployment of the other strategies).
	MaxUnavailable IntOrPercent `json:"maxUnavailable"`
	MaxSurge       IntOrPercent `json:"maxSurge"`
	// BlueGreen is set for the blue-green strategy.
	BlueGreen *BlueGreen `json:"blueGreen,omitempty"`
	// Canary is set for the canary strategy.
	Canary *Canary `json:"canary,omitempty"`
}

// Color is a blue-green colour.
type Color string

// The two colours of a blue-green deployment.
const (
	Blue  Color = "blue"
	Green Color = "green"
)

// BlueGreen names the colour that takes traffic and the image each colour
// runs. A release goes to the idle colour's image first; switching traffic
// is then the one line of Active.
type BlueGreen struct {
	Active Color `json:"active"`
	// Images are the colours' images, each the service's image unless set.
	Images ColorImages `json:"images"`
}

// ColorImages are the container images of the two colours.
type ColorImages struct {
	Blue  string `json:"blue"`
	Green string `json:"green"`
}

// Image returns the image of colour c.
func (b *BlueGreen) Image(c Color) string {
	if c == Green {
		return b.Images.Green
	}
	return b.Images.Blue
}

// Canary splits traffic between a stable and a canary Deployment.
type Canary struct {
	// Weight is the percentage of traffic routed to the canary (0–100).
	Weight int `json:"weight"`
	// Header routes requests with Header: "true" to the canary.
	Header string `json:"header"`
	// Replicas is the canary Deployment's replica count.
	Replicas int `json:"replicas"`
	// Image is the release under test; the service's image (which the stable
	// Deployment runs) unless set. Promoting the canary is setting the
	// service's image to it.
	Image string `json:"image"`
}

// DisruptionBudget is a PodDisruptionBudget's limit: exactly one of
// MaxUnavailable and MinAvailable is set (maxUnavailable 1 by default).
type DisruptionBudget struct {
	MaxUnavailable *IntOrPercent `json:"maxUnavailable,omitempty"`
	MinAvailable   *IntOrPercent `json:"minAvailable,omitempty"`
}

// IntOrPercent is an absolute count or a percentage, as Kubernetes rolling
// updates take them.
type IntOrPercent struct {
	Value   int
	Percent bool
}

// String renders "1" or "25%".
func (v IntOrPercent) String() string {
	if v.Percent {
		return itoa(v.Value) + "%"
	}
	return itoa(v.Value)
}

// IsZero reports whether v is 0 or 0%.
func (v IntOrPercent) IsZero() bool { return v.Value == 0 }

// MarshalJSON writes a number or a "25%" string.
func (v IntOrPercent) MarshalJSON() ([]byte, error) {
	if v.Percent {
		return []byte(`"` + v.String() + `"`), nil
	}
	return []byte(v.String()), nil
}

// Probes are the container's health checks.
type Probes struct {
	Liveness  Probe `json:"liveness"`
	Readiness Probe `json:"readiness"`
}

// Probe is an HTTP GET health check on the service port.
type Probe struct {
	Path         string        `json:"path"`
	InitialDelay time.Duration `json:"initialDelay"`
	Period       time.Duration `json:"period"`
}

// ServiceAlerting are the golden-signal thresholds of a service.
type ServiceAlerting struct {
	// ErrorRate is the error percentage above which HighErrorRate warns
	// (the tier's error-rate target). Where HighErrorRate pages, it pages
	// no lower than the fast burn of an availability SLO, or PageErrorRate
	// without one.
	ErrorRate Percent `json:"errorRate"`
	// Latency is the p95 above which HighLatency fires.
	Latency time.Duration `json:"latency"`
	// Interval is the rule evaluation interval of the service's rule groups.
	Interval time.Duration `json:"interval"`
	// Alerts is every alert class's severity and on/off on this service,
	// resolved from the defaults, the tier and the service, in the order
	// of AlertClasses.
	Alerts []AlertPolicy `json:"alerts"`
}

// Ignore silences one vet rule for one service or edge, with a reason.
type Ignore struct {
	Rule   string `json:"rule"`
	Reason string `json:"reason"`
	Pos    Pos    `json:"-"`
}

// SLOKind is what an SLO measures.
type SLOKind string

// SLO kinds.
const (
	SLOAvailability SLOKind = "availability"
	SLOLatency      SLOKind = "latency"
)

// SLO is a service level objective over a rolling period.
type SLO struct {
	Name      string  `json:"name"`
	Kind      SLOKind `json:"kind"`
	Objective Percent `json:"objective"`
	// Period is the rolling compliance window (30d unless set).
	Period time.Duration `json:"period"`
	// Threshold is the latency under which a request is good (latency SLOs;
	// always one of the histogram's bucket bounds).
	Threshold time.Duration `json:"threshold,omitempty"`
	// MinRequests is the low-traffic guard: burn-rate alerts need at least
	// this many requests in their long window.
	MinRequests int `json:"minRequests"`
	// SLI replaces the conventional SLI queries; nil when not set.
	SLI         *CustomSLI `json:"sli,omitempty"`
	Description string     `json:"description,omitempty"`
	Pos         Pos        `json:"-"`
	Sources     Sources    `json:"-"`
}

// ErrorBudget is the share of events allowed to be bad: 100 % − objective.
func (s *SLO) ErrorBudget() Percent { return s.Objective.Remainder() }

// CustomSLI are user-written PromQL queries for bad and total events, each
// containing the placeholder {{.window}} for the range ("5m", "1h", ...).
type CustomSLI struct {
	ErrorQuery    string `json:"errorQuery"`
	TotalQuery    string `json:"totalQuery"`
	ErrorQueryPos Pos    `json:"-"`
	TotalQueryPos Pos    `json:"-"`
}

// WindowPlaceholder is replaced by a range duration in custom SLI queries.
const WindowPlaceholder = "{{.window}}"
