package model

import (
	"fmt"
	"sort"
	"strings"
)

// EMRUser is the Kubernetes user EMR on EKS acts as: aws-auth (or an EKS
// access entry) maps the service-linked role AWSServiceRoleForAmazonEMRContainers
// to it, and its Role and RoleBinding "emr-containers" mark the namespaces
// EMR runs jobs in.
const EMRUser = "emr-containers"

// EMRServiceLinkedRole is the IAM role EMR on EKS acts through.
const EMRServiceLinkedRole = "AWSServiceRoleForAmazonEMRContainers"

// RBACIndex is the lookups of the Kubernetes evidence, built once per
// Evidence: roles by namespace and name, the effective rules of aggregated
// ClusterRoles, EMR's namespaces and EMR's own user names. Building it is
// linear in roles and bindings (aggregation adds aggregating roles × cluster
// roles), so controls that walk bindings × rules stay linear too.
type RBACIndex struct {
	roles          map[string]*RBACRole // "namespace/name"
	unplaced       map[string]*RBACRole // "file\x00name": Roles whose namespace is given at apply time
	unplacedByName map[string]*RBACRole // the first of those by name
	clusterRoles   map[string]*RBACRole
	rules          map[*RBACRole][]*RBACRule
	emrNS          map[string]string    // namespace → why it is EMR's
	maybeNS        map[string]string    // namespace → why it may be EMR's (a RoleBinding there binds a user not known)
	emrUsers       map[string]string    // username → why it is EMR's
	incomplete     map[*RBACRole]string // aggregated ClusterRoles whose rules are not fully known, and why
}

// RBAC returns the index of e's Kubernetes evidence. Add resources (Merge)
// before calling it.
func (e *Evidence) RBAC() *RBACIndex { return rbacView.Of(e) }

var rbacView = NewView(buildRBAC)

func buildRBAC(e *Evidence) *RBACIndex {
	x := &RBACIndex{
		roles: map[string]*RBACRole{}, unplaced: map[string]*RBACRole{}, unplacedByName: map[string]*RBACRole{}, clusterRoles: map[string]*RBACRole{},
		rules: map[*RBACRole][]*RBACRule{}, emrNS: map[string]string{}, maybeNS: map[string]string{},
		emrUsers: map[string]string{EMRUser: "EMR on EKS's documented user"},
	}
	var aggregating []*RBACRole
	var clusterRoles []*RBACRole
	for _, r := range e.RBACRoles {
		if r.Cluster {
			if _, dup := x.clusterRoles[r.Name]; !dup {
				x.clusterRoles[r.Name] = r
				clusterRoles = append(clusterRoles, r)
			}
			if r.Aggregation != nil {
				aggregating = append(aggregating, r)
			}
			continue
		}
		if !r.Namespace.IsSet() {
			key := r.Ref.Loc.File + "\x00" + r.Name
			if _, dup := x.unplaced[key]; !dup && !r.OwnNamespace {
				x.unplaced[key] = r
			}
			if _, dup := x.unplacedByName[r.Name]; !dup {
				x.unplacedByName[r.Name] = r
			}
			continue
		}
		key := r.Namespace.Val + "/" + r.Name
		if _, dup := x.roles[key]; !dup {
			x.roles[key] = r
		}
	}
	a := aggregator{x: x, all: clusterRoles, state: map[*RBACRole]uint8{}}
	for _, r := range aggregating {
		a.rulesOf(r)
	}
	for _, r := range e.RBACRoles {
		if _, done := x.rules[r]; !done {
			x.rules[r] = own(r)
		}
	}
	for _, m := range e.AuthMappings {
		if strings.HasSuffix(m.ARN, "/"+EMRServiceLinkedRole) && m.Username != "" {
			x.emrUsers[m.Username] = fmt.Sprintf("aws-auth maps %s to it (%s)", EMRServiceLinkedRole, m.At)
		}
	}
	for _, n := range e.EMRNamespaces {
		x.addNS(n.Name, "declared with "+n.Ref.ID)
	}
	for _, vc := range e.VirtualClusters {
		if vc.Namespace.IsSet() && !strings.EqualFold(vc.State.Get(""), "TERMINATED") {
			x.addNS(vc.Namespace.Val, fmt.Sprintf("virtual cluster %s runs in it (%s)", vc.Ref.ID, vc.Namespace.At.Or(vc.Ref.Loc)))
		}
	}
	for _, b := range e.RBACBindings {
		if b.Cluster || !b.Namespace.IsSet() {
			continue
		}
		for _, s := range b.Subjects {
			switch {
			case s.Why == "" && s.Kind == "User" && x.emrUsers[s.Name] != "":
				x.addNS(b.Namespace.Val, fmt.Sprintf("RoleBinding %s binds EMR's user %s (%s)", b.Name, s.Name, s.At))
			case s.Why != "" && (s.Kind == "" || s.Kind == "User"):
				if _, dup := x.maybeNS[b.Namespace.Val]; !dup {
					x.maybeNS[b.Namespace.Val] = fmt.Sprintf("RoleBinding %s binds a subject that may be EMR's user: %s (%s)", b.Name, s.Why, s.At)
				}
			}
		}
	}
	for ns := range x.emrNS {
		delete(x.maybeNS, ns)
	}
	return x
}

func (x *RBACIndex) addNS(ns, why string) {
	if _, ok := x.emrNS[ns]; !ok {
		x.emrNS[ns] = why
	}
}

