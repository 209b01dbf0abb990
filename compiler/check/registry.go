package check

// registry lists every rule; each is defined in a file named after it.
var registry = []*Rule{
	criticalWithoutPager,
	defaultReceiver,
	emailNeedsSMTP,
	goNameCollision,
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
}
