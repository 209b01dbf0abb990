// Package catalog is the typed model of a service catalog: the seam between
// the compiler, which builds it from CUE and checks it, and the emitters,
// which read it and never validate it again.
//
// Input: nothing — values are built by package compiler.
// Output: plain Go values. Every default is already resolved, every slice is
// sorted by name, and every value the user wrote keeps its source position
// (see [Sources]) so that checks and `svcgen explain` can point back at it.
//
// Names the targets must agree on (metrics, labels, alert names, uids) are
// not part of the model: they are in package conventions.
//
// The package imports nothing of svcgen's and nothing of CUE or YAML.
package catalog
