package conventions

import (
	"crypto/sha256"
	"encoding/hex"
)

// Names of the Grafana dashboards that the Grafana target writes, the
// Prometheus target's alerts link to, and the compiler checks.

// DashboardUID is the uid of a service's Grafana dashboard: the service name
// where it fits Grafana's 40-character limit, else a prefix and a hash.
func DashboardUID(service string) string {
	const prefix = "svcgen-"
	if len(prefix)+len(service) <= 40 {
		return prefix + service
	}
	sum := sha256.Sum256([]byte(service))
	h := hex.EncodeToString(sum[:])[:8]
	return prefix + service[:40-len(prefix)-9] + "-" + h
}

// OverviewDashboardUID is the uid of the SLO overview dashboard.
const OverviewDashboardUID = "svcgen-slo-overview"

// DashboardURL is the link alerts carry to a service's dashboard.
func DashboardURL(grafana, service string) string {
	return grafana + "/d/" + DashboardUID(service)
}

// OverviewDashboardURL is the link to the SLO overview dashboard; with
// grafana "" it is the path Grafana resolves against its own address.
func OverviewDashboardURL(grafana string) string {
	return grafana + "/d/" + OverviewDashboardUID
}

// DashboardTagMaxLen is the longest dashboard tag Grafana accepts, in bytes:
// its database column holds 50, and Grafana 12.4 and later refuse a longer
// tag when a dashboard is saved or provisioned.
const DashboardTagMaxLen = 50

// DashboardTag is the tag every generated dashboard carries, so that each
// one can list the others in a dropdown.
const DashboardTag = "svcgen"

// DashboardTeamTag is the tag of the dashboards of a team's services
// (team:payments): prefixed, so that a team called "critical" is not
// mistaken for a tier.
func DashboardTeamTag(team string) string { return "team:" + team }

// DashboardTierTag is the tag of the dashboards of a tier's services
// (tier:critical).
func DashboardTierTag(tier string) string { return "tier:" + tier }
