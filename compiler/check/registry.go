package check

// registry lists every rule; each is defined in a file named after it.
var registry = []*Rule{
	defaultReceiver,
	emailNeedsSMTP,
	meshDuration,
	meshHostConflict,
	meshRetryNeedsHTTP,
	meshRetryNonIdempotent,
	retryBudget,
	selfDependency,
	teamWithoutReceivers,
	unknownDependency,
	unknownTeam,
}
