package openslo

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/svcgen/svcgen/interop/specyaml"
)

// The OpenSLO repository publishes no JSON schema file for v1 (its README is
// the specification), so documents are checked by strict decoding into the
// v1 types (an unknown field is an error) and by Validate, which encodes the
// README's rules: required fields, enums, ranges, exactly-one-of choices,
// name and duration syntax.

var (
	nameRE     = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	labelKeyRE = regexp.MustCompile(`^[a-zA-Z0-9]([-_.a-zA-Z0-9]*[a-zA-Z0-9])?$`)
	dnsSubRE   = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	durationRE = regexp.MustCompile(`^[1-9][0-9]*[mhdwMQY]$`)
	ops        = map[string]bool{"lte": true, "gte": true, "lt": true, "gt": true}
	budgeting  = map[string]bool{"Occurrences": true, "Timeslices": true, "RatioTimeslices": true}
)

const maxDescription = 1050

type validator struct {
	o   *Object
	err *specyaml.Error
}

func (v *validator) fail(pos specyaml.Pos, format string, args ...any) {
	if v.err == nil {
		v.err = specyaml.Errorf(pos, format, args...)
	}
}

// Validate checks an object against the specification's rules.
func Validate(o *Object) error {
	v := &validator{o: o}
	h := header(o.Value)
	v.metadata(h.Metadata, "metadata")
	switch x := o.Value.(type) {
	case *Service:
		v.description(x.Spec.Description, "spec", "description")
	case *SLO:
		v.slo(&x.Spec)
	case *SLI:
		v.sliSpec(&x.Spec, "spec")
	case *AlertPolicy:
		v.policy(&x.Spec, "spec")
	case *AlertCondition:
		v.condition(&x.Spec, "spec")
	case *AlertNotificationTarget:
		v.target(&x.Spec, "spec")
	case *DataSource:
		if x.Spec.Type == "" {
			v.fail(o.at("spec", "type"), "spec.type is required")
		}
		if x.Spec.ConnectionDetails == nil {
			v.fail(o.at("spec", "connectionDetails"), "spec.connectionDetails is required")
		}
	}
	if v.err != nil {
		return v.err
	}
	return nil
}

func (v *validator) metadata(m Metadata, path ...string) {
	switch {
	case m.Name == "":
		v.fail(v.o.at(append(path, "name")...), "metadata.name is required")
	case !nameRE.MatchString(m.Name) || len(m.Name) > 63:
		v.fail(v.o.at(append(path, "name")...), "metadata.name %q must be an RFC 1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit", m.Name)
	}
	for k := range m.Labels {
		if !labelKeyRE.MatchString(k) || len(k) > 63 {
			v.fail(v.o.at(append(path, "labels", k)...), "label key %q: at most 63 alphanumerics, '-', '_' and '.', starting and ending with an alphanumeric", k)
		}
	}
	for k := range m.Annotations {
		prefix, name, ok := strings.Cut(k, "/")
		if !ok {
			prefix, name = "", k
		}
		if (ok && (!dnsSubRE.MatchString(prefix) || len(prefix) > 253)) || !labelKeyRE.MatchString(name) || len(name) > 63 {
			v.fail(v.o.at(append(path, "annotations", k)...), "annotation key %q: an optional DNS subdomain prefix and '/', then a name of at most 63 alphanumerics, '-', '_' and '.'", k)
		}
	}
}

func (v *validator) description(s string, path ...string) {
	if utf8.RuneCountInString(s) > maxDescription {
		v.fail(v.o.at(path...), "description: at most %d characters", maxDescription)
	}
}

func (v *validator) duration(s string, required bool, path ...string) {
	if s == "" {
		if required {
			v.fail(v.o.at(path...), "%s is required", strings.Join(path, "."))
		}
		return
	}
	if !durationRE.MatchString(s) {
		v.fail(v.o.at(path...), "%s %q is not a duration shorthand: a positive integer and one of m, h, d, w, M, Q, Y (30d, 4w)", strings.Join(path, "."), s)
	}
}

