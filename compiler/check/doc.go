// Package check holds the semantic rules svcgen applies to a compiled catalog:
// what no schema and no single consumer can see, because it spans files,
// services or targets.
//
// Input: a *catalog.Catalog with every default resolved. Output: diagnostics.
// Each rule is a registered value with an ID, a one-line doc and a severity
// (`svcgen vet --list-rules` prints them), in a file of its own.
package check
