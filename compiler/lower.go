package compiler

import (
	"strconv"
	"strings"

	"github.com/svcgen/svcgen/catalog"
)

// callee is what a dependency needs to know of the service it calls.
type callee struct {
	Tier    catalog.Tier
	Port    int // 0: the default port
	Traffic *catalog.Traffic
}

// part is what one evaluation lowers: the catalog-wide values and the
// services it holds.
type part struct {
	settings catalog.Settings
	teams    []*catalog.Team
	services []*catalog.Service
}

// lower builds the model's parts from the evaluated value, resolving every
// default from the matrices and recording where each value came from.
// Dependencies read their callee's tier, port and traffic from callees; nil
// means the callees are all in this evaluation and are read from it.
func (r *reader) lower(callees map[string]callee) part {
	root := newNode(r.l.value, "")
	m := matrices{root: root.get("matrices")}
	var p part
	p.settings = r.settings(root.get("settings"))
	for _, tm := range r.members(root.get("teams")) {
		if r.checkName("team", tm) {
			p.teams = append(p.teams, r.team(tm))
		}
	}
	resolveDefaultReceiver(&p.settings, p.teams)

	var svcMembers []member
	for _, sm := range r.members(root.get("services")) {
		if r.checkName("service", sm) {
			p.services = append(p.services, r.service(sm, m, p.settings))
			svcMembers = append(svcMembers, sm)
		}
	}
	if callees == nil {
		callees = make(map[string]callee, len(p.services))
		for _, s := range p.services {
			callees[s.Name] = callee{Tier: s.Tier, Port: s.Port, Traffic: s.Traffic}
		}
	}
	for i, s := range p.services {
		for _, dm := range r.members(svcMembers[i].n.get("dependencies")) {
			if r.checkName("dependency", dm) {
				s.Dependencies = append(s.Dependencies, r.dependency(s, svcMembers[i].n, dm, m, callees))
			}
		}
	}
	return p
}

// matrices gives the layers of the default matrices.
type matrices struct{ root *node }

func (m matrices) tier(t catalog.Tier) layer {
	return layer{m.root.get("tiers", string(t)), "tier " + string(t)}
}

func (m matrices) kind(k catalog.DepKind) layer {
	return layer{m.root.get("kinds", string(k)), "kind " + string(k) + " default"}
}

func (m matrices) profile(p catalog.Profile) layer {
	return layer{m.root.get("profiles", string(p)), "profile " + string(p)}
}

func (m matrices) service() layer {
	return layer{m.root.get("service"), "svcgen default"}
}