// Incomplete says why r's rules are not fully known, or "": they could
// not be read (RBACRole.Incomplete), or it aggregates a ClusterRole whose
// labels are not known.
func (x *RBACIndex) Incomplete(r *RBACRole) string {
	if r.Incomplete != "" {
		return r.Incomplete
	}
	return x.incomplete[r]
}

// aggregator fills aggregated ClusterRoles as the API server's
// clusterrole-aggregation controller does, to its fixed point: a role's
// rules are its own plus those of every ClusterRole a selector matches,
// themselves aggregated. A cycle is cut where it closes. Its own rules are
// kept because a `kubectl get` dump already holds the controller's result,
// which may include roles that are not among the inputs.
type aggregator struct {
	x     *RBACIndex
	all   []*RBACRole
	state map[*RBACRole]uint8 // 1 in progress, 2 done
}

func (a *aggregator) rulesOf(r *RBACRole) []*RBACRule {
	if r.Aggregation == nil || a.state[r] == 1 {
		return own(r)
	}
	if a.state[r] == 2 {
		return a.x.rules[r]
	}
	a.state[r] = 1
	seen := map[*RBACRule]bool{}
	var out []*RBACRule
	add := func(rs []*RBACRule) {
		for _, rule := range rs {
			if !seen[rule] {
				seen[rule] = true
				out = append(out, rule)
			}
		}
	}
	add(own(r))
	for _, c := range a.all {
		if c == r {
			continue
		}
		if c.LabelsWhy != "" {
			// No guess either way (NotIn matches no labels): unknown.
			// Kept in the index, not on the role: evidence is shared by
			// the views built at once.
			if len(r.Aggregation.Selectors) > 0 && a.x.Incomplete(r) == "" {
				if a.x.incomplete == nil {
					a.x.incomplete = map[*RBACRole]string{}
				}
				a.x.incomplete[r] = fmt.Sprintf("whether it aggregates ClusterRole %s is unknown: its %s", c.Name, c.LabelsWhy)
			}
			continue
		}
		for _, s := range r.Aggregation.Selectors {
			if s.Matches(c.Labels) {
				add(a.rulesOf(c))
				break
			}
		}
	}
	a.x.rules[r] = out
	a.state[r] = 2
	return out
}

func own(r *RBACRole) []*RBACRule {
	out := make([]*RBACRule, len(r.Rules))
	for i := range r.Rules {
		out[i] = &r.Rules[i]
		if out[i].Role == nil {
			out[i].Role = r
		}
	}
	return out
}

// Rules returns the effective rules of r: its own, and for an aggregated
// ClusterRole those of the roles it aggregates. Each rule's Role says
// which role declares it.
func (x *RBACIndex) Rules(r *RBACRole) []*RBACRule { return x.rules[r] }

// Role returns the role b grants, or nil and why when the inputs do not
// hold it or the reference is invalid.
func (x *RBACIndex) Role(b *RBACBinding) (*RBACRole, string) {
	ref := b.RoleRef
	if ref.Why != "" {
		return nil, "the role's name is not known: " + ref.Why
	}
	switch ref.Kind {
	case "ClusterRole":
		if r := x.clusterRoles[ref.Name]; r != nil {
			return r, ""
		}
		return nil, fmt.Sprintf("ClusterRole %q is not among the inputs", ref.Name)
	case "Role":
		if b.Cluster {
			return nil, fmt.Sprintf("a ClusterRoleBinding cannot grant Role %q", ref.Name)
		}
		// A Role and a RoleBinding of one file that both leave their
		// namespace to kubectl apply -n are applied together, into the
		// same namespace, whichever it is.
		u := x.unplaced[b.Ref.Loc.File+"\x00"+ref.Name]
		if !b.Namespace.IsSet() {
			if u != nil {
				return u, ""
			}
			return nil, fmt.Sprintf("the binding's namespace is not known (%s), so Role %q cannot be found", b.Namespace.Why, ref.Name)
		}
		if r := x.roles[b.Namespace.Val+"/"+ref.Name]; r != nil {
			return r, ""
		}
		if r := x.unplacedByName[ref.Name]; r != nil {
			return nil, fmt.Sprintf("Role %q in namespace %q is not among the inputs; Role %q (%s) may be it, but its namespace is not known: %s", ref.Name, b.Namespace.Val, ref.Name, r.Ref.Loc, r.Namespace.Why)
		}
		return nil, fmt.Sprintf("Role %q in namespace %q is not among the inputs", ref.Name, b.Namespace.Val)
	}
	return nil, fmt.Sprintf("roleRef kind %q is neither Role nor ClusterRole", ref.Kind)
}

// EMRNamespace reports whether ns is one EMR on EKS runs jobs in, and why.
func (x *RBACIndex) EMRNamespace(ns string) (string, bool) {
	why, ok := x.emrNS[ns]
	return why, ok
}

// MaybeEMRNamespace reports whether ns, not known to be EMR's, may be:
// a RoleBinding there binds a user whose name is not known.
func (x *RBACIndex) MaybeEMRNamespace(ns string) (string, bool) {
	why, ok := x.maybeNS[ns]
	return why, ok
}

// EMRNamespaces returns EMR's namespaces in name order.
func (x *RBACIndex) EMRNamespaces() []string {
	out := make([]string, 0, len(x.emrNS))
	for ns := range x.emrNS {
		out = append(out, ns)
	}
	sort.Strings(out)
	return out
}

// EMRUser reports whether a Kubernetes user name is EMR on EKS itself, and why.
func (x *RBACIndex) EMRUser(name string) (string, bool) {
	why, ok := x.emrUsers[name]
	return why, ok
}
