package check

// registry lists every rule; each is defined in a file named after it.
var registry = []*Rule{
	bulkheadTooLarge,
	bulkheadTooSmall,
	burnAlertReachable,
	criticalWithoutPager,
	customSLIQuery,
	defaultReceiver,
	doubleRetryOwner,
	emailNeedsSMTP,
	errorStatusRegex,
	goNameCollision,
	latencyThresholdBucket,
	meshDuration,
	meshHostConflict,
	meshRetryNeedsHTTP,
	meshRetryNonIdempotent,
	pageUnreachable,
	retryAmplification,
	retryBudget,
	selfDependency,
	sloFeasibility,
	synchronousCycle,
	teamWithoutReceivers,
	timeoutHierarchy,
	unknownDependency,
	unknownTeam,
	unusedTeam,

	// Kubernetes
	budgetBlocksEviction,
	clusterOwnedName,
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
