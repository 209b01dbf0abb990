package catalog

import (
	"fmt"
	"slices"
	"testing"
)

func TestWorkloads(t *testing.T) {
	base := func(d Deploy) *Service {
		return &Service{Name: "a", Image: "r/a:1", Replicas: Replicas{Min: 3, Max: 9}, Deploy: d}
	}
	for _, tc := range []struct {
		name string
		s    *Service
		want []string // name version image min..max live
	}{
		{"rolling", base(Deploy{Strategy: StrategyRolling}),
			[]string{"a stable r/a:1 3..9 true"}},
		{"canary", base(Deploy{Strategy: StrategyCanary, Canary: &Canary{Replicas: 2, Image: "r/a:2"}}),
			[]string{"a stable r/a:1 3..9 true", "a-canary canary r/a:2 2..2 true"}},
		{"blue-green", base(Deploy{Strategy: StrategyBlueGreen, BlueGreen: &BlueGreen{Active: Green, Images: ColorImages{Blue: "r/a:1", Green: "r/a:2"}}}),
			[]string{"a-blue blue r/a:1 3..9 false", "a-green green r/a:2 3..9 true"}},
	} {
		var got []string
		for _, w := range tc.s.Workloads() {
			got = append(got, fmt.Sprintf("%s %s %s %d..%d %v", w.Name, w.Version, w.Image, w.MinReplicas, w.MaxReplicas, w.Live))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: Workloads() =\n  %q\nwant\n  %q", tc.name, got, tc.want)
		}
	}
}
