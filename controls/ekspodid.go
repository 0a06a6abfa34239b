package controls

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/emrguard/emrguard/model"
)

// podIdentityService is the service principal of EKS Pod Identity: the
// EKS Auth service assumes the role for the pods of whatever service
// account an association names.
const podIdentityService = "pods.eks.amazonaws.com"

// Session tags EKS Pod Identity sets when it assumes a role (EKS user
// guide, "Enable or disable session tags"); a trust policy scopes the
// role with conditions on them.
const (
	tagNamespace      = "aws:RequestTag/kubernetes-namespace"
	tagServiceAccount = "aws:RequestTag/kubernetes-service-account"
)

// emrPodSA matches the names EMR gives the service accounts it associates
// with a role (aws emr-containers create-role-associations):
// emr-containers-sa-<framework>-<component>-<account>-<base36 role name>,
// and the emr-<framework>-<component>-service-account-… form the CLI's
// example output shows.
var emrPodSA = regexp.MustCompile(`^(emr-containers-sa-|emr-[a-z]+-[a-z0-9-]*service-account)`)

// emrAssoc is a Pod Identity association that gives its role to EMR on
// EKS jobs, and why it is EMR's.
type emrAssoc struct {
	a   *model.PodIdentityAssociation
	why string
}

// emrAssociations returns the associations that make their role a job
// execution role: those for one of EMR's service accounts, and those in a
// namespace EMR runs jobs in (a virtual cluster's, one declared with
// --emr-namespace). One whose namespace is unknown and whose service
// account is not EMR's marks nothing: a role of every app may have one.
func emrAssociations(ev *model.Evidence) []emrAssoc {
	if len(ev.PodIdentityAssociations) == 0 {
		return nil // the RBAC index is not built for nothing
	}
	x := ev.RBAC()
	var out []emrAssoc
	for _, a := range ev.PodIdentityAssociations {
		if !a.RoleARN.IsSet() {
			continue
		}
		sa := a.ServiceAccount
		name := a.Ref.ID // and where, for associations read from files
		if at := a.RoleARN.At.Or(a.Ref.Loc); at.IsValid() {
			name += " (" + at.String() + ")"
		}
		switch nsWhy, inEMR := x.EMRNamespace(a.Namespace.Get("")); {
		case isEMRServiceAccount(sa):
			out = append(out, emrAssoc{a, fmt.Sprintf("Pod Identity association %s gives it to EMR's service account %s", name, saName(sa))})
		case a.Namespace.IsSet() && inEMR:
			out = append(out, emrAssoc{a, fmt.Sprintf("Pod Identity association %s gives it to service account %s of namespace %s, EMR's: %s", name, saName(sa), a.Namespace.Val, nsWhy)})
		}
	}
	return out
}

// isEMRServiceAccount reports whether a service account is EMR's, or,
// known only in part, starts as EMR's do
// ("emr-containers-sa-spark-driver-${account}-…").
func isEMRServiceAccount(sa model.Field[string]) bool {
	if sa.IsSet() {
		return emrPodSA.MatchString(sa.Val)
	}
	p, ok := model.PartOf(sa)
	return ok && emrPodSA.MatchString(p.Prefix())
}

func saName(sa model.Field[string]) string {
	if sa.IsSet() {
		return sa.Val
	}
	if p, ok := model.PartOf(sa); ok {
		return p.String()
	}
	return "(unknown: " + firstWhy(sa.Why, "not set") + ")"
}

// associationOf returns the EMR association that gives r, or nil.
func associationOf(assocs []emrAssoc, r *model.Role) *emrAssoc {
	for i, a := range assocs {
		if namesRole(a.a.RoleARN.Val, r) {
			return &assocs[i]
		}
	}
	return nil
}

// trustsPodIdentity reports whether an Allow statement lets EKS Pod
// Identity assume the role.
func trustsPodIdentity(s model.Statement) bool {
	return slices.Contains(s.Principals["Service"].Val, podIdentityService)
}