func (v *validator) slo(s *SLOSpec) {
	o := v.o
	v.description(s.Description, "spec", "description")
	if s.Service == "" {
		v.fail(o.at("spec", "service"), "spec.service is required")
	}
	composite := false
	for _, ob := range s.Objectives {
		if ob.Indicator != nil || ob.IndicatorRef != "" {
			composite = true
		}
	}
	switch {
	case composite && (s.Indicator != nil || s.IndicatorRef != ""):
		v.fail(o.at("spec", "indicator"), "a composite SLO declares its indicators in objectives[], not in spec.indicator or spec.indicatorRef")
	case !composite && s.Indicator == nil && s.IndicatorRef == "":
		v.fail(o.at("spec"), "spec.indicator or spec.indicatorRef is required")
	case s.Indicator != nil && s.IndicatorRef != "":
		v.fail(o.at("spec", "indicatorRef"), "spec.indicator and spec.indicatorRef exclude each other")
	}
	if s.Indicator != nil {
		v.metadata(s.Indicator.Metadata, "spec", "indicator", "metadata")
		v.sliSpec(&s.Indicator.Spec, "spec", "indicator", "spec")
	}
	if len(s.TimeWindow) > 1 {
		v.fail(o.at("spec", "timeWindow"), "spec.timeWindow takes exactly one item")
	}
	for _, tw := range s.TimeWindow {
		v.duration(tw.Duration, true, "spec", "timeWindow")
		if tw.Calendar != nil && (tw.Calendar.StartTime == "" || tw.Calendar.TimeZone == "") {
			v.fail(o.at("spec", "timeWindow"), "calendar: startTime and timeZone are required")
		}
	}
	if !budgeting[s.BudgetingMethod] {
		v.fail(o.at("spec", "budgetingMethod"), "spec.budgetingMethod %q: one of Occurrences, Timeslices, RatioTimeslices is required", s.BudgetingMethod)
	}
	if len(s.Objectives) == 0 {
		v.fail(o.at("spec", "objectives"), "spec.objectives is required")
	}
	for i, ob := range s.Objectives {
		pos := o.atIndex(i, "spec", "objectives")
		switch {
		case ob.Target == nil && ob.TargetPercent == nil:
			v.fail(pos, "objective %d: target or targetPercent is required", i+1)
		case ob.Target != nil && ob.TargetPercent != nil:
			v.fail(pos, "objective %d: target and targetPercent exclude each other", i+1)
		case ob.Target != nil && (ob.Target.Float() < 0 || ob.Target.Float() >= 1):
			v.fail(pos, "objective %d: target %s is outside [0, 1)", i+1, ob.Target.Text)
		case ob.TargetPercent != nil && (ob.TargetPercent.Float() < 0 || ob.TargetPercent.Float() >= 100):
			v.fail(pos, "objective %d: targetPercent %s is outside [0, 100)", i+1, ob.TargetPercent.Text)
		}
		if ob.Op != "" && !ops[ob.Op] {
			v.fail(pos, "objective %d: op %q: one of lte, gte, lt, gt", i+1, ob.Op)
		}
		if s.BudgetingMethod == "Timeslices" && ob.TimeSliceTarget == nil {
			v.fail(pos, "objective %d: timeSliceTarget is required with budgetingMethod Timeslices", i+1)
		}
		if (s.BudgetingMethod == "Timeslices" || s.BudgetingMethod == "RatioTimeslices") && ob.TimeSliceWindow == "" {
			v.fail(pos, "objective %d: timeSliceWindow is required with budgetingMethod %s", i+1, s.BudgetingMethod)
		}
		if ob.Indicator != nil {
			v.sliSpec(&ob.Indicator.Spec, "spec", "objectives")
		}
	}
	for i, p := range s.AlertPolicies {
		if p.AlertPolicyRef == "" && p.Spec == nil {
			v.fail(o.atIndex(i, "spec", "alertPolicies"), "alert policy %d: alertPolicyRef or an inline AlertPolicy is required", i+1)
		}
		if p.Spec != nil {
			v.policy(p.Spec, "spec", "alertPolicies")
		}
	}
}

