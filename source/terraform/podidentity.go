package terraform

import "github.com/emrguard/emrguard/model"

// podIdentity reads an aws_eks_pod_identity_association: the role EKS
// gives to one service account of one namespace (role_arn, an address
// when it is aws_iam_role.x.arn), which makes the role a job execution
// role when the service account is EMR's (EKS101, EKS102).
func (r *rd) podIdentity(in attrs) {
	a := &model.PodIdentityAssociation{Ref: r.ref(in),
		ClusterName:    r.link(in.arg(r, "cluster_name")),
		Namespace:      r.str(in.arg(r, "namespace")),
		ServiceAccount: r.str(in.arg(r, "service_account")),
		RoleARN:        r.link(in.arg(r, "role_arn")),
	}
	r.ev.PodIdentityAssociations = append(r.ev.PodIdentityAssociations, a)
}
