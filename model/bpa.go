package model

// BlockPublicAccess is EMR's block public access setting of one account
// and region.
type BlockPublicAccess struct {
	Ref Ref
	// Block is BlockPublicSecurityGroupRules.
	Block Field[bool]
	// Permitted are the port ranges allowed to stay public.
	Permitted []PortRange
}

// PortRange is one PermittedPublicSecurityGroupRuleRanges entry; a
// missing MaxRange is the same as MinRange (aws-emr-facts.md §2.5).
type PortRange struct {
	At       Loc
	Min, Max Field[int]
}
