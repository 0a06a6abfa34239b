package controls

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/emrguard/emrguard/model"
)

// emrJobSA is every name an EMR on EKS job's service account can have,
// as an IAM StringLike pattern: EMR creates them at job submission as
// emr-containers-sa-<kind>-<id>-<account>-<base36 role name> in the
// job's namespace (which holds no ":", hence the \x01 of globsMeet).
const emrJobSA = "system:serviceaccount:\x01:emr-containers-sa-*"

// eksServices are the service principals of EKS. They are not EMR's
// service accounts: pods.eks.amazonaws.com is EKS Pod Identity, which
// hands the role to whichever pod a Pod Identity association names (in
// any namespace); eks.amazonaws.com is the EKS control plane.
var eksServices = []string{"eks.amazonaws.com", "pods.eks.amazonaws.com"}

// trustsEMRServiceAccounts returns why doc lets EMR on EKS job pods
// assume the role, or "" when no statement does. The judgement is by what
// each Allow statement lets in, whatever way the trust is written: a web
// identity from an EKS OIDC provider (an oidc-provider/oidc.eks.… ARN,
// one known only at deploy, one still holding a ${…} placeholder, or an
// empty one) whose :sub conditions can all match an EMR job service
// account (no :sub condition matches every one).
//
// The EKS service principals do not mark a role: the EKS cluster role
// trusts eks.amazonaws.com and every Pod Identity role
// pods.eks.amazonaws.com, with nothing in the trust to tie them to EMR
// (a Pod Identity association, outside the trust, names the service
// account); beside a statement that marks the role, EKS102 fails them as
// extra principals.
func trustsEMRServiceAccounts(doc *model.PolicyDocument) string {
	if doc == nil {
		return ""
	}
	for _, s := range doc.Statements {
		if why := admitsEMRJobs(s); why != "" {
			return why
		}
	}
	return ""
}

func admitsEMRJobs(s model.Statement) string {
	if s.Effect.IsSet() && !strings.EqualFold(s.Effect.Val, "Allow") {
		return ""
	}
	provider, ok := federatedEKS(s)
	if !ok {
		return ""
	}
	subs, named := subConditions(s)
	for _, c := range subs {
		if !canMatch(c, emrJobSA) {
			return ""
		}
	}
	switch {
	case named:
		// The form EMR's update-role-trust-policy writes, and the
		// reason this recognition gave before it judged by matching.
		return "its trust policy names EMR on EKS service accounts"
	case len(subs) == 0 && slices.ContainsFunc(s.Conditions, func(c model.Condition) bool { return c.KeyUnknown != "" }):
		// A condition that cannot be read may be the :sub one, naming
		// some other service account: nothing says EMR's get in.
		return ""
	case len(subs) == 0:
		return fmt.Sprintf("its trust lets web identities of %s in with no :sub condition, so EMR's job service accounts too", provider)
	}
	var vals []string
	for _, c := range subs {
		vals = append(vals, c.Values.Val...)
	}
	return fmt.Sprintf("its trust lets web identities of %s in for service accounts %q, which EMR's job service accounts match", provider, vals)
}

// federatedEKS reports whether a statement lets in web identities of a
// provider that is, or may be, an EKS cluster's, and describes it.
func federatedEKS(s model.Statement) (provider string, ok bool) {
	fed, present := s.Principals["Federated"]
	switch {
	case !present:
		return "", false
	case fed.IsUnknown():
		// The condition keys name the provider ("<host>:sub"), whatever
		// the ARN's unknown part (the account ID, a partition).
		for _, c := range s.Conditions {
			host, claim, ok := strings.Cut(c.Key, ":")
			switch {
			case strings.EqualFold(host, "saml"):
				return "", false // a SAML provider's claims
			case !ok || !strings.Contains(host, ".") || strings.Contains(host, "${") || claim == "":
				// aws:…, sts:…, or a provider given by placeholder
			case strings.HasPrefix(host, "oidc.eks."):
				return "EKS OIDC provider " + host + " (its ARN known only at deploy)", true
			default:
				return "", false // another identity provider's claims
			}
		}
		return "an OIDC provider known only at deploy (" + fed.Why + ")", true
	}
	for _, v := range fed.Val {
		switch p := oidcOf(v); {
		case strings.HasPrefix(p, "oidc.eks."):
			return "EKS OIDC provider " + p, true
		case v == "":
			return "an empty OIDC provider", true
		case strings.Contains(v, "${"):
			return "OIDC provider " + v + " (a placeholder left in the document)", true
		}
	}
	return "", false
}