func (r *reader) settings(v *node) catalog.Settings {
	s := catalog.Settings{Sources: catalog.Sources{}, Pos: r.pos(v)}
	ly := []layer{user(v)}
	r.str(&s.Cluster, s.Sources, "cluster", ly, "cluster")
	r.str(&s.Namespace, s.Sources, "namespace", ly, "namespace")
	r.str(&s.Metrics.Requests, s.Sources, "metrics.requests", ly, "metrics", "requests")
	r.str(&s.Metrics.Duration, s.Sources, "metrics.duration", ly, "metrics", "duration")
	r.str(&s.Metrics.ServiceLabel, s.Sources, "metrics.labels.service", ly, "metrics", "labels", "service")
	r.str(&s.Metrics.StatusLabel, s.Sources, "metrics.labels.status", ly, "metrics", "labels", "status")
	r.str(&s.Metrics.ErrorStatus, s.Sources, "metrics.errorStatus", ly, "metrics", "errorStatus")
	buckets := v.get("metrics", "buckets")
	bv := buckets.v
	if d, ok := bv.Default(); ok {
		bv = d
	}
	if list, err := bv.List(); err == nil {
		prev := 0.0
		for list.Next() {
			f, _ := list.Value().Float64()
			if f <= prev {
				r.errorf(r.pos(buckets), "buckets: %v is not above the bucket before it: list bucket bounds in ascending order", list.Value())
			}
			prev = f
			s.Metrics.Buckets = append(s.Metrics.Buckets, f)
		}
		s.Sources["metrics.buckets"] = catalog.Source{Pos: r.pos(buckets)}
	}

	dr := v.get("alerting", "defaultReceiver")
	r.str(&s.Alerting.DefaultTeam, s.Sources, "alerting.defaultReceiver.team", ly, "alerting", "defaultReceiver", "team")
	var kind string
	if r.str(&kind, s.Sources, "alerting.defaultReceiver.receiver", ly, "alerting", "defaultReceiver", "receiver") {
		s.Alerting.DefaultReceiver = catalog.ReceiverKind(kind)
	}
	s.Sources["alerting.defaultReceiver"] = catalog.Source{Pos: r.pos(dr)}
	if smtp := v.get("alerting", "smtp"); smtp.Exists() {
		c := &catalog.SMTP{}
		sly := []layer{user(smtp)}
		r.str(&c.From, s.Sources, "alerting.smtp.from", sly, "from")
		r.str(&c.Smarthost, s.Sources, "alerting.smtp.smarthost", sly, "smarthost")
		r.str(&c.AuthUsername, s.Sources, "alerting.smtp.authUsername", sly, "authUsername")
		r.str(&c.AuthPasswordFile, s.Sources, "alerting.smtp.authPasswordFile", sly, "authPasswordFile")
		r.boolean(&c.RequireTLS, s.Sources, "alerting.smtp.requireTLS", sly, "requireTLS")
		s.Alerting.SMTP = c
	}
	r.str(&s.Links.Grafana, s.Sources, "links.grafana", ly, "links", "grafana")
	r.str(&s.Links.Runbooks, s.Sources, "links.runbooks", ly, "links", "runbooks")
	s.Links.Grafana = strings.TrimRight(s.Links.Grafana, "/")
	s.Links.Runbooks = strings.TrimRight(s.Links.Runbooks, "/")
	for _, t := range s.Targets.Fields() {
		r.boolean(t.On, s.Sources, "targets."+t.Name, ly, "targets", t.Name)
	}
	r.float(&s.Vet.RetryAmplification, s.Sources, "vet.retryAmplification", ly, "vet", "retryAmplification")
	return s
}

func (r *reader) team(m member) *catalog.Team {
	t := &catalog.Team{Name: m.name, Pos: m.pos, Sources: catalog.Sources{}}
	rv := m.n.get("receivers")
	// receiver reads a receiver of kind: its one file (or address) field and
	// sendResolved. It reports whether the team has one.
	receiver := func(kind, field string, dst *string, sendResolved *bool) bool {
		x := rv.get(kind)
		if !x.Exists() {
			return false
		}
		ly := []layer{user(x)}
		key := "receivers." + kind
		r.str(dst, t.Sources, key+"."+field, ly, field)
		r.boolean(sendResolved, t.Sources, key+".sendResolved", ly, "sendResolved")
		t.Sources[key] = catalog.Source{Pos: r.pos(x)}
		return true
	}
	var slack catalog.Slack
	if receiver("slack", "apiURLFile", &slack.APIURLFile, &slack.SendResolved) {
		r.str(&slack.Channel, t.Sources, "receivers.slack.channel", []layer{user(rv.get("slack"))}, "channel")
		t.Slack = &slack
	}
	var pd catalog.PagerDuty
	if receiver("pagerduty", "routingKeyFile", &pd.RoutingKeyFile, &pd.SendResolved) {
		t.PagerDuty = &pd
	}
	var email catalog.Email
	if receiver("email", "to", &email.To, &email.SendResolved) {
		t.Email = &email
	}
	var webhook catalog.Webhook
	if receiver("webhook", "urlFile", &webhook.URLFile, &webhook.SendResolved) {
		t.Webhook = &webhook
	}
	var opsgenie catalog.Opsgenie
	if receiver("opsgenie", "apiKeyFile", &opsgenie.APIKeyFile, &opsgenie.SendResolved) {
		t.Opsgenie = &opsgenie
	}

	// page and notify default to the first receiver of a fitting kind.
	var kind string
	if r.str(&kind, t.Sources, "page", []layer{user(m.n)}, "page") {
		t.Page = catalog.ReceiverKind(kind)
		if !t.Has(t.Page) {
			r.errorf(t.Sources["page"].Pos, "page: team %s has no %s receiver: add receivers: %s, or page another receiver", t.Name, kind, kind)
		}
	} else {
		for _, k := range catalog.PagingKinds {
			if t.Has(k) {
				t.Page = k
				t.Sources["page"] = catalog.Source{Default: "first paging receiver of the team"}
				break
			}
		}
	}
	if r.str(&kind, t.Sources, "notify", []layer{user(m.n)}, "notify") {
		t.Notify = catalog.ReceiverKind(kind)
		if !t.Has(t.Notify) {
			r.errorf(t.Sources["notify"].Pos, "notify: team %s has no %s receiver: add receivers: %s, or notify another receiver", t.Name, kind, kind)
		}
	} else {
		for _, k := range catalog.NotifyKinds {
			// A webhook that pages is not also the chat receiver.
			if t.Has(k) && k != t.Page {
				t.Notify = k
				t.Sources["notify"] = catalog.Source{Default: "first chat or mail receiver of the team"}
				break
			}
		}
	}
	return t
}

