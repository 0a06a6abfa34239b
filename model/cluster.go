package model

// Cluster is an EMR cluster on EC2: a template resource, a request, a live
// cluster or a launch event.
type Cluster struct {
	Ref Ref

	// State is Status.State of a live cluster (RUNNING, WAITING, …).
	State Field[string]

	// SecurityConfiguration is the name the cluster gives; Absent means the
	// cluster has none.
	SecurityConfiguration Field[string]
	// SecurityConfigurationID links to the configuration's resource ID
	// (CloudFormation logical ID, Terraform address) when the source resolved
	// the reference itself; it takes precedence over the name.
	SecurityConfigurationID string

	ReleaseLabel Field[string]
	AMIVersion   Field[string] // 2.x/3.x clusters launched without a release label
	CustomAMI    Field[string]

	LogURI    Field[string]
	LogKMSKey Field[string]

	ServiceRole     Field[string]
	InstanceProfile Field[string] // JobFlowRole
	AutoScalingRole Field[string]

	KeyName   Field[string]
	SubnetIDs Field[[]string]

	// Security groups, as AWS IDs or as resource IDs of the same source.
	MasterSecurityGroup        Field[string]
	SlaveSecurityGroup         Field[string]
	ServiceAccessSecurityGroup Field[string]
	AdditionalMasterGroups     Field[[]string]
	AdditionalSlaveGroups      Field[[]string]

	Tags map[string]string

	// PrimaryNodes are the instances of the primary (MASTER) group or
	// fleet, from a live scan (ListInstances); Absent elsewhere.
	PrimaryNodes Field[[]Node]
}

// MasterGroups returns the groups attached to the primary node: the
// EMR-managed master group and the additional master groups, with where
// each was named.
func (c *Cluster) MasterGroups() []Field[string] {
	return groups(c.MasterSecurityGroup, c.AdditionalMasterGroups)
}

// AllGroups returns every group attached to the cluster: master, core/task
// and service access.
func (c *Cluster) AllGroups() []Field[string] {
	out := groups(c.MasterSecurityGroup, c.AdditionalMasterGroups)
	out = append(out, groups(c.SlaveSecurityGroup, c.AdditionalSlaveGroups)...)
	if c.ServiceAccessSecurityGroup.State != Absent {
		out = append(out, c.ServiceAccessSecurityGroup)
	}
	return out
}

func groups(managed Field[string], extra Field[[]string]) []Field[string] {
	var out []Field[string]
	if managed.State != Absent {
		out = append(out, managed)
	}
	switch extra.State {
	case Set:
		for _, id := range extra.Val {
			out = append(out, Known(id, extra.At))
		}
	case Unknown:
		out = append(out, Unresolved[string](extra.Why, extra.At))
	}
	return out
}
