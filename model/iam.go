package model

// Role is an IAM role: its trust policy and the policies that grant it
// permissions, whatever source described them.
type Role struct {
	Ref  Ref
	Name Field[string]
	ARN  Field[string]
	// Trust is the AssumeRolePolicyDocument; nil when the source does not
	// show it.
	Trust *PolicyDocument
	// Policies are the inline and attached policies that are known.
	Policies []*Policy
	// PoliciesComplete is Set(true) when Policies lists every policy of the
	// role; Unknown (with why) when some could not be read or resolved.
	PoliciesComplete Field[bool]
	// Scope is the template or Terraform root that declares the role,
	// whose IDs and names facts of that scope mean (model/link.go); ""
	// for sources without one.
	Scope string
}

// Policy is an inline, customer-managed or AWS-managed policy.
type Policy struct {
	Ref      Ref
	Name     Field[string]
	ARN      Field[string]   // managed policies
	Document *PolicyDocument // nil when not known (an AWS-managed policy read by ARN only)
	Attached []Field[string] // role names/IDs it is attached to, when declared on the policy
	Scope    string          // the template or Terraform root that declares it, as Role.Scope
}

// InstanceProfile links an EC2 instance profile to its role.
type InstanceProfile struct {
	Ref   Ref
	Name  Field[string]
	Roles []Field[string] // role names or resource IDs
}

// PolicyDocument is an IAM policy document decoded by source/iampolicy.
type PolicyDocument struct {
	At         Loc
	Statements []Statement
	// Unknown is set when the document cannot be read at all (an
	// unresolved reference); Statements is then empty.
	Unknown string
}

// Statement is one statement of a policy document. List fields hold the
// values whether the document wrote a string or a list.
type Statement struct {
	At           Loc
	Sid          string
	Effect       Field[string]
	Actions      Field[[]string]
	NotActions   Field[[]string]
	Resources    Field[[]string]
	NotResources Field[[]string]
	// Principals maps a principal type ("AWS", "Service", "Federated",
	// "CanonicalUser", or "*" for `"Principal": "*"`) to its values.
	Principals map[string]Field[[]string]
	Conditions []Condition
}

// Condition is one operator/key pair of a statement's Condition block.
type Condition struct {
	At       Loc
	Operator string // e.g. StringLike, StringEquals, ForAnyValue:StringLike
	Key      string // e.g. oidc.eks.eu-west-1.amazonaws.com/id/X:sub
	// KeyUnknown says why Key is not known ("" when it is): a condition
	// variable known only at apply, or a Condition block that cannot be
	// read at all.
	KeyUnknown string
	Values     Field[[]string]
	// Prefixes are, when Values is unknown, the known starts of values
	// known only in part: a Terraform template with a later part known
	// at apply ("system:serviceaccount:ns:emr-containers-sa-*-${account}").
	Prefixes []string
}
