package cfn

import (
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/tree"
)

// podIdentity reads an AWS::EKS::PodIdentityAssociation: the role EKS
// gives to one service account of one namespace (RoleArn, the role's
// logical ID when it is !GetAtt Role.Arn), which makes the role a job
// execution role when the service account is EMR's (EKS101, EKS102).
func (r *reader) podIdentity(res *resource, p *tree.Node) {
	r.ev.PodIdentityAssociations = append(r.ev.PodIdentityAssociations, &model.PodIdentityAssociation{Ref: r.ref(res),
		ClusterName:    r.link(p, "ClusterName", true),
		Namespace:      r.str(p, "Namespace"),
		ServiceAccount: r.str(p, "ServiceAccount"),
		RoleARN:        r.link(p, "RoleArn", false),
	})
}