// oidcOf returns the host path of an oidc-provider ARN, or "".
func oidcOf(arn string) string {
	if _, p, ok := strings.Cut(arn, ":oidc-provider/"); ok {
		return p
	}
	return ""
}

// oidcProvider returns the EKS OIDC provider host path a statement
// federates with ("oidc.eks.<region>.amazonaws.com/id/<ID>"), or "".
func oidcProvider(s model.Statement) string {
	for _, v := range s.Principals["Federated"].Val {
		if p := oidcOf(v); strings.HasPrefix(p, "oidc.eks.") {
			return p
		}
	}
	return ""
}

// subConditions returns a statement's conditions on a token's subject:
// those on a :sub key, and those whose key is unknown or another but
// whose values name EMR's service accounts (the form of the EMR on EKS
// guide's example, on aws:userid). named is true when one names them
// literally (":emr-containers-sa-").
func subConditions(s model.Statement) (subs []model.Condition, named bool) {
	for _, c := range s.Conditions {
		mentions := false
		for _, v := range append(slices.Clip(c.Values.Val), c.Prefixes...) {
			if strings.Contains(v, ":emr-containers-sa-") {
				mentions, named = true, true
			}
		}
		if strings.HasSuffix(strings.ToLower(c.Key), ":sub") || mentions || (c.KeyUnknown != "" && canMatch(c, emrJobSA)) {
			subs = append(subs, c)
		}
	}
	return subs, named
}

// canMatch reports whether a condition can hold for some value of the
// StringLike pattern want: a StringEquals or StringLike whose values
// meet it, a value known only by its start that can still meet it. Other
// operators (StringNotEquals, …) can hold for it; values wholly unknown
// cannot be said to.
func canMatch(c model.Condition, want string) bool {
	op := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(c.Operator, "ForAnyValue:"), "ForAllValues:"), "IfExists")
	fold := strings.HasSuffix(op, "IgnoreCase")
	op = strings.TrimSuffix(op, "IgnoreCase")
	var pats []string
	switch {
	case c.Values.IsUnknown() || !c.Values.IsSet():
		for _, p := range c.Prefixes {
			pats = append(pats, globLiteral(p, op == "StringLike")+"*")
		}
	case op == "StringEquals":
		for _, v := range c.Values.Val {
			pats = append(pats, globLiteral(v, false))
		}
	case op == "StringLike":
		pats = c.Values.Val
	default:
		return true
	}
	for _, p := range pats {
		if fold {
			p, want = strings.ToLower(p), strings.ToLower(want)
		}
		if globsMeet(p, want) {
			return true
		}
	}
	return false
}

// globLiteral writes a string as a pattern of itself: under StringEquals
// "*" and "?" are plain characters, marked here with a NUL so that they
// match only themselves.
func globLiteral(s string, like bool) string {
	if like {
		return s
	}
	return strings.NewReplacer("*", "\x00*", "?", "\x00?").Replace(s)
}

// globsMeet reports whether some string matches both IAM patterns a and
// b: "*" any run, "?" any one character, "\x00c" the character c, and
// "\x01" a run without ":" (a Kubernetes namespace, in emrJobSA). It
// walks the product of the two patterns' automata over the characters
// they name and one that neither does.
func globsMeet(a, b string) bool {
	p, q := globTokens(a), globTokens(b)
	alphabet := map[byte]bool{':': true, 0x02: true}
	for _, t := range append(slices.Clip(p), q...) {
		if t.kind == 'c' {
			alphabet[t.c] = true
		}
	}
	type state struct{ i, j int }
	seen := map[state]bool{}
	var todo []state
	add := func(s state) {
		for _, i := range globClosure(p, s.i) {
			for _, j := range globClosure(q, s.j) {
				if st := (state{i, j}); !seen[st] {
					seen[st] = true
					todo = append(todo, st)
				}
			}
		}
	}
	add(state{0, 0})
	for len(todo) > 0 {
		s := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if s.i == len(p) && s.j == len(q) {
			return true
		}
		for c := range alphabet {
			i, ok1 := globStep(p, s.i, c)
			j, ok2 := globStep(q, s.j, c)
			if ok1 && ok2 {
				add(state{i, j})
			}
		}
	}
	return false
}

