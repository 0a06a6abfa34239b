package controls

import (
	"testing"

	"github.com/emrguard/emrguard/model"
)

// Ensure rule matching follows upstream's evaluation_helpers.go on the
// cases aws-emr-facts.md §7.2 lists: wildcards, subresources, and
// resourceNames that cannot restrict a create of a new object.
func TestPermissionGrants(t *testing.T) {
	rule := func(groups, resources, verbs, names []string) *model.RBACRule {
		return &model.RBACRule{APIGroups: groups, Resources: resources, Verbs: verbs, ResourceNames: names}
	}
	core, all := []string{""}, []string{"*"}
	cases := []struct {
		name string
		p    permission
		r    *model.RBACRule
		want string
	}{
		{"star on star", permCreatePods, rule(all, all, all, nil), "create"},
		{"pods create", permCreatePods, rule(core, []string{"pods"}, []string{"create"}, nil), "create"},
		{"wrong group", permCreatePods, rule([]string{"apps"}, []string{"pods"}, []string{"create"}, nil), ""},
		{"named create", permCreatePods, rule(core, []string{"pods"}, []string{"create"}, []string{"p"}), ""},
		{"pods is not pods/exec", permExec, rule(core, []string{"pods"}, all, nil), ""},
		{"pods/* is a literal subresource", permExec, rule(core, []string{"pods/*"}, all, nil), ""},
		{"*/* grants nothing useful", permExec, rule(core, []string{"*/*"}, all, nil), ""},
		{"*/exec", permExec, rule(core, []string{"*/exec"}, []string{"create"}, nil), "create"},
		{"get pods/exec", permExec, rule(core, []string{"pods/exec"}, []string{"get"}, nil), "get"},
		{"named exec", permExec, rule(core, []string{"pods/exec"}, []string{"create"}, []string{"driver"}), "create"},
		{"* covers subresources", permExec, rule(core, all, []string{"create"}, nil), "create"},
		{"named update", permConfigmaps, rule(core, []string{"configmaps"}, []string{"update"}, []string{"c"}), "update"},
		{"named deletecollection", permConfigmaps, rule(core, []string{"configmaps"}, []string{"deletecollection"}, []string{"c"}), ""},
		{"configmaps read only", permConfigmaps, rule(core, []string{"configmaps"}, []string{"get", "list", "watch"}, nil), ""},
		{"webhooks in their group", permWebhooks, rule([]string{"admissionregistration.k8s.io"}, []string{"mutatingwebhookconfigurations"}, []string{"patch"}, nil), "patch"},
		{"webhooks in core", permWebhooks, rule(core, []string{"mutatingwebhookconfigurations"}, []string{"patch"}, nil), ""},
		{"validating is not mutating", permWebhooks, rule(all, []string{"validatingwebhookconfigurations"}, all, nil), ""},
		{"secrets watch", permSecrets, rule(core, []string{"secrets"}, []string{"watch"}, nil), "watch"},
		{"non-resource URLs", permSecrets, &model.RBACRule{NonResourceURLs: []string{"*"}, Verbs: all}, ""},
	}
	for _, c := range cases {
		if got := c.p.grants(c.r); got != c.want {
			t.Errorf("%s: grants %q, want %q", c.name, got, c.want)
		}
	}
}
