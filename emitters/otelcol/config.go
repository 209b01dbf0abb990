package otelcol

// The part of the OpenTelemetry Collector's configuration the two tiers use,
// as our own types (the collector's are mapstructure-tagged and drag in the
// whole component graph; the interop test module loads what these write
// into the collector's own config machinery).

// Config is one collector's configuration file.
type Config struct {
	Receivers  map[string]any `yaml:"receivers"`
	Processors map[string]any `yaml:"processors,omitempty"`
	Exporters  map[string]any `yaml:"exporters"`
	Service    Service        `yaml:"service"`
}

// Service wires the components into pipelines.
type Service struct {
	Pipelines map[string]Pipeline `yaml:"pipelines"`
}

// Pipeline is one pipeline of a signal.
type Pipeline struct {
	Receivers  []string `yaml:"receivers"`
	Processors []string `yaml:"processors,omitempty"`
	Exporters  []string `yaml:"exporters"`
}

// OTLPReceiver is the otlp receiver.
type OTLPReceiver struct {
	Protocols OTLPProtocols `yaml:"protocols"`
}

// OTLPProtocols are the receiver's endpoints.
type OTLPProtocols struct {
	GRPC Endpoint `yaml:"grpc"`
	HTTP Endpoint `yaml:"http"`
}

// Endpoint is a listen or dial address.
type Endpoint struct {
	Endpoint string `yaml:"endpoint"`
}

// OTLPExporter is the otlp_grpc exporter.
type OTLPExporter struct {
	Endpoint string `yaml:"endpoint,omitempty"`
	TLS      TLS    `yaml:"tls"`
}

// TLS is a client's TLS setting.
type TLS struct {
	Insecure bool `yaml:"insecure"`
}

// LoadBalancingExporter is the load_balancing exporter: spans go to the
// backend their routing key hashes to, so every span of a trace reaches the
// same sampler.
type LoadBalancingExporter struct {
	RoutingKey string     `yaml:"routing_key"`
	Protocol   LBProtocol `yaml:"protocol"`
	Resolver   LBResolver `yaml:"resolver"`
}

// LBProtocol is how the exporter talks to the backends.
type LBProtocol struct {
	OTLP OTLPExporter `yaml:"otlp"`
}

// LBResolver finds the backends.
type LBResolver struct {
	DNS LBDNS `yaml:"dns"`
}

// LBDNS resolves the backends from a headless Service's A records.
type LBDNS struct {
	Hostname string `yaml:"hostname"`
	Port     string `yaml:"port"`
}

// TailSampling is the tail_sampling processor.
type TailSampling struct {
	DecisionWait string   `yaml:"decision_wait"`
	NumTraces    int      `yaml:"num_traces"`
	Policies     []Policy `yaml:"policies"`
}

// Policy is one tail-sampling policy (the fields of its type only).
type Policy struct {
	Name            string            `yaml:"name"`
	Type            string            `yaml:"type"`
	StatusCode      *StatusCodePolicy `yaml:"status_code,omitempty"`
	Latency         *LatencyPolicy    `yaml:"latency,omitempty"`
	Probabilistic   *Probabilistic    `yaml:"probabilistic,omitempty"`
	StringAttribute *StringAttribute  `yaml:"string_attribute,omitempty"`
	And             *AndPolicy        `yaml:"and,omitempty"`
	OTTLCondition   *OTTLCondition    `yaml:"ottl_condition,omitempty"`
}

// OTTLCondition samples traces with a span any condition matches.
type OTTLCondition struct {
	ErrorMode string   `yaml:"error_mode"`
	Span      []string `yaml:"span"`
}

// StatusCodePolicy samples traces with a span of one of the status codes.
type StatusCodePolicy struct {
	StatusCodes []string `yaml:"status_codes"`
}

// LatencyPolicy samples traces longer than the threshold (first span start
// to last span end).
type LatencyPolicy struct {
	ThresholdMs int64 `yaml:"threshold_ms"`
}

// Probabilistic samples a share of traces by trace ID.
type Probabilistic struct {
	SamplingPercentage float64 `yaml:"sampling_percentage"`
}

// StringAttribute samples traces with a span (or resource) attribute among
// the values.
type StringAttribute struct {
	Key    string   `yaml:"key"`
	Values []string `yaml:"values"`
}

// AndPolicy samples when every sub-policy does.
type AndPolicy struct {
	SubPolicies []Policy `yaml:"and_sub_policy"`
}

// Filter is the filter processor: a log record any condition matches is
// dropped.
type Filter struct {
	ErrorMode string     `yaml:"error_mode"`
	Logs      LogFilters `yaml:"logs"`
}

// LogFilters are OTTL conditions on log records.
type LogFilters struct {
	LogRecord []string `yaml:"log_record"`
}

// ProbabilisticSampler is the probabilistic_sampler processor.
type ProbabilisticSampler struct {
	SamplingPercentage float64 `yaml:"sampling_percentage"`
	Mode               string  `yaml:"mode"`
	AttributeSource    string  `yaml:"attribute_source"`
	FailClosed         bool    `yaml:"fail_closed"`
}
