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
		// One known side that cannot match settles the statement: an
		// action list without a wildcard needs no resource to be known,
		// nor a resource list without "*" an action.
		action, actionsKnown := wildcardAction(s)
		all, resourcesKnown := contains(s.Resources.Val, "*"), !s.Resources.IsUnknown()
		switch {
		case actionsKnown && action == "", resourcesKnown && !all:
		case !actionsKnown:
			unknown = append(unknown, s.Actions.Why+s.NotActions.Why)
		case !resourcesKnown:
			unknown = append(unknown, s.Resources.Why)
		default:
			grants = append(grants, Grant{Statement: s, Action: action})
		}
	}
	return grants, unknown
}

// wildcardAction returns the wildcard action a statement allows ("*",
// "<service>:*", or "NotAction …", which allows everything else), "" when
// none; known is false when its actions are unknown.
func wildcardAction(s model.Statement) (action string, known bool) {
	switch {
	case s.NotActions.IsUnknown(), s.Actions.IsUnknown():
		return "", false
	case s.NotActions.IsSet():
		return "NotAction " + strings.Join(s.NotActions.Val, ","), true
	}
	for _, a := range s.Actions.Val {
		if a == "*" || strings.HasSuffix(a, ":*") {
			return a, true
		}
	}
	return "", true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
