package snapshot

import (
	"fmt"
	"strconv"

	ectypes "github.com/aws/aws-sdk-go-v2/service/emrcontainers/types"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/ec2cli"
	"github.com/emrguard/emrguard/source/event"
)

// NodegroupKind is the Ref.Kind of live EKS nodegroups.
const NodegroupKind = "eks:nodegroup"

// PodIdentityKind is the Ref.Kind of live EKS Pod Identity associations.
const PodIdentityKind = "eks:podidentityassociation"

// imageProperty is the Spark property that names a custom image.
const imageProperty = "spark.kubernetes.container.image"

// emrOnEKS maps virtual clusters, managed endpoints and job runs (each
// endpoint and job run also a JobRole, the execution roles EKS101/102
// judge), nodegroups and their launch templates.
func (m *mapper) emrOnEKS(r *Region) {
	for _, v := range r.VirtualClusters {
		vc := &model.VirtualCluster{Ref: m.ref(event.KindVirtualCluster, v.ID, v.Name, r.Name), Name: str(&v.Name), State: str(&v.State),
			EKSCluster: str(&v.EKSCluster), Namespace: str(&v.Namespace), SecurityConfigurationID: str(&v.SecurityConfigurationID)}
		if v.ProviderType != "" && v.ProviderType != "EKS" {
			vc.Namespace = model.Field[string]{} // not an EKS namespace
		}
		m.ev.VirtualClusters = append(m.ev.VirtualClusters, vc)
	}
	for _, e := range r.ManagedEndpoints {
		ref := m.ref(event.KindManagedEndpoint, deref(e.Id), deref(e.Name), r.Name)
		me := &model.ManagedEndpoint{Ref: ref, VirtualClusterID: str(e.VirtualClusterId), ReleaseLabel: str(e.ReleaseLabel),
			ExecutionRole: m.roleRef(e.ExecutionRoleArn), Image: customImage(e.ConfigurationOverrides)}
		if g := deref(e.SecurityGroup); g != "" {
			me.SecurityGroup = known(m.ec2(r.Name, "security-group", g))
		}
		if len(e.SubnetIds) > 0 {
			me.SubnetIDs = known(m.ec2List(r.Name, "subnet", e.SubnetIds))
		}
		m.ev.ManagedEndpoints = append(m.ev.ManagedEndpoints, me)
		m.ev.JobRoles = append(m.ev.JobRoles, &model.JobRole{Ref: ref, RoleARN: me.ExecutionRole})
	}
	for _, j := range r.JobRuns {
		ref := m.ref(event.KindJobRun, deref(j.Id), deref(j.Name), r.Name)
		jr := &model.JobRun{Ref: ref, VirtualClusterID: str(j.VirtualClusterId), ReleaseLabel: str(j.ReleaseLabel),
			ExecutionRole: m.roleRef(j.ExecutionRoleArn), Image: customImage(j.ConfigurationOverrides)}
		m.ev.JobRuns = append(m.ev.JobRuns, jr)
		m.ev.JobRoles = append(m.ev.JobRoles, &model.JobRole{Ref: ref, RoleARN: jr.ExecutionRole})
	}
	templates := map[string]bool{}
	for _, v := range r.LaunchTemplateVersions {
		lt := &model.LaunchTemplate{Ref: m.ref(ec2cli.LaunchTemplateKind, "", deref(v.LaunchTemplateName), r.Name), Name: str(v.LaunchTemplateName)}
		ver := ""
		if v.VersionNumber != nil {
			ver = strconv.FormatInt(*v.VersionNumber, 10)
			lt.Version = known(ver)
		}
		id := deref(v.LaunchTemplateId)
		if id == "" {
			id = deref(v.LaunchTemplateName)
		}
		lt.Ref.ID = id + ":" + ver
		templates[deref(v.LaunchTemplateId)+":"+ver], templates[deref(v.LaunchTemplateName)+":"+ver] = true, true
		if d := v.LaunchTemplateData; d != nil && d.MetadataOptions != nil {
			md := d.MetadataOptions
			lt.HopLimit = i32(md.HttpPutResponseHopLimit)
			lt.HTTPTokens = str(ptr(string(md.HttpTokens)))
			lt.HTTPEndpoint = str(ptr(string(md.HttpEndpoint)))
		}
		m.ev.LaunchTemplates = append(m.ev.LaunchTemplates, lt)
	}
	for _, n := range r.Nodegroups {
		name, cluster := deref(n.NodegroupName), deref(n.ClusterName)
		id := deref(n.NodegroupArn)
		if id == "" {
			id = cluster + "/" + name
		}
		ng := &model.Nodegroup{Ref: m.ref(NodegroupKind, id, name, r.Name), Name: str(n.NodegroupName), ClusterName: str(n.ClusterName),
			NodeRole: m.roleRef(n.NodeRole)}
		if lt := n.LaunchTemplate; lt != nil {
			ng.LaunchTemplate = str(lt.Id)
			if ng.LaunchTemplate.IsAbsent() {
				ng.LaunchTemplate = str(lt.Name)
			}
			ng.LaunchTemplateVersion = str(lt.Version)
			key := ng.LaunchTemplate.Val + ":" + ng.LaunchTemplateVersion.Val
			if ng.LaunchTemplate.IsSet() && !templates[key] {
				// The template its nodes start from is not in the snapshot:
				// one whose metadata options are Unknown says why (EKS702).
				templates[key] = true
				why := m.whyIn(r, "ec2", "DescribeLaunchTemplateVersions", ng.LaunchTemplate.Val,
					fmt.Sprintf("the live scan did not read launch template %s of nodegroup %s (DescribeLaunchTemplateVersions)", key, name))
				s := unknown[string](why)
				m.ev.LaunchTemplates = append(m.ev.LaunchTemplates, &model.LaunchTemplate{Ref: m.ref(ec2cli.LaunchTemplateKind, key, deref(lt.Name), r.Name),
					Name: str(lt.Name), Version: ng.LaunchTemplateVersion, HopLimit: unknown[int](why), HTTPTokens: s, HTTPEndpoint: s})
			}
		}
		m.ev.Nodegroups = append(m.ev.Nodegroups, ng)
	}
	for _, a := range r.PodIdentityAssociations {
		id := deref(a.AssociationArn)
		if id == "" {
			id = deref(a.ClusterName) + "/" + deref(a.AssociationId)
		}
		m.ev.PodIdentityAssociations = append(m.ev.PodIdentityAssociations, &model.PodIdentityAssociation{
			Ref:         m.ref(PodIdentityKind, id, deref(a.Namespace)+"/"+deref(a.ServiceAccount), r.Name),
			ClusterName: str(a.ClusterName), Namespace: str(a.Namespace), ServiceAccount: str(a.ServiceAccount), RoleARN: m.roleRef(a.RoleArn)})
	}
}

// customImage returns the custom image of a job's or endpoint's configuration
// overrides (spark.kubernetes.container.image in any classification),
// Absent when EMR's own is used.
func customImage(o *ectypes.ConfigurationOverrides) model.Field[string] {
	if o == nil {
		return model.Field[string]{}
	}
	var find func(cs []ectypes.Configuration) string
	find = func(cs []ectypes.Configuration) string {
		for _, c := range cs {
			if v := c.Properties[imageProperty]; v != "" {
				return v
			}
			if v := find(c.Configurations); v != "" {
				return v
			}
		}
		return ""
	}
	if v := find(o.ApplicationConfiguration); v != "" {
		return known(v)
	}
	return model.Field[string]{}
}
