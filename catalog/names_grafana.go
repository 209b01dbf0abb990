package catalog

// Names of the Grafana dashboards that the compiler checks as well as the
// Grafana emitter writes (the dashboard uids are in names.go, where the
// alerts that link to them read them).

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
func DashboardTierTag(tier Tier) string { return "tier:" + string(tier) }

// OverviewDashboardURL is the link to the SLO overview dashboard; with
// grafana "" it is the path Grafana resolves against its own address.
func OverviewDashboardURL(grafana string) string {
	return grafana + "/d/" + OverviewDashboardUID
}