func (r *reader) service(m member, mx matrices, settings catalog.Settings) *catalog.Service {
	v := m.n
	s := &catalog.Service{Name: m.name, Pos: m.pos, Sources: catalog.Sources{}}
	src := s.Sources
	u := []layer{user(v)}
	r.str(&s.Team, src, "team", u, "team")
	var tier string
	r.str(&tier, src, "tier", u, "tier")
	s.Tier = catalog.Tier(tier)
	r.str(&s.Description, src, "description", u, "description")
	r.str(&s.Image, src, "image", u, "image")

	def := mx.service()
	r.integer(&s.Port, src, "port", []layer{user(v), def}, "port")
	s.Metrics.Port = s.Port
	src["metrics.port"] = catalog.Source{Default: "the service port"}
	r.integer(&s.Metrics.Port, src, "metrics.port", u, "metrics", "port")
	r.str(&s.Metrics.Path, src, "metrics.path", []layer{user(v.get("metrics", "path")), def.sub("metricsPath")})

	tl := mx.tier(s.Tier)
	r.integer(&s.Replicas.Min, src, "replicas.min", []layer{user(v), tl}, "replicas", "min")
	if !r.integer(&s.Replicas.Max, src, "replicas.max", u, "replicas", "max") {
		r.integer(&s.Replicas.Max, src, "replicas.max", []layer{tl}, "replicas", "max")
		if s.Replicas.Max < s.Replicas.Min {
			s.Replicas.Max = s.Replicas.Min
			src["replicas.max"] = catalog.Source{Default: "raised to replicas.min"}
		}
	}
	for _, q := range []struct {
		key string
		dst *string
	}{
		{"resources.requests.cpu", &s.Resources.Requests.CPU},
		{"resources.requests.memory", &s.Resources.Requests.Memory},
		{"resources.limits.cpu", &s.Resources.Limits.CPU},
		{"resources.limits.memory", &s.Resources.Limits.Memory},
	} {
		r.str(q.dst, src, q.key, []layer{user(v), def}, strings.Split(q.key, ".")...)
	}
	s.Traffic = r.traffic(v.get("traffic"), src, "traffic")
	if !r.checkLittle(s.Traffic, src, "traffic", s.Pos) {
		s.Traffic = nil
	}

	r.deploy(s, v, def)
	r.disruptionBudget(s, v, def)

	for _, p := range []struct {
		name string
		dst  *catalog.Probe
	}{{"liveness", &s.Probes.Liveness}, {"readiness", &s.Probes.Readiness}} {
		ly := []layer{user(v), def}
		key := "probes." + p.name
		r.str(&p.dst.Path, src, key+".path", ly, "probes", p.name, "path")
		r.duration(&p.dst.InitialDelay, src, key+".initialDelay", ly, "probes", p.name, "initialDelay")
		r.duration(&p.dst.Period, src, key+".period", ly, "probes", p.name, "period")
	}

	if !r.str(&s.Runbook, src, "runbook", u, "runbook") {
		s.Runbook = settings.Links.Runbooks + "/" + s.Name
		src["runbook"] = catalog.Source{Default: "links.runbooks + service name"}
	}
	r.percent(&s.Alerting.ErrorRate, src, "alerting.errorRate", []layer{user(v.get("alerting")), tl}, "errorRate")
	r.duration(&s.Alerting.Latency, src, "alerting.latency", []layer{user(v.get("alerting", "latency")), tl.sub("latency", "threshold")})
	r.duration(&s.Alerting.Interval, src, "alerting.interval", []layer{tl}, "interval")

	slos := v.get("slos")
	if slos.Exists() {
		for _, sm := range r.members(slos) {
			if r.checkName("SLO", sm) {
				s.SLOs = append(s.SLOs, r.slo(s, sm, mx))
			}
		}
	} else {
		// A service without an slos block gets its tier's availability and
		// latency SLOs; `slos: {}` declares none.
		for _, name := range []string{"availability", "latency"} {
			s.SLOs = append(s.SLOs, r.slo(s, member{name: name, n: missing, pos: s.Pos}, mx))
		}
	}
	s.Ignores = r.ignores(v.get("vet", "ignore"))
	r.alertPolicies(s, v.get("alerting", "alerts"), tl.sub("alerts"))
	return s
}

