package harden

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// tfTags is the tag AmazonEMRServicePolicy_v2 requires, as an HCL map.
var tfTags = "{\n    " + strconv.Quote(ManagedTag) + " = \"true\"\n  }"

// tfBucket adds a bucket with its encryption, public access block,
// ownership, versioning, access logging (unless it is the access-log
// bucket) and a policy refusing plain HTTP (plus extra statements).
func (e *env) tfBucket(tf *tfFile, id, name string, kms bool, extra ...map[string]any) {
	addr := "aws_s3_bucket." + id
	tf.add(fmt.Sprintf(`resource "aws_s3_bucket" %q`, id), (&tfBlock{}).set("bucket", name))
	rule := "{\n    bucket_key_enabled = true\n    apply_server_side_encryption_by_default {\n      sse_algorithm     = \"aws:kms\"\n      kms_master_key_id = aws_kms_key.emrfs.arn\n    }\n  }"
	if !kms {
		// S3 server access logs are delivered only to SSE-S3 buckets.
		rule = "{\n    apply_server_side_encryption_by_default {\n      sse_algorithm = \"AES256\"\n    }\n  }"
	}
	tf.add(fmt.Sprintf(`resource "aws_s3_bucket_server_side_encryption_configuration" %q`, id),
		(&tfBlock{}).raw("bucket", addr+".id").block("rule", rule))
	tf.add(fmt.Sprintf(`resource "aws_s3_bucket_public_access_block" %q`, id), (&tfBlock{}).raw("bucket", addr+".id").
		set("block_public_acls", true).set("block_public_policy", true).set("ignore_public_acls", true).set("restrict_public_buckets", true))
	tf.add(fmt.Sprintf(`resource "aws_s3_bucket_ownership_controls" %q`, id), (&tfBlock{}).raw("bucket", addr+".id").
		block("rule", "{\n    object_ownership = \"BucketOwnerEnforced\"\n  }"))
	tf.add(fmt.Sprintf(`resource "aws_s3_bucket_versioning" %q`, id), (&tfBlock{}).raw("bucket", addr+".id").
		block("versioning_configuration", "{\n    status = \"Enabled\"\n  }"))
	if id != "access_logs" {
		tf.add(fmt.Sprintf(`resource "aws_s3_bucket_logging" %q`, id), (&tfBlock{}).raw("bucket", addr+".id").
			raw("target_bucket", "aws_s3_bucket.access_logs.id").set("target_prefix", name+"/"))
	}
	stmts := []any{tlsOnly(hclRaw(addr+".arn"), hclRaw(`"${`+addr+`.arn}/*"`))}
	for _, s := range extra {
		stmts = append(stmts, s)
	}
	tf.add(fmt.Sprintf(`resource "aws_s3_bucket_policy" %q`, id), (&tfBlock{}).raw("bucket", addr+".id").
		jsonencode("policy", map[string]any{"Version": "2012-10-17", "Statement": stmts}))
}

