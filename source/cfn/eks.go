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
