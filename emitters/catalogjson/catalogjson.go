// Package catalogjson emits the resolved catalog as catalog.json: every
// service, SLO and dependency with every default filled in, so that a pull
// request shows what a one-line catalog change does to the values every
// other target is generated from.
//
// Input: a *catalog.Catalog. Output: one file, catalog.json, written by
// encoding/json from the model's json tags and MarshalJSON methods: fields
// in the model's declaration order, durations written as "2.29s" and
// percentages as exact decimals, no HTML escaping (a runbook URL keeps its
// &). Source positions are left out: they move whenever a line is added
// above them.
package catalogjson

import (
	"bytes"
	"encoding/json"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/emitters/emit"
)

// Emitter writes catalog.json.
type Emitter struct{}

// Name implements emit.Emitter.
func (Emitter) Name() string { return "catalog" }

// Path is the file the emitter writes.
const Path = "catalog.json"

// Emit returns the target's one file.
func (e Emitter) Emit(c *catalog.Catalog) ([]emit.File, error) { return emit.Collect(c, e) }

// EmitTo implements emit.Emitter.
func (Emitter) EmitTo(c *catalog.Catalog, out func(emit.File) error) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(c); err != nil {
		return err
	}
	return out(emit.File{Path: Path, Data: b.Bytes()})
}
