package openslo

import (
	"go.yaml.in/yaml/v3"

	"github.com/svcgen/svcgen/interop/specyaml"
)

// The OpenSLO v1 object types, written from the specification
// (github.com/OpenSLO/OpenSLO, README.md, "apiVersion: openslo/v1"): no Go
// module of them is served. Optional fields are pointers or omitempty, so
// that an exported document holds exactly what svcgen sets.

// APIVersion is the OpenSLO version svcgen reads and writes.
const APIVersion = "openslo/v1"

// Kinds of OpenSLO v1 objects.
const (
	KindDataSource              = "DataSource"
	KindService                 = "Service"
	KindSLO                     = "SLO"
	KindSLI                     = "SLI"
	KindAlertPolicy             = "AlertPolicy"
	KindAlertCondition          = "AlertCondition"
	KindAlertNotificationTarget = "AlertNotificationTarget"
)

// Header is the part every object shares.
type Header struct {
	APIVersion string   `yaml:"apiVersion"`
	Kind       string   `yaml:"kind"`
	Metadata   Metadata `yaml:"metadata"`
}

// Metadata names an object. Label values may be a string or a list.
type Metadata struct {
	Name        string            `yaml:"name"`
	DisplayName string            `yaml:"displayName,omitempty"`
	Labels      map[string]Label  `yaml:"labels,omitempty"`
	Annotations map[string]string `yaml:"annotations,omitempty"`
}

// Label is a label value: one string or several.
type Label []string

// UnmarshalYAML accepts a string or a list of strings.
func (l *Label) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*l = Label{n.Value}
		return nil
	}
	var s []string
	if err := n.Decode(&s); err != nil {
		return specyaml.Errorf(specyaml.Pos{Line: n.Line, Column: n.Column}, "a label value is a string or a list of strings")
	}
	*l = s
	return nil
}

// MarshalYAML writes one value as a string.
func (l Label) MarshalYAML() (any, error) {
	if len(l) == 1 {
		return l[0], nil
	}
	return []string(l), nil
}

// Service groups SLOs.
type Service struct {
	Header `yaml:",inline"`
	Spec   ServiceSpec `yaml:"spec"`
}

// ServiceSpec is a Service's spec.
type ServiceSpec struct {
	Description string `yaml:"description,omitempty"`
}

// SLO is a service level objective.
type SLO struct {
	Header `yaml:",inline"`
	Spec   SLOSpec `yaml:"spec"`
}

// SLOSpec is an SLO's spec.
type SLOSpec struct {
	Description     string            `yaml:"description,omitempty"`
	Service         string            `yaml:"service"`
	Indicator       *InlineSLI        `yaml:"indicator,omitempty"`
	IndicatorRef    string            `yaml:"indicatorRef,omitempty"`
	TimeWindow      []TimeWindow      `yaml:"timeWindow,omitempty"`
	BudgetingMethod string            `yaml:"budgetingMethod"`
	Objectives      []Objective       `yaml:"objectives"`
	AlertPolicies   []AlertPolicyItem `yaml:"alertPolicies,omitempty"`
}

// InlineSLI is an SLI written inside an SLO.
type InlineSLI struct {
	Metadata Metadata `yaml:"metadata"`
	Spec     SLISpec  `yaml:"spec"`
}

// TimeWindow is a rolling or calendar-aligned window.
type TimeWindow struct {
	Duration  string    `yaml:"duration"`
	IsRolling *bool     `yaml:"isRolling,omitempty"`
	Calendar  *Calendar `yaml:"calendar,omitempty"`
}

// Calendar aligns a time window.
type Calendar struct {
	StartTime string `yaml:"startTime"`
	TimeZone  string `yaml:"timeZone"`
}

// Objective is one threshold of an SLO.
type Objective struct {
	DisplayName     string           `yaml:"displayName,omitempty"`
	Op              string           `yaml:"op,omitempty"`
	Value           *specyaml.Number `yaml:"value,omitempty"`
	Target          *specyaml.Number `yaml:"target,omitempty"`
	TargetPercent   *specyaml.Number `yaml:"targetPercent,omitempty"`
	TimeSliceTarget *specyaml.Number `yaml:"timeSliceTarget,omitempty"`
	TimeSliceWindow string           `yaml:"timeSliceWindow,omitempty"`
	Indicator       *InlineSLI       `yaml:"indicator,omitempty"`
	IndicatorRef    string           `yaml:"indicatorRef,omitempty"`
	CompositeWeight *specyaml.Number `yaml:"compositeWeight,omitempty"`
}

