// Package schema holds the CUE schema of a service catalog and its default
// matrices, embedded so that the binary carries them.
//
// Input: nothing. Output: the schema files, which package compiler overlays
// beside the user's catalog files in the same CUE package.
package schema

import (
	"embed"
	"io/fs"
	"sort"
)

//go:embed *.cue
var files embed.FS

// File is one schema file.
type File struct {
	Name string
	Data []byte
}

// Files returns the schema files sorted by name.
func Files() []File {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		panic(err) // the embedded FS is fixed at build time
	}
	out := make([]File, 0, len(entries))
	for _, e := range entries {
		data, err := files.ReadFile(e.Name())
		if err != nil {
			panic(err)
		}
		out = append(out, File{Name: e.Name(), Data: data})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