// alertPolicies resolves every alert class of s: the service's override,
// the tier's, then the class's default (catalog.DefaultAlertPolicy).
func (r *reader) alertPolicies(s *catalog.Service, svc *node, tier layer) {
	s.Alerting.Alerts = make([]catalog.AlertPolicy, 0, len(catalog.AlertClasses))
	for _, c := range catalog.AlertClasses {
		p := catalog.DefaultAlertPolicy(c, s.HasAvailabilitySLO())
		key := "alerting.alerts." + string(c)
		ly := []layer{user(svc), tier}
		if r.str(&p.Severity, s.Sources, key+".severity", ly, string(c), "severity") {
			p.Pos = s.Sources[key+".severity"].Pos
		}
		if r.boolean(&p.Enabled, s.Sources, key+".enabled", ly, string(c), "enabled") && !p.Pos.IsValid() {
			p.Pos = s.Sources[key+".enabled"].Pos
		}
		s.Alerting.Alerts = append(s.Alerting.Alerts, p)
	}
}

func (r *reader) traffic(v *node, src catalog.Sources, key string) *catalog.Traffic {
	if !v.Exists() {
		return nil
	}
	t := &catalog.Traffic{}
	r.float(&t.PeakRPS, src, key+".peakRPS", []layer{user(v)}, "peakRPS")
	r.duration(&t.P99, src, key+".p99", []layer{user(v)}, "p99")
	return t
}

func (r *reader) deploy(s *catalog.Service, v *node, def layer) {
	src := s.Sources
	d := &s.Deploy
	ly := []layer{user(v), def}
	var strategy string
	r.str(&strategy, src, "deploy.strategy", ly, "deploy", "strategy")
	d.Strategy = catalog.Strategy(strategy)
	r.intOrPercentIn(&d.MaxUnavailable, src, "deploy.maxUnavailable", ly, "deploy", "maxUnavailable")
	r.intOrPercentIn(&d.MaxSurge, src, "deploy.maxSurge", ly, "deploy", "maxSurge")

	bg := v.get("deploy", "blueGreen")
	cn := v.get("deploy", "canary")
	strategyPos := src.Pos("deploy.strategy", s.Pos)
	switch d.Strategy {
	case catalog.StrategyBlueGreen:
		if !bg.Exists() {
			r.errorf(strategyPos, "deploy: strategy blue-green needs blueGreen: active: \"blue\" or \"green\" (the colour that takes traffic)")
			break
		}
		d.BlueGreen = &catalog.BlueGreen{}
		var c string
		r.str(&c, src, "deploy.blueGreen.active", []layer{user(bg)}, "active")
		d.BlueGreen.Active = catalog.Color(c)
		r.defaultImage(&d.BlueGreen.Images.Blue, s, "deploy.blueGreen.images.blue", bg, "images", "blue")
		r.defaultImage(&d.BlueGreen.Images.Green, s, "deploy.blueGreen.images.green", bg, "images", "green")
	case catalog.StrategyCanary:
		d.Canary = &catalog.Canary{}
		cl := []layer{user(cn), def.sub("deploy", "canary")}
		r.integer(&d.Canary.Weight, src, "deploy.canary.weight", cl, "weight")
		r.str(&d.Canary.Header, src, "deploy.canary.header", cl, "header")
		r.integer(&d.Canary.Replicas, src, "deploy.canary.replicas", cl, "replicas")
		r.defaultImage(&d.Canary.Image, s, "deploy.canary.image", cn, "image")
	}
	if bg.Exists() && d.Strategy != catalog.StrategyBlueGreen {
		r.errorf(r.pos(bg), "deploy: blueGreen is set but strategy is %s: set strategy: \"blue-green\" or remove blueGreen", d.Strategy)
	}
	if cn.Exists() && d.Strategy != catalog.StrategyCanary {
		r.errorf(r.pos(cn), "deploy: canary is set but strategy is %s: set strategy: \"canary\" or remove canary", d.Strategy)
	}
}

