package controls_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/control/engine"
	"github.com/emrguard/emrguard/controls"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/k8s"
	"github.com/emrguard/emrguard/source/tree"
)

// clusterDump writes a `kubectl get roles,rolebindings,clusterroles,
// clusterrolebindings -A -o yaml` List of about n objects across ns
// namespaces, every one of them EMR's: per namespace the emr-containers
// Role and RoleBinding and pairs of submitter Roles and RoleBindings (three
// subjects each, rules of every kind the controls look for); and a
// hundredth of n ClusterRoles (some aggregated) with ClusterRoleBindings,
// half of them to system subjects.
func clusterDump(n, ns int) string {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: List\nitems:\n")
	obj := func(kind, name, namespace, body string) {
		labels := ""
		if l, rest, ok := strings.Cut(body, "|"); ok {
			labels, body = "    labels: "+l+"\n", rest
		}
		fmt.Fprintf(&b, "- apiVersion: rbac.authorization.k8s.io/v1\n  kind: %s\n  metadata:\n    name: %s\n%s", kind, name, labels)
		if namespace != "" {
			fmt.Fprintf(&b, "    namespace: %s\n", namespace)
		}
		b.WriteString(body)
	}
	rules := []string{
		"  - {apiGroups: [\"\"], resources: [pods, pods/log], verbs: [get, list, watch]}\n",
		"  - {apiGroups: [batch], resources: [jobs], verbs: [create, delete]}\n",
		"  - {apiGroups: [\"\"], resources: [configmaps], verbs: [get, patch]}\n",
		"  - {apiGroups: [\"\"], resources: [pods/exec], verbs: [get]}\n",
		"  - {apiGroups: [\"\"], resources: [secrets], resourceNames: [s1], verbs: [get]}\n",
	}
	cluster := n / 100
	perNS := (n - 2*cluster) / ns
	pairs := (perNS - 2) / 2
	for i := range ns {
		name := fmt.Sprintf("spark-%03d", i)
		obj("Role", "emr-containers", name, "  rules:\n"+rules[0])
		obj("RoleBinding", "emr-containers", name, "  subjects: [{kind: User, name: emr-containers}]\n  roleRef: {kind: Role, name: emr-containers}\n")
		for j := range pairs {
			r := fmt.Sprintf("submit-%d", j)
			obj("Role", r, name, "  rules:\n"+rules[j%5]+rules[(j+1)%5]+rules[(j+2)%5])
			obj("RoleBinding", r, name, fmt.Sprintf("  subjects: [{kind: User, name: u%d-%d}, {kind: Group, name: g%d}, {kind: ServiceAccount, name: sa%d}]\n  roleRef: {kind: Role, name: %s}\n", i, j, j, j, r))
		}
	}
	for k := range cluster {
		r := fmt.Sprintf("cr-%d", k)
		if k%10 == 0 {
			obj("ClusterRole", r, "", fmt.Sprintf("{agg: \"%d\"}|  aggregationRule: {clusterRoleSelectors: [{matchLabels: {tier: t%d}}]}\n", k, k%7))
		} else {
			obj("ClusterRole", r, "", fmt.Sprintf("{tier: t%d}|  rules:\n%s", k%7, rules[k%5]))
		}
		subj := fmt.Sprintf("{kind: User, name: cu%d}", k)
		if k%2 == 0 {
			subj = fmt.Sprintf("{kind: User, name: \"system:component-%d\"}", k)
		}
		obj("ClusterRoleBinding", r, "", fmt.Sprintf("  subjects: [%s]\n  roleRef: {kind: ClusterRole, name: %s}\n", subj, r))
	}
	return b.String()
}

func loadDump(b *testing.B, n int) *model.Evidence {
	docs, err := tree.ParseYAML("dump.yaml", []byte(clusterDump(n, 200)))
	if err != nil {
		b.Fatal(err)
	}
	ev, diags := k8s.Load("dump.yaml", docs)
	if err := diags.Err(); err != nil {
		b.Fatal(err)
	}
	return ev
}

// BenchmarkEKS6xx evaluates EKS601–605 over generated cluster dumps of
// 1,250, 2,500 and 5,000 roles and bindings across 200 namespaces; the
// index (roles by name, aggregation, EMR namespaces) is rebuilt each
// iteration. Time per op should grow linearly with the object count.
func BenchmarkEKS6xx(b *testing.B) {
	cs := []*control.Control{controls.EKS601, controls.EKS602, controls.EKS603, controls.EKS604, controls.EKS605}
	for _, n := range []int{1250, 2500, 5000} {
		ev := loadDump(b, n)
		b.Run(fmt.Sprintf("objects=%d", len(ev.RBACRoles)+len(ev.RBACBindings)), func(b *testing.B) {
			var results int
			for b.Loop() {
				fresh := &model.Evidence{}
				fresh.Merge(ev)
				results = len(engine.Evaluate(cs, fresh, control.IaC, control.Config{}))
			}
			b.ReportMetric(float64(results), "results/op")
		})
	}
}
