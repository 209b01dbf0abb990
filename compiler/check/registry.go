package check

// registry lists every rule; each is defined in a file named after it.
var registry = []*Rule{
	defaultReceiver,
	emailNeedsSMTP,
	goNameCollision,
	selfDependency,
	teamWithoutReceivers,
	unknownDependency,
	unknownTeam,
}