func (v *validator) sliSpec(s *SLISpec, path ...string) {
	o := v.o
	v.description(s.Description, append(path, "description")...)
	switch {
	case s.ThresholdMetric == nil && s.RatioMetric == nil:
		v.fail(o.at(path...), "thresholdMetric or ratioMetric is required")
	case s.ThresholdMetric != nil && s.RatioMetric != nil:
		v.fail(o.at(path...), "thresholdMetric and ratioMetric exclude each other")
	}
	r := s.RatioMetric
	if r == nil {
		return
	}
	rp := append(path, "ratioMetric")
	switch {
	case r.Raw != nil:
		if r.Good != nil || r.Bad != nil || r.Total != nil {
			v.fail(o.at(rp...), "ratioMetric.raw excludes good, bad and total")
		}
		if r.RawType != "success" && r.RawType != "failure" {
			v.fail(o.at(append(rp, "rawType")...), "ratioMetric.rawType (success or failure) is required with raw")
		}
	case r.Total == nil:
		v.fail(o.at(rp...), "ratioMetric: total (with good or bad), or raw, is required")
	case r.Good == nil && r.Bad == nil:
		v.fail(o.at(rp...), "ratioMetric: good or bad is required with total")
	case r.Good != nil && r.Bad != nil:
		v.fail(o.at(append(rp, "bad")...), "ratioMetric: good and bad exclude each other")
	case r.RawType != "":
		v.fail(o.at(append(rp, "rawType")...), "ratioMetric.rawType applies only to raw")
	}
}

func (v *validator) policy(s *AlertPolicySpec, path ...string) {
	o := v.o
	v.description(s.Description, append(path, "description")...)
	if len(s.Conditions) != 1 {
		v.fail(o.at(append(path, "conditions")...), "conditions takes exactly one condition")
	}
	for _, c := range s.Conditions {
		switch {
		case c.ConditionRef == "" && c.Spec == nil:
			v.fail(o.at(append(path, "conditions")...), "a condition needs conditionRef or an inline AlertCondition")
		case c.Spec != nil:
			v.condition(c.Spec, append(path, "conditions")...)
		}
	}
	if len(s.NotificationTargets) == 0 {
		v.fail(o.at(append(path, "notificationTargets")...), "notificationTargets is required")
	}
	for _, t := range s.NotificationTargets {
		switch {
		case t.TargetRef == "" && t.Spec == nil:
			v.fail(o.at(append(path, "notificationTargets")...), "a notification target needs targetRef or an inline AlertNotificationTarget")
		case t.Spec != nil:
			v.target(t.Spec, append(path, "notificationTargets")...)
		}
	}
}

func (v *validator) condition(s *AlertConditionSpec, path ...string) {
	o := v.o
	v.description(s.Description, append(path, "description")...)
	if s.Severity == "" {
		v.fail(o.at(append(path, "severity")...), "severity is required")
	}
	c := s.Condition
	cp := append(path, "condition")
	if c.Kind != "" && c.Kind != "burnrate" {
		v.fail(o.at(append(cp, "kind")...), "condition.kind %q: the only kind is burnrate", c.Kind)
	}
	if !ops[c.Op] {
		v.fail(o.at(append(cp, "op")...), "condition.op %q: one of lte, gte, lt, gt is required", c.Op)
	}
	if c.Threshold.Text == "" {
		v.fail(o.at(append(cp, "threshold")...), "condition.threshold is required")
	}
	v.duration(c.LookbackWindow, true, append(cp, "lookbackWindow")...)
	if c.AlertAfter != "0m" {
		v.duration(c.AlertAfter, false, append(cp, "alertAfter")...)
	}
}

func (v *validator) target(s *AlertNotificationTargetSpec, path ...string) {
	v.description(s.Description, append(path, "description")...)
	if s.Target == "" {
		v.fail(v.o.at(append(path, "target")...), "target is required")
	}
}

// windowRE matches {{.window}} as text/template writes it, with spaces too.
var windowRE = regexp.MustCompile(`\{\{-?\s*\.window\s*-?\}\}`)
