package catalog

import (
	"strings"
	"testing"
)

func TestParseImage(t *testing.T) {
	const d = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	for _, tc := range []struct {
		ref  string
		want ImageRef
		bad  bool
	}{
		{ref: "nginx", want: ImageRef{Name: "nginx"}},
		{ref: "nginx:1.27", want: ImageRef{Name: "nginx", Tag: "1.27"}},
		{ref: "registry.example.com/shop/payment:1.4.2", want: ImageRef{Name: "registry.example.com/shop/payment", Tag: "1.4.2"}},
		{ref: "localhost:5000/a", want: ImageRef{Name: "localhost:5000/a"}},
		{ref: "localhost:5000/a:v1_rc-2.x", want: ImageRef{Name: "localhost:5000/a", Tag: "v1_rc-2.x"}},
		{ref: "Registry.Example.com/a__b/c-d.e:latest", want: ImageRef{Name: "Registry.Example.com/a__b/c-d.e", Tag: "latest"}},
		{ref: "r.example.com/a@" + d, want: ImageRef{Name: "r.example.com/a", Digest: d}},
		{ref: "r.example.com/a:1@" + d, want: ImageRef{Name: "r.example.com/a", Tag: "1", Digest: d}},
		{ref: "", bad: true},
		{ref: "r.example.com/Shop/a:1", bad: true}, // uppercase repository
		{ref: "r.example.com/a:", bad: true},       // empty tag
		{ref: "r.example.com/a:-1", bad: true},     // tag starts with '-'
		{ref: "r.example.com/a:" + strings.Repeat("x", 129), bad: true},
		{ref: "r.example.com/a@sha256:abc", bad: true}, // short digest
		{ref: "r.example.com//a", bad: true},
		{ref: "a b:1", bad: true},
		{ref: " r.example.com/a:1", bad: true},
		{ref: "https://r.example.com/a:1", bad: true},
		{ref: strings.Repeat("a", 256), bad: true},
	} {
		got, err := ParseImage(tc.ref)
		if tc.bad {
			if err == nil {
				t.Errorf("ParseImage(%q) = %+v, want an error", tc.ref, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseImage(%q) = %+v, %v; want %+v", tc.ref, got, err, tc.want)
		}
	}
}