func (e *env) terraform() []byte {
	tf := newTF()
	tf.add("terraform", (&tfBlock{}).block("required_providers", "{\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \">= 5.0\"\n    }\n  }"))
	tf.add(`provider "aws"`, (&tfBlock{}).set("region", e.Region))
	tf.add(`data "aws_availability_zones" "available"`, (&tfBlock{}).set("state", "available"))

	tf.add(`resource "aws_vpc" "emr"`, (&tfBlock{}).set("cidr_block", e.CIDR).set("enable_dns_hostnames", true).set("enable_dns_support", true))
	tf.add(`resource "aws_internet_gateway" "emr"`, (&tfBlock{}).raw("vpc_id", "aws_vpc.emr.id"))
	for i, sn := range []string{"private_a", "private_b", "public"} {
		tf.add(fmt.Sprintf(`resource "aws_subnet" %q`, sn), (&tfBlock{}).raw("vpc_id", "aws_vpc.emr.id").set("cidr_block", e.subnets[i]).
			raw("availability_zone", fmt.Sprintf("data.aws_availability_zones.available.names[%d]", i%2)).
			set("map_public_ip_on_launch", false).raw("tags", tfTags))
	}
	tf.add(`resource "aws_route_table" "public"`, (&tfBlock{}).raw("vpc_id", "aws_vpc.emr.id"))
	tf.add(`resource "aws_route" "public_default"`, (&tfBlock{}).raw("route_table_id", "aws_route_table.public.id").
		set("destination_cidr_block", "0.0.0.0/0").raw("gateway_id", "aws_internet_gateway.emr.id"))
	tf.add(`resource "aws_route_table_association" "public"`, (&tfBlock{}).raw("subnet_id", "aws_subnet.public.id").raw("route_table_id", "aws_route_table.public.id"))
	tf.add(`resource "aws_eip" "nat"`, (&tfBlock{}).set("domain", "vpc"))
	tf.add(`resource "aws_nat_gateway" "emr"`, (&tfBlock{}).raw("subnet_id", "aws_subnet.public.id").raw("allocation_id", "aws_eip.nat.id").
		raw("depends_on", "[aws_internet_gateway.emr]"))
	tf.add(`resource "aws_route_table" "private"`, (&tfBlock{}).raw("vpc_id", "aws_vpc.emr.id"))
	tf.add(`resource "aws_route" "private_default"`, (&tfBlock{}).raw("route_table_id", "aws_route_table.private.id").
		set("destination_cidr_block", "0.0.0.0/0").raw("nat_gateway_id", "aws_nat_gateway.emr.id"))
	for _, sn := range []string{"private_a", "private_b"} {
		tf.add(fmt.Sprintf(`resource "aws_route_table_association" %q`, sn), (&tfBlock{}).raw("subnet_id", "aws_subnet."+sn+".id").raw("route_table_id", "aws_route_table.private.id"))
	}
	tf.add(`resource "aws_vpc_endpoint" "s3"`, (&tfBlock{}).raw("vpc_id", "aws_vpc.emr.id").set("vpc_endpoint_type", "Gateway").
		set("service_name", "com.amazonaws."+e.Region+".s3").raw("route_table_ids", "[aws_route_table.private.id]"))

	// EMR-managed groups: EMR writes their rules; nothing is open to the
	// internet and no rule opens port 22.
	for _, g := range [][2]string{{"primary", "primary node"}, {"core", "core and task nodes"}, {"service_access", "service access"}} {
		tf.add(fmt.Sprintf(`resource "aws_security_group" %q`, g[0]), (&tfBlock{}).set("name", e.Prefix+"-"+strings.ReplaceAll(g[0], "_", "-")).
			set("description", "EMR-managed: "+g[1]).raw("vpc_id", "aws_vpc.emr.id").set("revoke_rules_on_delete", true).raw("tags", tfTags))
	}
	tf.add(`resource "aws_vpc_security_group_ingress_rule" "service_access_from_primary"`, (&tfBlock{}).
		raw("security_group_id", "aws_security_group.service_access.id").set("ip_protocol", "tcp").set("from_port", 9443).set("to_port", 9443).
		raw("referenced_security_group_id", "aws_security_group.primary.id").set("description", "EMR service access from the primary node"))

	// Block public access, with no port excepted: Session Manager needs none.
	tf.add(`resource "aws_emr_block_public_access_configuration" "this"`, (&tfBlock{}).set("block_public_security_group_rules", true))

	tf.addRoles(e.roles)
	tf.addKeys(e.keys, "aws_iam_role.service", "aws_iam_role.instance")
	tf.addSecConf(e.secName, e.secconf)

	e.tfBucket(tf, "access_logs", e.accessBucket, false,
		map[string]any{"Sid": "S3ServerAccessLogs", "Effect": "Allow", "Principal": map[string]any{"Service": "logging.s3.amazonaws.com"},
			"Action": "s3:PutObject", "Resource": hclRaw(`"${aws_s3_bucket.access_logs.arn}/*"`),
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": e.Account}}})
	e.tfBucket(tf, "logs", e.logBucket, true)
	if e.ownBucket != "" {
		e.tfBucket(tf, "data", e.ownBucket, true)
	}

	tf.add(`resource "aws_emr_cluster" "private"`, (&tfBlock{}).set("name", e.Prefix+"-private").set("release_label", e.Release).
		set("applications", []string{"Hadoop", "Spark"}).
		raw("security_configuration", "aws_emr_security_configuration.hardened.name").
		raw("service_role", "aws_iam_role.service.arn").
		set("log_uri", "s3://"+e.logBucket+"/emr-logs/").
		raw("log_encryption_kms_key_id", "aws_kms_key.emrfs.arn").
		block("ec2_attributes", "{\n    subnet_id                         = aws_subnet.private_a.id\n    emr_managed_master_security_group = aws_security_group.primary.id\n    emr_managed_slave_security_group  = aws_security_group.core.id\n    service_access_security_group     = aws_security_group.service_access.id\n    instance_profile                  = aws_iam_instance_profile.instance.arn\n  }").
		block("master_instance_group", fmt.Sprintf("{\n    instance_type = %q\n  }", e.InstanceType)).
		block("core_instance_group", fmt.Sprintf("{\n    instance_type  = %q\n    instance_count = 2\n  }", e.InstanceType)).
		raw("tags", tfTags).
		// The roles' permissions, the route out and the log bucket's
		// policy exist before the nodes boot.
		raw("depends_on", "[aws_iam_role_policy.instance, aws_iam_role_policy.service, aws_route.private_default, aws_route_table_association.private_a, aws_vpc_endpoint.s3, aws_s3_bucket_policy.logs]"))
	tf.add(`output "cluster_id"`, (&tfBlock{}).raw("value", "aws_emr_cluster.private.id"))
	tf.add(`output "primary_node_session"`, (&tfBlock{}).set("description", "Reach the primary node through SSM Session Manager (no SSH, no bastion)").
		raw("value", `"aws ssm start-session --region `+e.Region+` --target $(aws emr list-instances --region `+e.Region+` --cluster-id ${aws_emr_cluster.private.id} --instance-group-types MASTER --query 'Instances[0].Ec2InstanceId' --output text)"`))

	out := tf.bytes()
	for ph, expr := range map[string]string{e.keyARN(emrfsPlaceholder): "aws_kms_key.emrfs.arn", e.keyARN(diskPlaceholder): "aws_kms_key.local_disk.arn"} {
		out = bytes.ReplaceAll(out, []byte(strconv.Quote(ph)), []byte(expr))
	}
	return out
}