// AlertPolicyItem is an alert policy of an SLO: a reference or inline.
type AlertPolicyItem struct {
	AlertPolicyRef string `yaml:"alertPolicyRef,omitempty"`
	// An inline AlertPolicy.
	Kind     string           `yaml:"kind,omitempty"`
	Metadata *Metadata        `yaml:"metadata,omitempty"`
	Spec     *AlertPolicySpec `yaml:"spec,omitempty"`
}

// SLI is a service level indicator.
type SLI struct {
	Header `yaml:",inline"`
	Spec   SLISpec `yaml:"spec"`
}

// SLISpec is an SLI's spec: a threshold or a ratio metric.
type SLISpec struct {
	Description     string        `yaml:"description,omitempty"`
	ThresholdMetric *MetricHolder `yaml:"thresholdMetric,omitempty"`
	RatioMetric     *RatioMetric  `yaml:"ratioMetric,omitempty"`
}

// RatioMetric is good or bad events over total events, or a raw ratio.
type RatioMetric struct {
	Counter *bool         `yaml:"counter,omitempty"`
	Good    *MetricHolder `yaml:"good,omitempty"`
	Bad     *MetricHolder `yaml:"bad,omitempty"`
	Total   *MetricHolder `yaml:"total,omitempty"`
	RawType string        `yaml:"rawType,omitempty"`
	Raw     *MetricHolder `yaml:"raw,omitempty"`
}

// MetricHolder wraps a metric source.
type MetricHolder struct {
	MetricSource MetricSource `yaml:"metricSource"`
}

// MetricSource is a query against a data source. Its spec is free-form;
// for Prometheus svcgen reads and writes spec.query.
type MetricSource struct {
	MetricSourceRef string         `yaml:"metricSourceRef,omitempty"`
	Type            string         `yaml:"type,omitempty"`
	Spec            map[string]any `yaml:"spec"`
}

// AlertPolicy says when an SLO alerts and whom.
type AlertPolicy struct {
	Header `yaml:",inline"`
	Spec   AlertPolicySpec `yaml:"spec"`
}

// AlertPolicySpec is an AlertPolicy's spec.
type AlertPolicySpec struct {
	Description         string          `yaml:"description,omitempty"`
	AlertWhenNoData     bool            `yaml:"alertWhenNoData"`
	AlertWhenResolved   bool            `yaml:"alertWhenResolved"`
	AlertWhenBreaching  bool            `yaml:"alertWhenBreaching"`
	Conditions          []ConditionItem `yaml:"conditions"`
	NotificationTargets []TargetItem    `yaml:"notificationTargets"`
}

// ConditionItem is a reference to an AlertCondition, or one inline.
type ConditionItem struct {
	ConditionRef string              `yaml:"conditionRef,omitempty"`
	Kind         string              `yaml:"kind,omitempty"`
	Metadata     *Metadata           `yaml:"metadata,omitempty"`
	Spec         *AlertConditionSpec `yaml:"spec,omitempty"`
}

// TargetItem is a reference to an AlertNotificationTarget, or one inline.
type TargetItem struct {
	TargetRef string                       `yaml:"targetRef,omitempty"`
	Kind      string                       `yaml:"kind,omitempty"`
	Metadata  *Metadata                    `yaml:"metadata,omitempty"`
	Spec      *AlertNotificationTargetSpec `yaml:"spec,omitempty"`
}

// AlertCondition is a burn-rate condition.
type AlertCondition struct {
	Header `yaml:",inline"`
	Spec   AlertConditionSpec `yaml:"spec"`
}

// AlertConditionSpec is an AlertCondition's spec.
type AlertConditionSpec struct {
	Description string    `yaml:"description,omitempty"`
	Severity    string    `yaml:"severity"`
	Condition   Condition `yaml:"condition"`
}

// Condition is the burn-rate test itself.
type Condition struct {
	Kind           string          `yaml:"kind"`
	Op             string          `yaml:"op"`
	Threshold      specyaml.Number `yaml:"threshold"`
	LookbackWindow string          `yaml:"lookbackWindow"`
	AlertAfter     string          `yaml:"alertAfter,omitempty"`
}

// AlertNotificationTarget is where alerts go.
type AlertNotificationTarget struct {
	Header `yaml:",inline"`
	Spec   AlertNotificationTargetSpec `yaml:"spec"`
}

// AlertNotificationTargetSpec is an AlertNotificationTarget's spec.
type AlertNotificationTargetSpec struct {
	Target      string `yaml:"target"`
	Description string `yaml:"description,omitempty"`
}

// DataSource is a connection to a metrics backend.
type DataSource struct {
	Header `yaml:",inline"`
	Spec   struct {
		Description       string         `yaml:"description,omitempty"`
		Type              string         `yaml:"type"`
		ConnectionDetails map[string]any `yaml:"connectionDetails"`
	} `yaml:"spec"`
}