type globToken struct {
	c    byte
	kind byte // 'c' the character c, '?', '*', 'n' a run without ':'
}

func globTokens(s string) []globToken {
	var out []globToken
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == 0 && i+1 < len(s):
			i++
			out = append(out, globToken{s[i], 'c'})
		case s[i] == '*' || s[i] == '?':
			out = append(out, globToken{kind: s[i]})
		case s[i] == 1:
			out = append(out, globToken{kind: 'n'})
		default:
			out = append(out, globToken{s[i], 'c'})
		}
	}
	return out
}

// globClosure returns the positions reachable from i by runs matching
// nothing.
func globClosure(p []globToken, i int) []int {
	out := []int{i}
	for i < len(p) && (p[i].kind == '*' || p[i].kind == 'n') {
		i++
		out = append(out, i)
	}
	return out
}

// globStep returns the position after reading c at i, and whether c can
// be read there.
func globStep(p []globToken, i int, c byte) (int, bool) {
	if i == len(p) {
		return i, false
	}
	switch t := p[i]; t.kind {
	case '*':
		return i, true
	case 'n':
		return i, c != ':'
	case '?':
		return i + 1, true
	default:
		return i + 1, t.c == c
	}
}

// emrSubRe is the sub EMR's update-role-trust-policy writes: one literal
// namespace and EMR's service-account prefix.
var emrSubRe = regexp.MustCompile(`^system:serviceaccount:([^:*?]+):emr-containers-sa-[^:]*$`)

// judgeTrust returns why an Allow statement of an execution role's trust
// policy is not scoped to EMR's service accounts of one namespace, or why
// that cannot be told; namespaces gathers the namespaces its :sub
// conditions name, which the role's statements together must keep to one.
// For a role a Pod Identity association gives to EMR (assoc), the trust
// of EKS Pod Identity is judged by its session-tag conditions.
func judgeTrust(s model.Statement, namespaces map[string]bool, assoc *emrAssoc) (fault, unknown string) {
	switch {
	case s.Effect.IsUnknown():
		return "", "a statement's Effect is unknown: " + s.Effect.Why
	case !strings.EqualFold(s.Effect.Get(""), "Allow"):
		return "", ""
	}
	if assoc != nil && trustsPodIdentity(s) {
		if f, u := judgePodIdentity(s, namespaces, assoc); f != "" || u != "" {
			return f, u
		}
	}
	if f, u := judgePrincipals(s, assoc != nil); f != "" || u != "" {
		return f, u
	}
	fed, present := s.Principals["Federated"]
	if !present {
		return "", ""
	}
	provider := oidcProvider(s) // "" when known only at deploy
	for _, c := range s.Conditions {
		if c.KeyUnknown != "" {
			return "", "a condition of the trust is unknown: " + c.KeyUnknown
		}
	}
	var subs []model.Condition
	for _, c := range s.Conditions {
		switch {
		case !strings.HasSuffix(strings.ToLower(c.Key), ":sub"):
		case provider == "" || strings.EqualFold(c.Key, provider+":sub"):
			subs = append(subs, c)
		default:
			return fmt.Sprintf("the sub condition %s is for another OIDC provider than the trusted %s", c.Key, provider), ""
		}
	}
	if len(subs) == 0 {
		who := provider
		if d, ok := federatedEKS(s); who == "" && ok {
			who = d
		} else if who == "" {
			who = "the OIDC provider (" + firstWhy(fed.Why, strings.Join(fed.Val, ", ")) + ")"
		}
		return fmt.Sprintf("the trust of %s has no :sub condition, so any service account of the cluster can assume the role", who), ""
	}
	for _, c := range subs {
		op := strings.TrimPrefix(strings.TrimPrefix(c.Operator, "ForAnyValue:"), "ForAllValues:")
		if op != "StringEquals" && op != "StringLike" {
			return fmt.Sprintf("the sub condition uses %s, which does not scope the role to named service accounts", c.Operator), ""
		}
		if c.Values.IsUnknown() {
			return "", "the sub condition's values are unknown: " + c.Values.Why
		}
		for _, v := range c.Values.Val {
			m := emrSubRe.FindStringSubmatch(v)
			ns := strings.SplitN(v, ":", 4)
			switch {
			case v == "*" || v == "system:serviceaccount:*" || strings.HasPrefix(v, "system:serviceaccount:*:*"):
				return fmt.Sprintf("the sub condition %q allows every service account", v), ""
			case m == nil && len(ns) > 2 && ns[0] == "system" && strings.ContainsAny(ns[2], "*?"):
				return fmt.Sprintf("the sub condition %q allows service accounts of any namespace", v), ""
			case m == nil && op == "StringLike" && globsMeet(v, emrJobSA):
				return fmt.Sprintf("the sub condition %q is wider than EMR's service accounts (system:serviceaccount:<namespace>:emr-containers-sa-*): it lets in other service accounts too", v), ""
			case m == nil:
				return fmt.Sprintf("the sub condition %q is not an EMR service account (system:serviceaccount:<namespace>:emr-containers-sa-*)", v), ""
			}
			namespaces[m[1]] = true
		}
	}
	return "", ""
}

