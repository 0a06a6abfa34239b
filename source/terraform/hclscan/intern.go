package hclscan

// Intern returns b as a string, shared for the argument, block and
// attribute names configurations are made of: a string per argument
// scanned is a good part of a large module's allocation, and these few
// names are most of them. The table is built once and only read, so any
// goroutine may use it; the lookup with string(b) does not allocate.
func Intern(b []byte) string {
	if s, ok := names[string(b)]; ok {
		return s
	}
	return string(b)
}

var names = func() map[string]string {
	m := map[string]string{}
	for _, s := range []string{
		// Blocks and meta-arguments.
		"resource", "data", "variable", "locals", "output", "module", "provider", "terraform",
		"count", "for_each", "depends_on", "lifecycle", "provider", "source", "version",
		"type", "default", "description", "value", "sensitive", "nullable", "validation",
		"condition", "error_message", "dynamic", "content", "iterator", "labels",
		// Common attribute names read from references.
		"id", "arn", "name", "name_prefix", "tags", "tags_all", "key", "each",
		// Security groups and rules.
		"aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule",
		"aws_vpc_security_group_egress_rule", "ingress", "egress", "from_port", "to_port",
		"protocol", "ip_protocol", "cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6",
		"prefix_list_ids", "security_groups", "self", "vpc_id", "security_group_id",
		"source_security_group_id", "referenced_security_group_id", "revoke_rules_on_delete",
		// EMR.
		"aws_emr_cluster", "aws_emr_security_configuration", "aws_emr_instance_group",
		"aws_emr_instance_fleet", "aws_emr_block_public_access_configuration",
		"configuration", "release_label", "applications", "service_role", "autoscaling_role",
		"log_uri", "log_encryption_kms_key_id", "security_configuration",
		"termination_protection", "keep_job_flow_alive_when_no_steps", "ebs_root_volume_size",
		"ec2_attributes", "subnet_id", "subnet_ids", "emr_managed_master_security_group",
		"emr_managed_slave_security_group", "service_access_security_group",
		"additional_master_security_groups", "additional_slave_security_groups",
		"instance_profile", "key_name", "master_instance_group", "core_instance_group",
		"master_instance_fleet", "core_instance_fleet", "instance_type", "instance_count",
		"ebs_config", "size", "volumes_per_instance", "iops", "throughput",
		"auto_termination_policy", "idle_timeout", "kerberos_attributes", "configurations",
		"configurations_json", "bootstrap_action", "step", "visible_to_all_users",
		"scale_down_behavior", "custom_ami_id", "placement_group_config",
		"block_public_access_enabled", "permitted_public_security_group_rule_range",
		"min_range", "max_range", "path", "args",
		// IAM.
		"aws_iam_role", "aws_iam_policy", "aws_iam_role_policy", "aws_iam_role_policy_attachment",
		"aws_iam_instance_profile", "aws_iam_policy_document", "assume_role_policy", "policy",
		"policy_arn", "role", "roles", "inline_policy", "managed_policy_arns", "statement",
		"effect", "actions", "not_actions", "resources", "not_resources", "principals",
		"identifiers", "sid", "variable", "values",
		// KMS, S3.
		"aws_kms_key", "aws_kms_alias", "aws_s3_bucket", "bucket", "target_key_id",
		"enable_key_rotation", "kms_key_id", "kms_master_key_id", "sse_algorithm",
	} {
		m[s] = s
	}
	return m
}()
