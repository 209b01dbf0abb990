package check

// registry lists every rule; each is defined in a file named after it.
var registry = []*Rule{
	criticalWithoutPager,
	defaultReceiver,
	emailNeedsSMTP,
	selfDependency,
	teamWithoutReceivers,
	unknownDependency,
	unknownTeam,
}
