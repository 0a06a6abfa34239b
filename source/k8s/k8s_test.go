package k8s

import (
	"fmt"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/tree"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

func load(t *testing.T, text string) (*model.Evidence, []string) {
	t.Helper()
	docs, err := tree.ParseYAML("m.yaml", []byte(text))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	ev, diags := Load("m.yaml", docs)
	var msgs []string
	for _, d := range diags {
		msgs = append(msgs, d.Error())
	}
	return ev, msgs
}

// Ensure objects of kinds not read here, and documents that are not
// Kubernetes objects, are skipped without a word.
func TestUnknownKindsIgnored(t *testing.T) {
	ev, msgs := load(t, `
apiVersion: v1
kind: Service
metadata: {name: s, namespace: a}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: n, namespace: a}
---
just: a map
---
- a list
`)
	if len(msgs) != 0 || len(ev.RBACRoles)+len(ev.RBACBindings)+len(ev.Workloads) != 0 {
		t.Fatalf("want nothing read and no message, got %v", msgs)
	}
}

// Ensure malformed RBAC objects are errors naming the line, the other
// objects of the stream are still read, and a role with an unreadable rule
// is marked incomplete (so no control passes on it).
func TestMalformedRBAC(t *testing.T) {
	ev, msgs := load(t, `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: a}
subjects: [{kind: Robot, name: r2}]
roleRef: {kind: Role, name: x}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: a}
rules:
  - {apiGroups: [""], resources: [pods], verbs: create}
  - {apiGroups: [""], resources: [secrets], verbs: [get]}
  - {apiGroups: [], resources: [configmaps], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: c}
roleRef: {kind: Role, name: x}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBindingg
metadata: {name: typo}
---
apiVersion: v1
kind: Role
metadata: {name: wrong-group}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agg}
aggregationRule:
  clusterRoleSelectors:
    - matchExpressions: [{key: k, operator: Near, values: [v]}]
`)
	want := []string{
		"m.yaml:4:12: subject kind \"Robot\"",
		"m.yaml:11:49: verbs is a string",
		"m.yaml:13:5: a rule names resources but no apiGroups",
		"m.yaml:18:10: a ClusterRoleBinding can only reference a ClusterRole",
		"m.yaml:20:1: unknown RBAC kind \"RoleBindingg\"",
		"m.yaml:24:13: Role has apiVersion \"v1\"",
		"m.yaml:33:7: invalid clusterRoleSelector",
	}
	if len(msgs) != len(want) {
		t.Errorf("got %d messages, want %d:\n%s", len(msgs), len(want), strings.Join(msgs, "\n"))
	}
	for i, w := range want {
		if i < len(msgs) && !strings.HasPrefix(msgs[i], w) {
			t.Errorf("message %d = %q, want prefix %q", i, msgs[i], w)
		}
	}
	if len(ev.RBACBindings) != 1 || len(ev.RBACBindings[0].Subjects) != 0 {
		t.Errorf("the binding with a bad subject should be kept without it")
	}
	var r *model.RBACRole
	for _, x := range ev.RBACRoles {
		if x.Name == "r" {
			r = x
		}
	}
	if r == nil || len(r.Rules) != 1 || r.Incomplete == "" {
		t.Fatalf("role r: want the readable rule kept and the role marked incomplete, got %+v", r)
	}
}

// Ensure a kubectl List is read item by item, with each rule at its line,
// and the aws-auth mappings keep their lines inside the block string.
func TestListAndAWSAuth(t *testing.T) {
	ev, msgs := load(t, `apiVersion: v1
kind: List
items:
  - apiVersion: rbac.authorization.k8s.io/v1
    kind: Role
    metadata: {name: r, namespace: a}
    rules:
      - apiGroups: [""]
        resources: [pods]
        verbs: [create]
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: aws-auth, namespace: kube-system}
    data:
      mapRoles: |
        - rolearn: arn:aws:iam::210987654321:role/AWSServiceRoleForAmazonEMRContainers
          username: emr-containers
          groups: []
        - rolearn: arn:aws:iam::210987654321:role/admins
          username: admin
          groups: [system:masters]
`)
	if len(msgs) != 0 {
		t.Fatalf("unexpected messages %v", msgs)
	}
	if len(ev.RBACRoles) != 1 || ev.RBACRoles[0].Rules[0].At.Line != 8 {
		t.Fatalf("rule: want one at line 8, got %+v", ev.RBACRoles)
	}
	if len(ev.AuthMappings) != 2 || ev.AuthMappings[1].At.Line != 19 || ev.AuthMappings[1].Groups[0] != "system:masters" {
		t.Fatalf("aws-auth: got %+v", ev.AuthMappings)
	}
	if _, ok := ev.RBAC().EMRUser("emr-containers"); !ok {
		t.Error("emr-containers should be EMR's user")
	}
}

// Ensure model.LabelSelector.Matches agrees with apimachinery's selectors
// on every operator, with present, absent and differing labels.
func TestSelectorMatchesUpstream(t *testing.T) {
	sets := []map[string]string{{}, {"a": "1"}, {"a": "2"}, {"b": "1"}, {"a": "1", "b": "2"}}
	var sels []model.LabelSelector
	for _, op := range []string{"In", "NotIn", "Exists", "DoesNotExist"} {
		vals := []string{"1"}
		if op == "Exists" || op == "DoesNotExist" {
			vals = nil
		}
		sels = append(sels, model.LabelSelector{MatchExpressions: []model.LabelRequirement{{Key: "a", Operator: op, Values: vals}}})
	}
	sels = append(sels, model.LabelSelector{}, model.LabelSelector{MatchLabels: map[string]string{"a": "1"}},
		model.LabelSelector{MatchLabels: map[string]string{"a": "1"}, MatchExpressions: []model.LabelRequirement{{Key: "b", Operator: "NotIn", Values: []string{"1"}}}})
	for i, s := range sels {
		api := &metav1.LabelSelector{MatchLabels: s.MatchLabels}
		for _, r := range s.MatchExpressions {
			api.MatchExpressions = append(api.MatchExpressions, metav1.LabelSelectorRequirement{Key: r.Key, Operator: metav1.LabelSelectorOperator(r.Operator), Values: r.Values})
		}
		up, err := metav1.LabelSelectorAsSelector(api)
		if err != nil {
			t.Fatal(err)
		}
		for _, set := range sets {
			if got, want := s.Matches(set), up.Matches(labels.Set(set)); got != want {
				t.Errorf("selector %d (%s) on %v: got %v, apimachinery says %v", i, up, set, got, want)
			}
		}
	}
}

// Ensure a YAML alias bomb is refused with an error, not expanded.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: List\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	_, err := tree.ParseYAML("bomb.yaml", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "alias bomb") {
		t.Fatalf("want an alias-bomb error, got %v", err)
	}
}

