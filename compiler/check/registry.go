package check

// registry lists every rule; each is defined in a file named after it.
var registry = []*Rule{
	burnAlertReachable,
	criticalWithoutPager,
	customSLIQuery,
	defaultReceiver,
	emailNeedsSMTP,
	errorStatusRegex,
	goNameCollision,
	latencyThresholdBucket,
	meshDuration,
	meshHostConflict,
	meshRetryNeedsHTTP,
	meshRetryNonIdempotent,
	retryBudget,
	selfDependency,
	teamWithoutReceivers,
	unknownDependency,
	unknownTeam,

	// Kubernetes
	budgetBlocksEviction,
	criticalSingleReplica,
	imagePinned,
	probeSeconds,
	replicasRange,
	resourceQuantities,
	rolloutCannotProgress,
	serviceNameDNS1035,

	// Grafana
	dashboardTagLength,
	dashboardUIDUnique,
}
