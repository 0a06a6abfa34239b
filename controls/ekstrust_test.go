package controls

import (
	"testing"

	"github.com/emrguard/emrguard/model"
)

// Ensure two IAM patterns meet exactly when some string matches both:
// stars take any run on either side, "?" one character, and a
// StringEquals value's "*" only itself.
func TestGlobsMeet(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"system:serviceaccount:spark:emr-containers*", emrJobSA, true},
		{"system:serviceaccount:*:emr-containers*", emrJobSA, true},
		{"system:serviceaccount:spark:emr-containers-sa-*-*-111122223333-abc", emrJobSA, true},
		{"system:serviceaccount:kube-system:aws-load-balancer-controller", emrJobSA, false},
		{"system:serviceaccount:spark:emr-container?-sa-x", emrJobSA, true},
		{"system:serviceaccount:spark:spark-operator*", emrJobSA, false},
		{"*", emrJobSA, true},
		{"system:serviceaccount:spark:emr-*-operator", emrJobSA, true}, // emr-containers-sa-operator
		{"system:serviceaccount:spark:emr-*-operator", "system:serviceaccount:*:emr-containers-sa-*x", false},
		{globLiteral("system:serviceaccount:*:emr-containers-sa-x", false), emrJobSA, true}, // a namespace named "*"
		{globLiteral("system:serviceaccount:spark:emr-*", false), emrJobSA, false},          // StringEquals: no wildcard
		{"", "", true},
		{"a", "", false},
		{"a*", "*b", true},
		{"a?c", "a*d", false},
	} {
		if got := globsMeet(c.a, c.b); got != c.want {
			t.Errorf("globsMeet(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

// Ensure a role is marked as an execution role by what its trust lets
// in, and not otherwise.
func TestAdmitsEMRJobs(t *testing.T) {
	fed := func(v ...string) map[string]model.Field[[]string] {
		return map[string]model.Field[[]string]{"Federated": model.Known(v, model.Loc{})}
	}
	sub := func(op string, v ...string) []model.Condition {
		return []model.Condition{{Operator: op, Key: "oidc.eks.eu-west-1.amazonaws.com/id/X:sub", Values: model.Known(v, model.Loc{})}}
	}
	allow := model.Known("Allow", model.Loc{})
	const arn = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/X"
	for _, c := range []struct {
		name string
		s    model.Statement
		want bool
	}{
		{"EMR's form", model.Statement{Effect: allow, Principals: fed(arn), Conditions: sub("StringLike", "system:serviceaccount:ns:emr-containers-sa-*")}, true},
		{"wider prefix", model.Statement{Effect: allow, Principals: fed(arn), Conditions: sub("StringLike", "system:serviceaccount:ns:emr-containers*")}, true},
		{"no sub", model.Statement{Effect: allow, Principals: fed(arn)}, true},
		{"empty provider", model.Statement{Effect: allow, Principals: fed(""), Conditions: sub("StringLike", "system:serviceaccount:ns:emr-*")}, true},
		{"placeholder provider", model.Statement{Effect: allow, Principals: fed("arn:aws:iam::${ACCOUNT}:oidc-provider/${OIDC}"), Conditions: sub("StringLike", "system:serviceaccount:*")}, true},
		{"deploy-time provider", model.Statement{Effect: allow, Principals: map[string]model.Field[[]string]{"Federated": model.Unresolved[[]string]("x", model.Loc{})}, Conditions: sub("StringLike", "system:serviceaccount:ns:*")}, true},
		{"another controller", model.Statement{Effect: allow, Principals: fed(arn), Conditions: sub("StringEquals", "system:serviceaccount:kube-system:cluster-autoscaler")}, false},
		{"StringEquals on a star", model.Statement{Effect: allow, Principals: fed(arn), Conditions: sub("StringEquals", "system:serviceaccount:ns:emr-*")}, false},
		{"GitHub's provider", model.Statement{Effect: allow, Principals: fed("arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com")}, false},
		{"GitHub's provider at deploy", model.Statement{Effect: allow, Principals: map[string]model.Field[[]string]{"Federated": model.Unresolved[[]string]("x", model.Loc{})},
			Conditions: []model.Condition{{Operator: "StringEquals", Key: "token.actions.githubusercontent.com:aud", Values: model.Known([]string{"sts.amazonaws.com"}, model.Loc{})}}}, false},
		{"conditions unreadable", model.Statement{Effect: allow, Principals: fed(arn), Conditions: []model.Condition{{KeyUnknown: "dynamic block", Values: model.Unresolved[[]string]("dynamic block", model.Loc{})}}}, false},
		{"EKS cluster role", model.Statement{Effect: allow, Principals: map[string]model.Field[[]string]{"Service": model.Known([]string{"eks.amazonaws.com"}, model.Loc{})}}, false},
		{"Deny", model.Statement{Effect: model.Known("Deny", model.Loc{}), Principals: fed(arn)}, false},
	} {
		if got := admitsEMRJobs(c.s) != ""; got != c.want {
			t.Errorf("%s: admitted %v, want %v", c.name, got, c.want)
		}
	}
}