// defaultImage reads the image a second Deployment of s runs (a colour, the
// canary): the one written at path under v, else the service's image.
func (r *reader) defaultImage(dst *string, s *catalog.Service, key string, v *node, path ...string) {
	if !r.str(dst, s.Sources, key, []layer{user(v)}, path...) {
		*dst = s.Image
		s.Sources[key] = catalog.Source{Default: "the service image"}
	}
}

// disruptionBudget reads the PodDisruptionBudget limit: the user's
// minAvailable or maxUnavailable (Kubernetes refuses both), else the default
// maxUnavailable.
func (r *reader) disruptionBudget(s *catalog.Service, v *node, def layer) {
	src := s.Sources
	b := &s.DisruptionBudget
	u := []layer{user(v)}
	var minAvail, maxUnavail catalog.IntOrPercent
	hasMin := r.intOrPercentIn(&minAvail, src, "disruptionBudget.minAvailable", u, "disruptionBudget", "minAvailable")
	hasMax := r.intOrPercentIn(&maxUnavail, src, "disruptionBudget.maxUnavailable", u, "disruptionBudget", "maxUnavailable")
	switch {
	case hasMin && hasMax:
		r.errorf(src.Pos("disruptionBudget.minAvailable", s.Pos), "disruptionBudget: set minAvailable or maxUnavailable, not both (a PodDisruptionBudget takes one): remove one of them")
	case hasMin:
		b.MinAvailable = &minAvail
	case hasMax:
		b.MaxUnavailable = &maxUnavail
	default:
		r.intOrPercentIn(&maxUnavail, src, "disruptionBudget.maxUnavailable", []layer{def}, "disruptionBudget", "maxUnavailable")
		b.MaxUnavailable = &maxUnavail
	}
}

func (r *reader) slo(s *catalog.Service, m member, mx matrices) *catalog.SLO {
	v := m.n
	o := &catalog.SLO{Name: m.name, Pos: m.pos, Sources: catalog.Sources{}}
	src := o.Sources
	u := []layer{user(v)}
	var kind string
	if !r.str(&kind, src, "kind", u, "kind") {
		switch m.name {
		case "availability", "latency":
			kind = m.name
			src["kind"] = catalog.Source{Default: "the SLO's name"}
		default:
			r.errorf(m.pos, "SLO %s: kind is required (availability or latency) unless the SLO is named availability or latency", m.name)
			kind = "availability"
		}
	}
	o.Kind = catalog.SLOKind(kind)
	tl := mx.tier(s.Tier)
	def := mx.service()
	switch o.Kind {
	case catalog.SLOAvailability:
		if !r.percent(&o.Objective, src, "objective", []layer{user(v)}, "objective") {
			r.percent(&o.Objective, src, "objective", []layer{tl}, "availability")
		}
		if x := v.get("threshold"); x.Exists() {
			r.errorf(r.pos(x), "threshold: applies only to latency SLOs; remove it or set kind: \"latency\"")
		}
	case catalog.SLOLatency:
		lat := tl.sub("latency")
		r.percent(&o.Objective, src, "objective", []layer{user(v), lat}, "objective")
		r.duration(&o.Threshold, src, "threshold", []layer{user(v), lat}, "threshold")
	}
	sloDef := def.sub("slo")
	if r.duration(&o.Period, src, "period", []layer{user(v), sloDef}, "period") {
		if o.Period%catalog.Day != 0 || o.Period < catalog.Week || o.Period > 90*catalog.Day {
			r.errorf(src.Pos("period", o.Pos), "period: %s is not a whole number of days from 7d to 90d: burn-rate alerts read windows up to 3d, and SLO periods are counted in days (30d or 28d are usual)", catalog.FormatDuration(o.Period))
		}
	}
	r.integer(&o.MinRequests, src, "minRequests", []layer{user(v), sloDef}, "minRequests")
	r.str(&o.Description, src, "description", u, "description")
	if x := v.get("sli"); x.Exists() {
		c := &catalog.CustomSLI{}
		ly := []layer{user(x)}
		r.str(&c.ErrorQuery, src, "sli.errorQuery", ly, "errorQuery")
		r.str(&c.TotalQuery, src, "sli.totalQuery", ly, "totalQuery")
		c.ErrorQueryPos = src.Pos("sli.errorQuery", o.Pos)
		c.TotalQueryPos = src.Pos("sli.totalQuery", o.Pos)
		o.SLI = c
	}
	return o
}

