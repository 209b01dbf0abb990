package alertmanager

// The subset of Alertmanager's configuration svcgen writes, field names as
// Alertmanager's YAML spells them. Fields appear in declaration order.
// Secrets are only ever *_file paths: there is no field for an inline one.

type config struct {
	Global       global        `yaml:"global"`
	Route        route         `yaml:"route"`
	Receivers    []receiver    `yaml:"receivers"`
	InhibitRules []inhibitRule `yaml:"inhibit_rules"`
}

type global struct {
	ResolveTimeout       string `yaml:"resolve_timeout"`
	SMTPFrom             string `yaml:"smtp_from,omitempty"`
	SMTPSmarthost        string `yaml:"smtp_smarthost,omitempty"`
	SMTPAuthUsername     string `yaml:"smtp_auth_username,omitempty"`
	SMTPAuthPasswordFile string `yaml:"smtp_auth_password_file,omitempty"`
	// SMTPRequireTLS is written whenever SMTP is configured, false included
	// (Alertmanager's default is true).
	SMTPRequireTLS *bool `yaml:"smtp_require_tls,omitempty"`
}

type route struct {
	Matchers       []string `yaml:"matchers,omitempty"`
	Receiver       string   `yaml:"receiver"`
	GroupBy        []string `yaml:"group_by,omitempty"`
	GroupWait      string   `yaml:"group_wait,omitempty"`
	GroupInterval  string   `yaml:"group_interval,omitempty"`
	RepeatInterval string   `yaml:"repeat_interval,omitempty"`
	// Continue: an alert this route takes is matched against the next
	// sibling routes too (a critical alert pages and reaches the chat).
	Continue bool    `yaml:"continue,omitempty"`
	Routes   []route `yaml:"routes,omitempty"`
}

type receiver struct {
	Name      string            `yaml:"name"`
	PagerDuty []pagerdutyConfig `yaml:"pagerduty_configs,omitempty"`
	Opsgenie  []opsgenieConfig  `yaml:"opsgenie_configs,omitempty"`
	Webhook   []webhookConfig   `yaml:"webhook_configs,omitempty"`
	Slack     []slackConfig     `yaml:"slack_configs,omitempty"`
	Email     []emailConfig     `yaml:"email_configs,omitempty"`
}

// send_resolved is written for every integration, false included: the
// defaults differ by kind (false for email, true for the others).

type pagerdutyConfig struct {
	SendResolved   bool   `yaml:"send_resolved"`
	RoutingKeyFile string `yaml:"routing_key_file"`
	// Severity is the PagerDuty event's severity (critical, error,
	// warning, info), from the alerts' severity label.
	Severity    string `yaml:"severity"`
	Description string `yaml:"description"`
}

type opsgenieConfig struct {
	SendResolved bool   `yaml:"send_resolved"`
	APIKeyFile   string `yaml:"api_key_file"`
	// Priority is P1 … P5, from the alerts' severity label.
	Priority    string `yaml:"priority"`
	Message     string `yaml:"message"`
	Description string `yaml:"description"`
}

type webhookConfig struct {
	SendResolved bool   `yaml:"send_resolved"`
	URLFile      string `yaml:"url_file"`
}

type slackConfig struct {
	SendResolved bool   `yaml:"send_resolved"`
	APIURLFile   string `yaml:"api_url_file"`
	Channel      string `yaml:"channel"`
	Title        string `yaml:"title"`
	TitleLink    string `yaml:"title_link"`
	Text         string `yaml:"text"`
}

type emailConfig struct {
	SendResolved bool   `yaml:"send_resolved"`
	To           string `yaml:"to"`
}

type inhibitRule struct {
	SourceMatchers []string `yaml:"source_matchers"`
	TargetMatchers []string `yaml:"target_matchers"`
	Equal          []string `yaml:"equal"`
	// comment is written above the rule: why it exists.
	comment string
}
