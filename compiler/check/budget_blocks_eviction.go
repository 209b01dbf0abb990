package check

import (
	"strconv"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
)

var budgetBlocksEviction = &Rule{
	ID:       "budget-blocks-eviction",
	Doc:      "a service's disruptionBudget must allow at least one voluntary eviction from each of its Deployments at their fewest pods",
	Severity: diag.Error,
	Run: func(p *Pass) {
		for _, s := range p.Catalog.Services {
			b := s.DisruptionBudget
			switch {
			case b.MaxUnavailable != nil:
				v := *b.MaxUnavailable
				pos := s.Sources.Pos("disruptionBudget.maxUnavailable", s.Pos)
				switch {
				case v.Percent && v.Value > 100:
					p.Report(pos, "", "disruptionBudget: maxUnavailable %s is more than 100%% (Kubernetes refuses it): use at most 100%%", v)
				case v.IsZero():
					p.Report(pos, s.Name, "disruptionBudget: maxUnavailable %s blocks every voluntary eviction of %s's pods, so node drains and cluster upgrades hang on them: allow at least 1",
						v, s.Name)
				}
			case b.MinAvailable != nil:
				v := *b.MinAvailable
				pos := s.Sources.Pos("disruptionBudget.minAvailable", s.Pos)
				if v.Percent && v.Value > 100 {
					p.Report(pos, "", "disruptionBudget: minAvailable %s is more than 100%% (Kubernetes refuses it): use less than 100%%", v)
					continue
				}
				if w, keep, ok := blockingWorkload(s, v); ok {
					p.Report(pos, s.Name, "disruptionBudget: minAvailable %s keeps %d of the %d pods %s runs at its fewest (%s) available, which blocks every voluntary eviction, so node drains and cluster upgrades hang on them: %s",
						v, keep, w.MinReplicas, w.Name, floorSource(s, w), budgetFix(w.MinReplicas))
				}
			}
		}
	},
}

// blockingWorkload returns the Deployment of s with the fewest pods among
// those whose pods minAvailable would all keep, and how many it keeps. The
// fewest pods is the worst case: a count that does not keep them all at the
// minimum keeps fewer than all at any larger count.
func blockingWorkload(s *catalog.Service, min catalog.IntOrPercent) (catalog.Workload, int, bool) {
	var worst catalog.Workload
	found := false
	for _, w := range s.Workloads() {
		if keep(min, w.MinReplicas) >= w.MinReplicas && (!found || w.MinReplicas < worst.MinReplicas) {
			worst, found = w, true
		}
	}
	return worst, keep(min, worst.MinReplicas), found
}

// keep is how many of pods minAvailable keeps: the disruption controller
// rounds a percentage up, so "90%" of 3 pods keeps all 3.
func keep(min catalog.IntOrPercent, pods int) int {
	if min.Percent {
		return (min.Value*pods + 99) / 100
	}
	return min.Value
}

func floorSource(s *catalog.Service, w catalog.Workload) string {
	if w.Version == catalog.VersionCanary {
		return "deploy.canary.replicas"
	}
	return "replicas.min"
}

func budgetFix(pods int) string {
	if pods <= 1 {
		return "a single pod can only be evicted by a budget that lets it go: use maxUnavailable: 1, or run more pods"
	}
	return "use maxUnavailable: 1, or a minAvailable below " + strconv.Itoa(pods)
}
