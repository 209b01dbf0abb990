// Package emit is the contract between svcgen's emitters and its output
// directory.
//
// Input: a checked *catalog.Catalog and the emitters to run. Output: the
// generated files in memory ([]File, sorted by path), and then either a
// directory replaced atomically with them (Write) or a unified diff against
// it (Diff). Emitters are pure functions of the model; only this package
// touches the disk.
package emit