// judgePrincipals returns why a statement's principals let in more than
// web identities: the wildcard, AWS accounts and roles, EKS's service
// principals, an empty or a non-EKS identity provider. Pod Identity's is
// left to judgePodIdentity when podIdentity (an association gives the
// role to EMR).
func judgePrincipals(s model.Statement, podIdentity bool) (fault, unknown string) {
	for _, typ := range slices.Sorted(func(yield func(string) bool) {
		for k := range s.Principals {
			if !yield(k) {
				return
			}
		}
	}) {
		vals := s.Principals[typ]
		switch {
		case vals.IsUnknown() && typ == "Service" && podIdentity:
			// An association gives the role to EMR: the service may be
			// EKS Pod Identity's, whose trust its conditions must scope.
			return "", "a Service principal is unknown (it may be EKS Pod Identity's): " + vals.Why
		case vals.IsUnknown() && typ == "Service":
			// Without an association, a service (elasticmapreduce.${dns_suffix})
			// lets in no service account: IRSA's :sub conditions decide.
			continue
		case vals.IsUnknown() && typ == "Federated":
			continue // judged by its :sub conditions, which bound any provider
		case vals.IsUnknown():
			return "", "a principal is unknown: " + vals.Why
		}
		for _, v := range vals.Val {
			switch {
			case v == "*" && (typ == "*" || typ == "AWS"):
				return fmt.Sprintf("the trust policy allows any principal (Principal %s: *)", typ), ""
			case typ == "AWS":
				return fmt.Sprintf("the trust also lets AWS principal %s assume the role, beside EMR's service accounts", v), ""
			case typ == "Service" && v == podIdentityService && podIdentity:
			case typ == "Service" && slices.Contains(eksServices, v):
				return fmt.Sprintf("the trust also lets service principal %s assume the role: %s", v, eksServiceWhy(v)), ""
			case typ == "Federated" && v == "":
				return "the trust's OIDC provider is empty (a variable or parameter left at \"\"): no cluster's service accounts are named, and IAM rejects the policy", ""
			case typ == "Federated" && !strings.HasPrefix(oidcOf(v), "oidc.eks.") && !strings.Contains(v, "${"):
				return fmt.Sprintf("the trust also lets web identities of %s assume the role, which is not an EKS cluster's OIDC provider", v), ""
			}
		}
	}
	return "", ""
}

func eksServiceWhy(v string) string {
	if v == "pods.eks.amazonaws.com" {
		return "EKS Pod Identity gives the role to any pod a Pod Identity association names, in any namespace"
	}
	return "the EKS service itself, not a job's service account"
}
