package goclient

import (
	"path"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/emitters/emit"
)

// Emitter writes one Go package per service that has dependencies.
type Emitter struct{}

// Name implements emit.Emitter.
func (Emitter) Name() string { return Target }

// Emit returns the target's files sorted by path.
func (e Emitter) Emit(c *catalog.Catalog) ([]emit.File, error) { return emit.Collect(c, e) }

// EmitTo implements emit.Emitter: a package's file goes to out as soon as
// it is rendered.
func (Emitter) EmitTo(c *catalog.Catalog, out func(emit.File) error) error {
	for _, s := range c.Services {
		if len(s.Dependencies) == 0 {
			continue
		}
		deps, err := renderDependencies(c, s)
		if err != nil {
			return err
		}
		if err := out(emit.File{Path: path.Join(Dir(s.Name), DependenciesFile), Data: deps}); err != nil {
			return err
		}
	}
	return nil
}
