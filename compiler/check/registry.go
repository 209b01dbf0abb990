package check

// registry lists every rule; each is defined in a file named after it.
var registry = []*Rule{
	bulkheadTooLarge,
	bulkheadTooSmall,
	criticalWithoutPager,
	defaultReceiver,
	doubleRetryOwner,
	emailNeedsSMTP,
	meshDuration,
	meshHostConflict,
	meshRetryNeedsHTTP,
	meshRetryNonIdempotent,
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
	criticalSingleReplica,
	imagePinned,
	probeSeconds,
	replicasRange,
	resourceQuantities,
	rolloutCannotProgress,
	serviceNameDNS1035,
}
