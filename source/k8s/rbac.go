package k8s

import (
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/tree"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// role reads a Role or ClusterRole. A rule that cannot be read is an
// error; the role then records that its rules are incomplete, so that no
// control passes a subject on the rules that were left.
func (l *loader) role(n *tree.Node, m meta, cluster bool) {
	r := &model.RBACRole{Ref: m.ref, Cluster: cluster, Name: m.name, Labels: m.labels}
	if !cluster {
		// Without metadata.namespace the namespace is given when the
		// manifest is applied (kubectl apply -n): unknown, not an error.
		r.Namespace = m.ns
	}
	rules := n.Get("rules")
	switch {
	case rules == nil || rules.Kind == tree.Null:
	case rules.Kind != tree.Array:
		l.diags.Errorf(rules.At, "rules is a %s, want a list", rules.Kind)
		r.Incomplete = "its rules could not be read (" + rules.At.String() + ")"
	default:
		for _, it := range rules.Items {
			rule, ok := l.rule(it)
			if !ok {
				r.Incomplete = "a rule could not be read (" + it.At.String() + ")"
				continue
			}
			rule.Role = r
			r.Rules = append(r.Rules, rule)
		}
	}
	if agg := n.Get("aggregationRule"); agg != nil && agg.Kind != tree.Null {
		if !cluster {
			l.diags.Errorf(agg.At, "aggregationRule is only valid on a ClusterRole")
		} else {
			r.Aggregation = l.aggregation(agg, r)
		}
	}
	l.ev.RBACRoles = append(l.ev.RBACRoles, r)
}

func (l *loader) rule(n *tree.Node) (model.RBACRule, bool) {
	rule := model.RBACRule{At: n.At}
	if n.Kind != tree.Object {
		l.diags.Errorf(n.At, "a rule is a %s, want an object", n.Kind)
		return rule, false
	}
	ok := true
	read := func(key string) []string {
		v, good := l.strings(n.Get(key), key)
		ok = ok && good
		return v
	}
	rule.Verbs = read("verbs")
	rule.APIGroups = read("apiGroups")
	rule.Resources = read("resources")
	rule.ResourceNames = read("resourceNames")
	rule.NonResourceURLs = read("nonResourceURLs")
	if why := rule.Invalid("apiGroups"); ok && why != "" {
		l.diags.Errorf(n.At, "%s", why)
		return rule, false
	}
	return rule, ok
}

// aggregation reads aggregationRule.clusterRoleSelectors, validating each
// selector with apimachinery, as the API server does on admission.
func (l *loader) aggregation(n *tree.Node, r *model.RBACRole) *model.AggregationRule {
	agg := &model.AggregationRule{At: n.At}
	sels := n.Get("clusterRoleSelectors")
	if n.Kind != tree.Object || (sels != nil && sels.Kind != tree.Array && sels.Kind != tree.Null) {
		l.diags.Errorf(n.At, "aggregationRule must be an object with a clusterRoleSelectors list")
		r.Incomplete = "its aggregationRule could not be read"
		return agg
	}
	if sels == nil {
		return agg
	}
	for _, s := range sels.Items {
		sel, ok := l.selector(s)
		if !ok {
			r.Incomplete = "an aggregation selector could not be read (" + s.At.String() + ")"
			continue
		}
		agg.Selectors = append(agg.Selectors, sel)
	}
	return agg
}

func (l *loader) selector(n *tree.Node) (model.LabelSelector, bool) {
	sel := model.LabelSelector{At: n.At}
	if n.Kind != tree.Object {
		l.diags.Errorf(n.At, "a clusterRoleSelector is a %s, want an object", n.Kind)
		return sel, false
	}
	sel.MatchLabels = l.stringMap(n.Get("matchLabels"), "matchLabels")
	var api metav1.LabelSelector
	api.MatchLabels = sel.MatchLabels
	if ex := n.Get("matchExpressions"); ex != nil && ex.Kind != tree.Null {
		if ex.Kind != tree.Array {
			l.diags.Errorf(ex.At, "matchExpressions is a %s, want a list", ex.Kind)
			return sel, false
		}
		for _, it := range ex.Items {
			key, _ := it.Get("key").Str()
			op, _ := it.Get("operator").Str()
			vals, ok := l.strings(it.Get("values"), "values")
			if !ok {
				return sel, false
			}
			sel.MatchExpressions = append(sel.MatchExpressions, model.LabelRequirement{Key: key, Operator: op, Values: vals})
			api.MatchExpressions = append(api.MatchExpressions, metav1.LabelSelectorRequirement{Key: key, Operator: metav1.LabelSelectorOperator(op), Values: vals})
		}
	}
	if _, err := metav1.LabelSelectorAsSelector(&api); err != nil {
		l.diags.Errorf(n.At, "invalid clusterRoleSelector: %v", err)
		return sel, false
	}
	return sel, true
}

// subjectKinds are the kinds a binding subject may have.
var subjectKinds = map[string]bool{rbacv1.UserKind: true, rbacv1.GroupKind: true, rbacv1.ServiceAccountKind: true}

func (l *loader) binding(n *tree.Node, m meta, cluster bool) {
	b := &model.RBACBinding{Ref: m.ref, Cluster: cluster, Name: m.name, Namespace: m.ns}
	rr := n.Get("roleRef")
	if rr == nil || rr.Kind != tree.Object {
		l.diags.Errorf(n.At, "%s %s has no roleRef object", kindOf(cluster), m.name)
		return
	}
	b.RoleRef.At = rr.At
	b.RoleRef.Kind, _ = rr.Get("kind").Str()
	b.RoleRef.Name, _ = rr.Get("name").Str()
	if nm := rr.Get("name"); nm != nil {
		b.RoleRef.At = nm.At // the name is what a reader checks
	}
	switch {
	case b.RoleRef.Name == "":
		l.diags.Errorf(rr.At, "roleRef has no name")
		return
	case b.RoleRef.Kind != "Role" && b.RoleRef.Kind != "ClusterRole":
		l.diags.Errorf(rr.At, "roleRef kind %q is neither Role nor ClusterRole", b.RoleRef.Kind)
		return
	case cluster && b.RoleRef.Kind == "Role":
		l.diags.Errorf(rr.At, "a ClusterRoleBinding can only reference a ClusterRole, not Role %q", b.RoleRef.Name)
		return
	}
	if g, ok := rr.Get("apiGroup").Str(); ok && g != rbacv1.GroupName {
		l.diags.Errorf(rr.Get("apiGroup").At, "roleRef apiGroup is %q, want %s", g, rbacv1.GroupName)
		return
	}
	subs := n.Get("subjects")
	if subs != nil && subs.Kind != tree.Array && subs.Kind != tree.Null {
		l.diags.Errorf(subs.At, "subjects is a %s, want a list", subs.Kind)
		return
	}
	if subs != nil {
		for _, s := range subs.Items {
			if sub, ok := l.subject(s, b); ok {
				b.Subjects = append(b.Subjects, sub)
			}
		}
	}
	l.ev.RBACBindings = append(l.ev.RBACBindings, b)
}

func (l *loader) subject(n *tree.Node, b *model.RBACBinding) (model.Subject, bool) {
	s := model.Subject{At: n.At}
	if n.Kind != tree.Object {
		l.diags.Errorf(n.At, "a subject is a %s, want an object", n.Kind)
		return s, false
	}
	s.Kind, _ = n.Get("kind").Str()
	s.Name, _ = n.Get("name").Str()
	s.Namespace, _ = n.Get("namespace").Str()
	switch {
	case !subjectKinds[s.Kind]:
		l.diags.Errorf(n.At, "subject kind %q is not User, Group or ServiceAccount", s.Kind)
		return s, false
	case s.Name == "":
		l.diags.Errorf(n.At, "a %s subject has no name", s.Kind)
		return s, false
	case s.Kind == rbacv1.ServiceAccountKind && s.Namespace == "":
		// The authorizer takes the RoleBinding's namespace for it
		// (appliesToUser); a ClusterRoleBinding must name one.
		// A RoleBinding whose own namespace is set at apply time puts
		// it there too: left empty, as unknown as the binding's.
		switch {
		case b.Cluster:
			l.diags.Errorf(n.At, "ServiceAccount subject %s has no namespace", s.Name)
			return s, false
		case b.Namespace.IsSet():
			s.Namespace = b.Namespace.Val
		}
	}
	return s, true
}

func kindOf(cluster bool) string {
	if cluster {
		return "ClusterRoleBinding"
	}
	return "RoleBinding"
}
