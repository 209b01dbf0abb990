package check

import (
	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
)

var imagePinned = &Rule{
	ID:       "image-pinned",
	Doc:      "container images must be references with a release tag other than latest, or a digest",
	Severity: diag.Error,
	Run: func(p *Pass) {
		for _, s := range p.Catalog.Services {
			for _, key := range imageKeys(s) {
				src, ok := s.Sources[key]
				if key != "image" && (!ok || src.Default != "") {
					continue // the service image, checked as such
				}
				pos := s.Sources.Pos(key, s.Pos)
				image := imageAt(s, key)
				ref, err := catalog.ParseImage(image)
				switch {
				case err != nil:
					p.Report(pos, "", "%s: %q is %v: write it as registry/repository:tag", key, image, err)
				case ref.Digest != "":
					// A digest pins the content whatever the tag says.
				case ref.Tag == "":
					p.Report(pos, s.Name, "%s: %q has no tag, so every node pulls whatever latest is when it starts a pod: pin a release tag (%s:1.2.3) or a digest (@sha256:...)",
						key, image, ref.Name)
				case ref.Tag == "latest":
					p.Report(pos, s.Name, "%s: %q runs whatever latest is when a node starts a pod, and a rollback cannot name the old release: pin a release tag or a digest",
						key, image)
				}
			}
		}
	},
}

// imageKeys are the catalog keys of the images a service's Deployments run.
func imageKeys(s *catalog.Service) []string {
	switch s.Deploy.Strategy {
	case catalog.StrategyCanary:
		return []string{"image", "deploy.canary.image"}
	case catalog.StrategyBlueGreen:
		return []string{"image", "deploy.blueGreen.images.blue", "deploy.blueGreen.images.green"}
	}
	return []string{"image"}
}

func imageAt(s *catalog.Service, key string) string {
	switch key {
	case "deploy.canary.image":
		return s.Deploy.Canary.Image
	case "deploy.blueGreen.images.blue":
		return s.Deploy.BlueGreen.Images.Blue
	case "deploy.blueGreen.images.green":
		return s.Deploy.BlueGreen.Images.Green
	}
	return s.Image
}
