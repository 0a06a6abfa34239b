package cfn

import (
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/tree"
)

// nodegroup reads an AWS::EKS::Nodegroup: the role its nodes run as
// (NodeRole, the role's logical ID when it is !GetAtt Role.Arn) and the
// launch template they start from (EKS701, EKS702).
func (r *reader) nodegroup(res *resource, p *tree.Node) {
	ng := &model.Nodegroup{Ref: r.ref(res), Name: r.str(p, "NodegroupName"), ClusterName: r.link(p, "ClusterName", true)}
	if ng.Name.IsSet() {
		ng.Ref.Name = ng.Name.Val
	}
	ng.NodeRole = r.link(p, "NodeRole", false)
	if lt, at, ok := prop(p, "LaunchTemplate"); ok {
		if lt.Kind == tree.Unknown {
			ng.LaunchTemplate = model.Unresolved[string](lt.Text, at)
			ng.LaunchTemplateVersion = model.Unresolved[string](lt.Text, at)
		} else {
			ng.LaunchTemplate = r.link(lt, "Id", false)
			if ng.LaunchTemplate.IsAbsent() {
				ng.LaunchTemplate = r.link(lt, "Name", false)
			}
			ng.LaunchTemplateVersion = r.str(lt, "Version")
		}
	}
	r.ev.Nodegroups = append(r.ev.Nodegroups, ng)
}

// virtualCluster reads an AWS::EMRContainers::VirtualCluster: the EKS
// cluster (ContainerProvider.Id) and the namespace EMR runs its jobs in
// (ContainerProvider.Info.EksInfo.Namespace), which makes that namespace
// an EMR namespace for the RBAC and pod controls (EKS401, EKS601–605), as
// aws_emrcontainers_virtual_cluster does in Terraform.
func (r *reader) virtualCluster(res *resource, p *tree.Node) {
	vc := &model.VirtualCluster{Ref: r.ref(res), Name: r.str(p, "Name")}
	if vc.Name.IsSet() {
		vc.Ref.Name = vc.Name.Val
	}
	if cp, _, ok := prop(p, "ContainerProvider"); ok {
		vc.EKSCluster = r.str(cp, "Id")
		// An unknown object answers every key as unknown, so an unknown
		// provider or Info leaves the namespace unknown, with the reason.
		if info, _, ok := prop(cp, "Info"); ok {
			if eks, _, ok := prop(info, "EksInfo"); ok {
				vc.Namespace = r.str(eks, "Namespace")
			}
		}
	}
	r.ev.VirtualClusters = append(r.ev.VirtualClusters, vc)
}

// launchTemplate reads an AWS::EC2::LaunchTemplate's instance metadata
// options (LaunchTemplateData.MetadataOptions), which decide whether pods
// on a nodegroup's nodes reach the node role's credentials (EKS702).
func (r *reader) launchTemplate(res *resource, p *tree.Node) {
	lt := &model.LaunchTemplate{Ref: r.ref(res), Name: r.str(p, "LaunchTemplateName")}
	if lt.Name.IsSet() {
		lt.Ref.Name = lt.Name.Val
	}
	if data, _, ok := prop(p, "LaunchTemplateData"); ok {
		if md, _, ok := prop(data, "MetadataOptions"); ok {
			lt.HTTPTokens = r.str(md, "HttpTokens")
			lt.HopLimit = r.integer(md, "HttpPutResponseHopLimit")
			lt.HTTPEndpoint = r.str(md, "HttpEndpoint")
		}
	}
	r.ev.LaunchTemplates = append(r.ev.LaunchTemplates, lt)
}
