package snapshot

import (
	"time"

	"fmt"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/event"
	"github.com/emrguard/emrguard/source/request"
	"github.com/emrguard/emrguard/source/secconf"
)

// clusters maps the region's clusters, and a cluster whose DescribeCluster
// failed to one whose every field is Unknown.
func (m *mapper) clusters(r *Region) {
	seen := map[string]bool{}
	for _, c := range r.Clusters {
		seen[deref(c.Cluster.Id)] = true
		m.ev.Clusters = append(m.ev.Clusters, m.cluster(r, c))
	}
	for _, x := range r.Failures {
		if x.Service == "emr" && x.Operation == "DescribeCluster" && x.Resource != "" && !seen[x.Resource] {
			seen[x.Resource] = true
			why, _ := m.f.why("emr", "DescribeCluster", r.Name, x.Resource)
			m.ev.Clusters = append(m.ev.Clusters, unknownCluster(m.ref(request.ClusterKind, x.Resource, "", r.Name), why))
		}
	}
}

func (m *mapper) cluster(r *Region, c *Cluster) *model.Cluster {
	x := &c.Cluster
	id := deref(x.Id)
	cl := &model.Cluster{Ref: m.ref(request.ClusterKind, id, deref(x.Name), r.Name)}
	if x.Status != nil && x.Status.State != "" {
		cl.State = known(string(x.Status.State))
	}
	cl.SecurityConfiguration = str(x.SecurityConfiguration)
	cl.ReleaseLabel = str(x.ReleaseLabel)
	cl.AMIVersion = str(x.RunningAmiVersion)
	if cl.AMIVersion.IsAbsent() {
		cl.AMIVersion = str(x.RequestedAmiVersion)
	}
	cl.CustomAMI = str(x.CustomAmiId)
	cl.LogURI = str(x.LogUri)
	cl.LogKMSKey = str(x.LogEncryptionKmsKeyId)
	if b, ok := logBucketName(cl.LogURI.Val); ok {
		m.bucketsWanted[b] = true
	}
	cl.ServiceRole = m.roleRef(x.ServiceRole)
	cl.AutoScalingRole = m.roleRef(x.AutoScalingRole)
	if len(x.Tags) > 0 {
		cl.Tags = map[string]string{}
		for _, t := range x.Tags {
			if k := deref(t.Key); k != "" {
				cl.Tags[k] = deref(t.Value)
			}
		}
	}
	if a := x.Ec2InstanceAttributes; a != nil {
		cl.InstanceProfile = m.profileRef(a.IamInstanceProfile)
		cl.KeyName = str(a.Ec2KeyName)
		switch {
		case deref(a.Ec2SubnetId) != "":
			cl.SubnetIDs = known([]string{m.ec2(r.Name, "subnet", *a.Ec2SubnetId)})
		case len(a.RequestedEc2SubnetIds) > 0:
			cl.SubnetIDs = known(m.ec2List(r.Name, "subnet", a.RequestedEc2SubnetIds))
		}
		group := func(s *string) model.Field[string] { return str(ptr(m.ec2(r.Name, "security-group", deref(s)))) }
		groups := func(ids []string) model.Field[[]string] {
			if len(ids) == 0 {
				return model.Field[[]string]{}
			}
			return known(m.ec2List(r.Name, "security-group", ids))
		}
		cl.MasterSecurityGroup = group(a.EmrManagedMasterSecurityGroup)
		cl.SlaveSecurityGroup = group(a.EmrManagedSlaveSecurityGroup)
		cl.ServiceAccessSecurityGroup = group(a.ServiceAccessSecurityGroup)
		cl.AdditionalMasterGroups = groups(a.AdditionalMasterSecurityGroups)
		cl.AdditionalSlaveGroups = groups(a.AdditionalSlaveSecurityGroups)
	}
	if c.PrimaryRead {
		nodes := make([]model.Node, 0, len(c.Primary))
		for _, in := range c.Primary {
			nodes = append(nodes, model.Node{InstanceID: deref(in.Ec2InstanceId), PublicIP: deref(in.PublicIpAddress), PublicDNS: deref(in.PublicDnsName)})
		}
		cl.PrimaryNodes = known(nodes)
	} else {
		cl.PrimaryNodes = unknown[[]model.Node](m.why("emr", "ListInstances", r.Name, id,
			fmt.Sprintf("the primary node of cluster %s was not listed by the live scan (ListInstances)", id)))
	}
	return cl
}

// unknownCluster is a cluster whose DescribeCluster failed: every field a
// control reads is Unknown with why.
func unknownCluster(ref model.Ref, why string) *model.Cluster {
	s := unknown[string](why)
	l := unknown[[]string](why)
	return &model.Cluster{Ref: ref, State: s, SecurityConfiguration: s, ReleaseLabel: s, AMIVersion: s, CustomAMI: s,
		LogURI: s, LogKMSKey: s, ServiceRole: s, InstanceProfile: s, AutoScalingRole: s, KeyName: s, SubnetIDs: l,
		MasterSecurityGroup: s, SlaveSecurityGroup: s, ServiceAccessSecurityGroup: s, AdditionalMasterGroups: l,
		AdditionalSlaveGroups: l, PrimaryNodes: unknown[[]model.Node](why)}
}

