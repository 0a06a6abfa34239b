package terraform

import "github.com/emrguard/emrguard/model"

// nodegroup reads an aws_eks_node_group: the role its nodes run as
// (node_role_arn, an address when it is aws_iam_role.x.arn) and the
// launch template they start from (EKS701, EKS702).
func (r *rd) nodegroup(in attrs) {
	ng := &model.Nodegroup{Ref: r.ref(in), Name: r.str(in.arg(r, "node_group_name")), ClusterName: r.link(in.arg(r, "cluster_name"))}
	r.named(&ng.Ref, ng.Name)
	ng.NodeRole = r.link(in.arg(r, "node_role_arn"))
	switch lt, ok := r.block(in, nil, "launch_template"); {
	case ok && lt.why != "":
		ng.LaunchTemplate = model.Unresolved[string](lt.why, lt.at)
		ng.LaunchTemplateVersion = model.Unresolved[string](lt.why, lt.at)
	case ok:
		ng.LaunchTemplate = r.link(in.sub(r, lt, "id"))
		if ng.LaunchTemplate.IsAbsent() {
			ng.LaunchTemplate = r.link(in.sub(r, lt, "name"))
		}
		ng.LaunchTemplateVersion = r.str(in.sub(r, lt, "version"))
	}
	r.ev.Nodegroups = append(r.ev.Nodegroups, ng)
}
