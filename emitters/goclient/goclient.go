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

// Emit implements emit.Emitter.
func (Emitter) Emit(c *catalog.Catalog) ([]emit.File, error) {
	var files []emit.File
	for _, s := range c.Services {
		if len(s.Dependencies) == 0 {
			continue
		}
		deps, err := renderDependencies(c, s)
		if err != nil {
			return nil, err
		}
		runtime, err := renderRuntime(PackageName(s.Name))
		if err != nil {
			return nil, err
		}
		files = append(files,
			emit.File{Path: path.Join(Dir(s.Name), DependenciesFile), Data: deps},
			emit.File{Path: path.Join(Dir(s.Name), RuntimeFile), Data: runtime},
		)
	}
	return files, nil
}