// FuzzLoad ensures no manifest makes the reader panic or loop.
func FuzzLoad(f *testing.F) {
	f.Add("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: a}\nrules: [{apiGroups: [''], resources: [pods], verbs: [create]}]\n")
	f.Add("apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: List, items: []}]\n")
	f.Add("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata: {mapRoles: '- rolearn: x\n  groups: [a]'}\n")
	f.Add("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: c}\naggregationRule: {clusterRoleSelectors: [{matchExpressions: [{key: a, operator: In}]}]}\n")
	f.Fuzz(func(t *testing.T, s string) {
		docs, err := tree.ParseYAML("f.yaml", []byte(s))
		if err != nil || len(docs) == 0 || !Detect(docs[0]) {
			return
		}
		ev, _ := Load("f.yaml", docs)
		ev.RBAC()
	})
}

// Ensure a Role and a RoleBinding without metadata.namespace (given at
// kubectl apply -n) are read with the namespace unknown, saying why, and
// their rules and subjects read; a ClusterRole has no namespace at all.
func TestNamespaceSetAtApplyTime(t *testing.T) {
	ev, msgs := load(t, `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [patch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b}
subjects: [{kind: User, name: alice}, {kind: ServiceAccount, name: ci}]
roleRef: {kind: Role, name: r}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: c}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
`)
	if len(msgs) != 0 {
		t.Fatalf("want no message, got %v", msgs)
	}
	if len(ev.RBACRoles) != 2 || len(ev.RBACBindings) != 1 {
		t.Fatalf("read %d roles and %d bindings, want 2 and 1", len(ev.RBACRoles), len(ev.RBACBindings))
	}
	r, c, b := ev.RBACRoles[0], ev.RBACRoles[1], ev.RBACBindings[0]
	const why = "metadata.namespace is not set: the namespace is set at apply time (kubectl apply -n, or the context's namespace)"
	if !r.Namespace.IsUnknown() || r.Namespace.Why != why || len(r.Rules) != 1 {
		t.Errorf("Role: namespace %+v, %d rules; want unknown (%s), 1 rule", r.Namespace, len(r.Rules), why)
	}
	if !b.Namespace.IsUnknown() || b.Namespace.Why != why || len(b.Subjects) != 2 || b.Subjects[1].Namespace != "" {
		t.Errorf("RoleBinding namespace %+v, subjects %+v; want unknown, and a service account of the binding's namespace", b.Namespace, b.Subjects)
	}
	if !c.Namespace.IsAbsent() {
		t.Errorf("ClusterRole namespace %+v, want absent", c.Namespace)
	}
	// Applied together, the binding grants the Role of its file.
	if got, why := ev.RBAC().Role(b); got != r {
		t.Errorf("Role(b) = %v (%s), want the Role of the same file", got, why)
	}
}
