package compiler

// Internals for the external tests of package compiler_test, which import
// packages (examples) that import compiler.

// ChunkSize is chunkSize.
const ChunkSize = chunkSize

// IsPlain reports whether the catalog cfg names would be evaluated in
// chunks.
func IsPlain(cfg Config) (bool, error) {
	src, _, err := readSource(cfg)
	if err != nil || src == nil { // nil: files that did not parse
		return false, err
	}
	return src.plain(), nil
}

// Whole returns cfg set to evaluate the catalog whole.
func Whole(cfg Config) Config {
	cfg.whole = true
	return cfg
}
