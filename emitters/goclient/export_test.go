package goclient

// SetGenVersion makes the emitter write version v until the returned
// function restores GenVersion.
func SetGenVersion(v int) (restore func()) {
	genVersion = v
	return func() { genVersion = GenVersion }
}
