package resilience

// Versions of the generated code this runtime supports. svcgen writes the
// version it generates for into every package, in two constants that fail
// to compile when the runtime does not support it:
//
//	const (
//		_ = resilience.EnforceVersion(1 - resilience.MinVersion) // the generated code is too old
//		_ = resilience.EnforceVersion(resilience.MaxVersion - 1) // the runtime is too old
//	)
//
// A generated version outside [MinVersion, MaxVersion] makes one of the
// differences negative, which no EnforceVersion (an unsigned integer) can
// hold: the compiler reports "constant -1 overflows resilience.EnforceVersion"
// at the generated file. The runtime raises MaxVersion when it learns what
// newer generators emit, and MinVersion only when it drops what older ones
// relied on (a major version of this module).
const (
	// MinVersion is the oldest generated code this runtime supports.
	MinVersion = 1
	// MaxVersion is the newest generated code this runtime supports.
	MaxVersion = 1
)

// EnforceVersion exists for the compile-time check above; it has no other
// use.
type EnforceVersion uint
