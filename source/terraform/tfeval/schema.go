package tfeval

// What the evaluator knows of the providers' schemas: what the HCL
// syntax alone does not say, and Terraform learns from the provider.

// NestedBlocks are the nested block types of the resource types the
// adapter reads: the JSON syntax does not tell blocks from attributes.
var NestedBlocks = map[string][]string{
	"aws_emr_cluster": {"ec2_attributes", "master_instance_group", "core_instance_group", "master_instance_fleet", "core_instance_fleet", "kerberos_attributes", "bootstrap_action", "step", "auto_termination_policy"},
	"aws_emr_block_public_access_configuration": {"permitted_public_security_group_rule_range"},
	"aws_security_group":                        {"ingress", "egress"},
	"aws_route_table":                           {"route"},
	"aws_iam_role":                              {"inline_policy"},
	"aws_s3_bucket":                             {"logging"},
	"aws_emrcontainers_virtual_cluster":         {"container_provider"},
	"aws_emrcontainers_job_template":            {"job_template_data"},
	"aws_launch_template":                       {"metadata_options"},
	"aws_eks_node_group":                        {"launch_template"},
	"kubernetes_role":                           {"metadata", "rule"},
	"kubernetes_role_v1":                        {"metadata", "rule"},
	"kubernetes_cluster_role":                   {"metadata", "rule", "aggregation_rule"},
	"kubernetes_cluster_role_v1":                {"metadata", "rule", "aggregation_rule"},
	"kubernetes_role_binding":                   {"metadata", "role_ref", "subject"},
	"kubernetes_role_binding_v1":                {"metadata", "role_ref", "subject"},
	"kubernetes_cluster_role_binding":           {"metadata", "role_ref", "subject"},
	"kubernetes_cluster_role_binding_v1":        {"metadata", "role_ref", "subject"},
}

// kubeNamed are the resource types whose metadata[0].name, when not
// known, stands for the resource itself (ownName).
var kubeNamed = map[string]bool{
	"kubernetes_role": true, "kubernetes_role_v1": true, "kubernetes_cluster_role": true, "kubernetes_cluster_role_v1": true,
}
