package scan

import (
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/dockerfile"
)

// loadBuildFile reads a Dockerfile or Containerfile (Dockerfile,
// Containerfile, *.Dockerfile, Dockerfile.*), known by its name since it
// is neither JSON nor YAML; ok is false for any other file, which goes on
// to the document loaders.
func loadBuildFile(path string, data []byte) (ev *model.Evidence, diags source.Diagnostics, ok bool) {
	if !dockerfile.IsDockerfile(path) {
		return nil, nil, false
	}
	ev, diags = dockerfile.Load(path, data)
	return ev, diags, true
}