// blockPublicAccess maps the region's setting; when it could not be read,
// a setting whose Block is Unknown says why.
func (m *mapper) blockPublicAccess(r *Region) {
	b := &model.BlockPublicAccess{Ref: m.ref(event.KindBlockPublicAccess, m.a.ID+"/"+r.Name, "", r.Name)}
	bpa := r.BlockPublicAccess
	if bpa == nil {
		b.Block = unknown[bool](m.why("emr", "GetBlockPublicAccessConfiguration", r.Name, "",
			"the live scan did not read the block public access configuration (GetBlockPublicAccessConfiguration)"))
		m.ev.BlockPublicAccess = append(m.ev.BlockPublicAccess, b)
		return
	}
	b.Block = boolean(bpa.BlockPublicSecurityGroupRules)
	for _, pr := range bpa.PermittedPublicSecurityGroupRuleRanges {
		x := model.PortRange{Min: i32(pr.MinRange), Max: i32(pr.MaxRange)}
		if x.Max.IsAbsent() {
			x.Max = x.Min // a missing MaxRange is MinRange (facts §2.5)
		}
		b.Permitted = append(b.Permitted, x)
	}
	m.ev.BlockPublicAccess = append(m.ev.BlockPublicAccess, b)
}

// securityConfigurations decodes each document with source/secconf, and
// turns a failed DescribeSecurityConfiguration into a configuration of
// that name whose every field is Unknown.
func (m *mapper) securityConfigurations(r *Region) {
	seen := map[string]bool{}
	for _, c := range r.SecurityConfigurations {
		seen[c.Name] = true
		ref := m.ref(secconf.Kind, c.Name, c.Name, r.Name)
		call := m.object("emr", "DescribeSecurityConfiguration", r.Name, c.Name)
		root, err := document(c.Document)
		if err != nil {
			why := fmt.Sprintf("%s returned a document that is not valid JSON: %v", call, err)
			m.errorf(call, "the security configuration is not valid JSON: %v", err)
			m.ev.SecurityConfigurations = append(m.ev.SecurityConfigurations, secconf.Placeholder(c.Name, ref, why))
			continue
		}
		sc, diags := secconf.Decode(root, ref)
		m.diags = append(m.diags, withCall(diags, call)...)
		sc.Name = known(c.Name)
		sc.Certificates = m.certificates(r, sc)
		m.ev.SecurityConfigurations = append(m.ev.SecurityConfigurations, sc)
	}
	for _, x := range r.Failures {
		if x.Service == "emr" && x.Operation == "DescribeSecurityConfiguration" && x.Resource != "" && !seen[x.Resource] {
			seen[x.Resource] = true
			why, _ := m.f.why("emr", "DescribeSecurityConfiguration", r.Name, x.Resource)
			sc := secconf.Placeholder(x.Resource, m.ref(secconf.Kind, x.Resource, x.Resource, r.Name), why)
			sc.Certificates = unknown[*model.CertificateBundle](why)
			m.ev.SecurityConfigurations = append(m.ev.SecurityConfigurations, sc)
		}
	}
}

// images maps the region's AMIs (custom AMIs of clusters), and a custom
// AMI that could not be described to one whose creation date is Unknown.
func (m *mapper) images(r *Region) {
	seen := map[string]bool{}
	for _, im := range r.Images {
		id := deref(im.ImageId)
		seen[id] = true
		a := &model.AMI{Ref: m.ref("ec2:image", id, deref(im.Name), r.Name), ImageID: str(im.ImageId), AsOf: m.taken}
		switch t, err := parseAWSTime(deref(im.CreationDate)); {
		case deref(im.CreationDate) == "":
			a.Created = unknown[time.Time](fmt.Sprintf("DescribeImages gave no CreationDate for %s", id))
		case err != nil:
			a.Created = unknown[time.Time](fmt.Sprintf("the CreationDate %q of %s cannot be read: %v", *im.CreationDate, id, err))
		default:
			a.Created = known(t)
		}
		m.ev.AMIs = append(m.ev.AMIs, a)
	}
	for _, c := range r.Clusters {
		id := deref(c.Cluster.CustomAmiId)
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		why := m.why("ec2", "DescribeImages", r.Name, id, fmt.Sprintf("the live scan did not describe custom AMI %s (DescribeImages)", id))
		m.ev.AMIs = append(m.ev.AMIs, &model.AMI{Ref: m.ref("ec2:image", id, "", r.Name), ImageID: known(id), Created: unknown[time.Time](why), AsOf: m.taken})
	}
}

func i32(n *int32) model.Field[int] {
	if n == nil {
		return model.Field[int]{}
	}
	return known(int(*n))
}

func ptr[T any](v T) *T { return &v }
