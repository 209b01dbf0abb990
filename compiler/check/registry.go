package check

// registry lists every rule; each is defined in a file named after it.
var registry = []*Rule{
	burnAlertReachable,
	customSLIQuery,
	defaultReceiver,
	emailNeedsSMTP,
	errorStatusRegex,
	latencyThresholdBucket,
	selfDependency,
	teamWithoutReceivers,
	unknownDependency,
	unknownTeam,
}
