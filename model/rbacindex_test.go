package model

import (
	"strings"
	"sync"
	"testing"
)

// Ensure building the index leaves the roles as they are: two views of
// evidence sharing roles build their indexes at once (go test -race),
// and what one learns does not leak into the other.
func TestRBACIndexLeavesRolesAlone(t *testing.T) {
	agg := &RBACRole{Name: "agg", Cluster: true, Aggregation: &AggregationRule{Selectors: []LabelSelector{{MatchLabels: map[string]string{"a": "b"}}}}}
	other := &RBACRole{Name: "other", Cluster: true, LabelsWhy: "its labels are unknown"}
	a := &Evidence{RBACRoles: []*RBACRole{agg, other}}
	b := &Evidence{RBACRoles: []*RBACRole{agg, other}}
	var wg sync.WaitGroup
	for _, e := range []*Evidence{a, b} {
		wg.Go(func() {
			if why := e.RBAC().Incomplete(agg); !strings.Contains(why, "whether it aggregates ClusterRole other is unknown") {
				t.Errorf("incomplete %q", why)
			}
		})
	}
	wg.Wait()
	if agg.Incomplete != "" {
		t.Errorf("the role was written: %q", agg.Incomplete)
	}
	if why := (&Evidence{RBACRoles: []*RBACRole{agg}}).RBAC().Incomplete(agg); why != "" {
		t.Errorf("without the other role: %q", why)
	}
}