func (r *reader) ignores(v *node) []catalog.Ignore {
	var out []catalog.Ignore
	for _, m := range r.members(v) {
		reason, _ := m.n.v.String()
		out = append(out, catalog.Ignore{Rule: m.name, Reason: reason, Pos: m.pos})
	}
	return out
}

func (r *reader) dependency(s *catalog.Service, svc *node, m member, mx matrices, callees map[string]callee) *catalog.Dependency {
	v := m.n
	d := &catalog.Dependency{Name: m.name, Pos: m.pos, Sources: catalog.Sources{}}
	src := d.Sources
	u := []layer{user(v)}

	kind := string(catalog.KindInternal)
	r.fields(src, "", u, fieldRow{"kind", &kind, func() string { return "internal unless set" }})
	d.Kind = catalog.DepKind(kind)
	kl := mx.kind(d.Kind)

	var cal *callee
	if d.Kind == catalog.KindInternal {
		d.Service = m.name
		r.fields(src, "", u, fieldRow{"service", &d.Service, func() string { return "the dependency's name" }})
		if c, ok := callees[d.Service]; ok { // a dangling name is reported by a check
			cal = &c
		}
		if x := v.get("host"); x.Exists() {
			r.errorf(r.pos(x), "host: an internal dependency is addressed by its service's name; remove host, or set kind: \"external\"")
		}
		if cal != nil {
			d.Port = cal.Port
			if d.Port == 0 {
				r.integer(&d.Port, catalog.Sources{}, "port", []layer{mx.service()}, "port")
			}
			src["port"] = catalog.Source{Default: "the callee's port"}
		}
		d.Protocol = "HTTP"
		r.in(&d.Protocol, src, "", "protocol", []layer{user(v), kl})
	} else {
		if x := v.get("service"); x.Exists() {
			r.errorf(r.pos(x), "service: only internal dependencies name a catalog service; remove it, or set kind: \"internal\"")
		}
		if r.in(&d.Host, src, "", "host", u) {
			r.checkHost(d.Host, src.Pos("host", d.Pos))
		} else if d.Kind == catalog.KindExternal {
			r.errorf(m.pos, "dependency %s: an external dependency needs host: the DNS name it is called at, e.g. host: \"api.pg.example.com\"", m.name)
		} else if d.Kind == catalog.KindDatabase || d.Kind == catalog.KindCache {
			// Without one the generated client would dial ":<port>" on the
			// caller's own host.
			r.errorf(m.pos, "dependency %s: a %s dependency needs host: the DNS name the client connects to, e.g. host: \"%s.shop.svc.cluster.local\"", m.name, d.Kind, m.name)
		}
		r.fields(src, "", []layer{user(v), kl},
			fieldRow{name: "port", dst: &d.Port},
			fieldRow{name: "protocol", dst: &d.Protocol})
	}

	var profile string
	if !r.str(&profile, src, "profile", u, "profile") {
		if cal != nil && cal.Tier == catalog.TierCritical {
			profile = string(catalog.ProfileCore)
			src["profile"] = catalog.Source{Default: "callee tier critical"}
		} else {
			r.str(&profile, src, "profile", []layer{kl}, "profile")
		}
	}
	d.Profile = catalog.Profile(profile)
	pl := mx.profile(d.Profile)

	d.Idempotent = true
	if !r.boolean(&d.Idempotent, src, "idempotent", u, "idempotent") {
		src["idempotent"] = catalog.Source{Default: "true unless set: the client judges each request by its method and Idempotency-Key"}
	}
	r.in(&d.Fallback, src, "", "fallback", u)
	d.Traffic = r.traffic(v.get("traffic"), src, "traffic")
	if !r.checkLittle(d.Traffic, src, "traffic", d.Pos) {
		d.Traffic = nil
	}
	if d.Traffic == nil && cal != nil && cal.Traffic != nil {
		t := *cal.Traffic
		d.Traffic = &t
		src["traffic"] = catalog.Source{Default: "the callee's traffic"}
	}

	res := svc.get("resilience")
	policy := func(section string, matrix layer) []layer {
		return []layer{user(v.get(section)), user(res.get(section)), matrix.sub(section)}
	}

	r.fields(src, "timeout", policy("timeout", kl),
		fieldRow{name: "connect", dst: &d.Timeout.Connect},
		fieldRow{name: "perTry", dst: &d.Timeout.PerTry},
		fieldRow{name: "total", dst: &d.Timeout.Total})

	rl := policy("retry", pl)
	var owner string
	ownerLayers := []layer{user(v.get("retry")), user(res.get("retry"))}
	if !r.str(&owner, src, "retry.owner", ownerLayers, "owner") {
		if !d.Idempotent {
			owner = string(catalog.OwnerClient)
			src["retry.owner"] = catalog.Source{Default: "client for non-idempotent calls (it retries only requests with an Idempotency-Key)"}
		} else {
			r.str(&owner, src, "retry.owner", []layer{kl}, "retryOwner")
			if owner == string(catalog.OwnerMesh) && src["idempotent"].Default != "" {
				// Only a call declared idempotent may be retried by the
				// mesh, which repeats any request, a POST as readily as a GET.
				owner = string(catalog.OwnerClient)
				src["retry.owner"] = catalog.Source{Default: "client: the mesh retries only calls declared idempotent (idempotent: true); the client sees each request's method and Idempotency-Key"}
			}
		}
	}
	d.Retry.Owner = catalog.RetryOwner(owner)
	r.fields(src, "retry", rl,
		fieldRow{name: "maxRetries", dst: &d.Retry.MaxRetries},
		fieldRow{name: "initialBackoff", dst: &d.Retry.InitialBackoff},
		fieldRow{name: "maxBackoff", dst: &d.Retry.MaxBackoff},
		fieldRow{name: "multiplier", dst: &d.Retry.Multiplier},
		fieldRow{name: "jitter", dst: &d.Retry.Jitter})

	r.breaker(d, policy("breaker", pl), pl)
	r.bulkhead(d, policy("bulkhead", kl))

	d.Ignores = r.ignores(v.get("vet", "ignore"))
	return d
}

// ratioPercent is failures/calls as an exact percentage where it has one
// (5/10 → 50), else rounded to six places.
func ratioPercent(failures, calls int) catalog.Percent {
	p, err := catalog.ParsePercent(strconv.FormatFloat(float64(failures)*100/float64(calls), 'f', 6, 64))
	if err != nil {
		return catalog.Percent{}
	}
	return p
}

// resolveDefaultReceiver picks the default team's chat receiver when the
// catalog names only the team (a check reports a team that does not exist).
func resolveDefaultReceiver(s *catalog.Settings, teams []*catalog.Team) {
	if s.Alerting.DefaultReceiver != "" {
		return
	}
	for _, t := range teams {
		if t.Name != s.Alerting.DefaultTeam {
			continue
		}
		k := t.Notify
		if k == "" {
			k = t.Page
		}
		s.Alerting.DefaultReceiver = k
		s.Sources["alerting.defaultReceiver.receiver"] = catalog.Source{Default: "the team's notify receiver"}
	}
}
