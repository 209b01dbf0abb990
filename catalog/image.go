package catalog

import (
	"errors"
	"regexp"
)

// ImageRef is a container image reference split into its parts:
// registry.example.com:5000/shop/payment:1.4.2@sha256:<hex>.
type ImageRef struct {
	// Name is the repository, with its registry when one is written.
	Name string
	// Tag is "" when the reference has none (a runtime then pulls latest).
	Tag string
	// Digest is "" when the reference has none; it pins the content.
	Digest string
}

// The reference grammar of the OCI distribution spec, as container runtimes
// parse it (IPv6 registries left out).
var imageRef = regexp.MustCompile(`^(` +
	`(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?/)?` +
	`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*` +
	`)(?::([\w][\w.-]{0,127}))?` +
	`(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`)

// ParseImage splits ref, or says why it is not an image reference.
func ParseImage(ref string) (ImageRef, error) {
	m := imageRef.FindStringSubmatch(ref)
	if m == nil {
		return ImageRef{}, errors.New("not an image reference ([registry/]repository[:tag][@digest], repository in lowercase)")
	}
	if len(m[1]) > 255 {
		return ImageRef{}, errors.New("repository name longer than 255 characters")
	}
	return ImageRef{Name: m[1], Tag: m[2], Digest: m[3]}, nil
}