// judgePodIdentity judges the trust of EKS Pod Identity in a statement
// of a role an association gives to EMR's jobs: the trust is the
// mechanism, and it is scoped when its conditions keep the session tags
// EKS sets to one namespace and to EMR's service accounts. namespaces
// gathers the namespaces it names, as judgeTrust does for :sub.
func judgePodIdentity(s model.Statement, namespaces map[string]bool, by *emrAssoc) (fault, unknown string) {
	var ns, sa []model.Condition
	keyUnknown := ""
	for _, c := range s.Conditions {
		switch {
		case c.KeyUnknown != "":
			keyUnknown = firstWhy(keyUnknown, c.KeyUnknown)
		case strings.EqualFold(c.Key, tagNamespace):
			ns = append(ns, c)
		case strings.EqualFold(c.Key, tagServiceAccount):
			sa = append(sa, c)
		}
	}
	how := "the trust of " + podIdentityService + " (EKS Pod Identity)"
	switch {
	case (len(ns) == 0 || len(sa) == 0) && keyUnknown != "":
		return "", fmt.Sprintf("%s: a condition is unknown: %s", how, keyUnknown)
	case len(ns) == 0 && len(sa) == 0:
		return fmt.Sprintf("%s has no condition on the session tags EKS Pod Identity sets: any Pod Identity association, in any namespace or cluster, can give this role; add conditions on %s (the job namespace) and %s (EMR's service accounts)", how, tagNamespace, tagServiceAccount), ""
	case len(ns) == 0:
		return fmt.Sprintf("%s has no condition on %s: an association in any namespace or cluster can give this role", how, tagNamespace), ""
	case len(sa) == 0:
		return fmt.Sprintf("%s has no condition on %s: an association for any service account of the namespace can give this role", how, tagServiceAccount), ""
	}
	for _, c := range ns {
		op, f, u := tagCondition(c, how)
		if f != "" || u != "" {
			return f, u
		}
		for _, v := range c.Values.Val {
			if op == "StringLike" && strings.ContainsAny(v, "*?") {
				return fmt.Sprintf("%s: the namespace condition %q allows several namespaces", how, v), ""
			}
			namespaces[v] = true
		}
	}
	for _, c := range sa {
		if _, f, u := tagCondition(c, how); f != "" || u != "" {
			return f, u
		}
		for _, v := range c.Values.Val {
			// A wildcard before EMR's prefix ends does not match it; the
			// association's own service account (one EMR runs jobs
			// under in its namespace, --service-account-name) is scoped.
			if !emrPodSA.MatchString(v) && v != by.a.ServiceAccount.Get("") {
				return fmt.Sprintf("%s: the service-account condition %q is neither EMR's service accounts (emr-containers-sa-*) nor the association's", how, v), ""
			}
		}
	}
	return "", ""
}

// tagCondition returns the operator of a session-tag condition, or why
// it does not scope the role, or why that cannot be told.
func tagCondition(c model.Condition, how string) (op, fault, unknown string) {
	op = strings.TrimPrefix(c.Operator, "ForAnyValue:")
	switch {
	case strings.HasPrefix(op, "ForAllValues:"):
		// ForAllValues holds when the key is absent, and an association
		// with session tags disabled sends none: then anyone gets in.
		return "", fmt.Sprintf("%s: the condition on %s uses %s, which holds when the tag is absent (an association with session tags disabled)", how, c.Key, c.Operator), ""
	case op != "StringEquals" && op != "StringLike":
		return "", fmt.Sprintf("%s: the condition on %s uses %s, which does not keep the role to named values", how, c.Key, c.Operator), ""
	case c.Values.IsUnknown():
		return "", "", fmt.Sprintf("%s: the values of its condition on %s are unknown: %s", how, c.Key, c.Values.Why)
	case len(c.Values.Val) == 0:
		return "", fmt.Sprintf("%s: its condition on %s has no value", how, c.Key), ""
	}
	return op, "", ""
}
