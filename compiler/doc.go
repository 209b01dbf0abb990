// Package compiler turns a catalog directory into the typed model.
//
// Input: a directory of CUE files in package catalog. Output: a
// *catalog.Catalog with every default resolved and every value's source
// position kept, and diagnostics: CUE's errors rewritten at the user's
// file:line:col to say what is allowed, then the findings of the semantic
// rules of package check. A catalog with errors yields no model.
package compiler
