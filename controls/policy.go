package controls

import (
	"strings"

	"github.com/emrguard/emrguard/model"
)

// Grant is an Allow statement that gives wildcard actions on every resource.
type Grant struct {
	Statement model.Statement
	Action    string // the wildcard action: "*" or "<service>:*"
}

// wildcardGrants returns the Allow statements of doc that allow "*" or
// "<service>:*" on Resource "*" (or through NotAction, which allows
// everything else). unknown lists the reasons statements could not be
// judged; a document that cannot be read at all is one such reason. It
// serves EMR602 and EKS101 alike.
func wildcardGrants(doc *model.PolicyDocument) (grants []Grant, unknown []string) {
	if doc == nil {
		return nil, []string{"policy document not known"}
	}
	if doc.Unknown != "" {
		return nil, []string{doc.Unknown}
	}
	for _, s := range doc.Statements {
		switch {
		case s.Effect.IsUnknown():
			unknown = append(unknown, s.Effect.Why)
			continue
		case !strings.EqualFold(s.Effect.Get(""), "Allow"):
			continue
		}
		if s.Resources.IsUnknown() {
			unknown = append(unknown, s.Resources.Why)
			continue
		}
		if !contains(s.Resources.Val, "*") {
			continue
		}
		if s.NotActions.IsSet() {
			grants = append(grants, Grant{Statement: s, Action: "NotAction " + strings.Join(s.NotActions.Val, ",")})
			continue
		}
		if s.Actions.IsUnknown() {
			unknown = append(unknown, s.Actions.Why)
			continue
		}
		for _, a := range s.Actions.Val {
			if a == "*" || strings.HasSuffix(a, ":*") {
				grants = append(grants, Grant{Statement: s, Action: a})
				break
			}
		}
	}
	return grants, unknown
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
