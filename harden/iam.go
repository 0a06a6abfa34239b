package harden

import (
	"fmt"
	"strings"
)

// IAMSpec is what `emrguard harden iam` is asked for.
type IAMSpec struct {
	Prefix    string // role names: <prefix>-service-role, <prefix>-ec2-role, <prefix>-job-role
	Partition string // aws (default), aws-cn, aws-us-gov
	Account   string
	Region    string
	Buckets   []string // data buckets the jobs read and write
	LogBucket string   // where cluster logs go (LogUri)
	KMSKeys   []string // keys the roles use (the security configuration's)
	// For EMR on EKS: the cluster's OIDC provider, the namespace of the
	// virtual cluster, and optionally a CloudWatch log group of the jobs.
	OIDCProvider, Namespace, LogGroup string
	JobRoleName                       string
	// CertObject is the s3:// location of the in-transit certificate zip
	// (or custom provider JAR) the nodes read ("" when none).
	CertObject string
	// SessionManager lets the nodes register with SSM Session Manager
	// (the scoped equivalent of AmazonSSMManagedInstanceCore's session
	// part), so the primary node is reached without SSH (BP 3.2).
	SessionManager bool
	// For: "cluster", "eks" or "both"; "" is both when an OIDC provider is
	// given, else cluster.
	For string
}

// ManagedTag is the tag the v2 managed policies require on the resources
// EMR acts on (aws-emr-facts.md §6.2).
const ManagedTag = "for-use-with-amazon-emr-managed-policies"

// role is one generated role, in the shape of AWS::IAM::Role's properties.
type role struct {
	Logical         string         `json:"-"`
	RoleName        string         `json:"RoleName"`
	Trust           *policyDoc     `json:"AssumeRolePolicyDocument"`
	ManagedPolicies []string       `json:"ManagedPolicyArns,omitempty"`
	Policies        []inlinePolicy `json:"Policies,omitempty"`
	InstanceProfile string         `json:"InstanceProfileName,omitempty"`
}

type inlinePolicy struct {
	PolicyName     string     `json:"PolicyName"`
	PolicyDocument *policyDoc `json:"PolicyDocument"`
}

// roles validates s and builds its roles.
func (s IAMSpec) roles() ([]*role, error) {
	if s.Prefix == "" {
		s.Prefix = "emr"
	}
	if err := checkName("--prefix", s.Prefix); err != nil {
		return nil, err
	}
	if s.Partition == "" {
		s.Partition = "aws"
	}
	var oidc OIDCProvider
	if s.OIDCProvider != "" {
		var err error
		if oidc, err = ParseOIDCProvider("--eks-oidc-provider", s.OIDCProvider); err != nil {
			return nil, err
		}
		if s.Account == "" {
			s.Account = oidc.Account
		}
		if s.Region == "" {
			s.Region = oidc.Region
		}
		if oidc.Partition != s.Partition {
			return nil, fmt.Errorf("--eks-oidc-provider: partition %s, not %s", oidc.Partition, s.Partition)
		}
	}
	want := s.For
	if want == "" {
		want = "cluster"
		if s.OIDCProvider != "" {
			want = "both"
		}
	}
	cluster, eks := want == "cluster" || want == "both", want == "eks" || want == "both"
	if !cluster && !eks {
		return nil, fmt.Errorf("--for: %q is not cluster, eks or both", s.For)
	}
	if !accountRe.MatchString(s.Account) {
		return nil, fmt.Errorf("--account: %q is not a 12-digit AWS account ID", s.Account)
	}
	if err := checkRegion("--region", s.Region); err != nil {
		return nil, err
	}
	if len(s.Buckets) == 0 {
		return nil, fmt.Errorf("--bucket: name at least one data bucket the roles may use (repeat the flag for more)")
	}
	for _, b := range append(append([]string(nil), s.Buckets...), s.LogBucket) {
		if b == "" {
			continue
		}
		if err := checkBucket("--bucket", b); err != nil {
			return nil, err
		}
	}
	var keys []string
	for _, k := range s.KMSKeys {
		a, err := ParseKeyARN("--kms-key", k)
		if err != nil {
			return nil, err
		}
		keys = append(keys, a.ARN)
	}
	if oidc.Account != "" && oidc.Account != s.Account {
		return nil, fmt.Errorf("--eks-oidc-provider: account %s, not --account %s", oidc.Account, s.Account)
	}
	arn := func(service, region, account, res string) string {
		return fmt.Sprintf("arn:%s:%s:%s:%s:%s", s.Partition, service, region, account, res)
	}
	var bucketARNs, objectARNs []string
	for _, b := range s.Buckets {
		bucketARNs = append(bucketARNs, arn("s3", "", "", b))
		objectARNs = append(objectARNs, arn("s3", "", "", b+"/*"))
	}
	dataAccess := func() []stmt {
		out := []stmt{
			allow("ListDataBuckets", []string{"s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"}, bucketARNs...),
			allow("ReadWriteDataObjects", []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"}, objectARNs...),
		}
		if len(keys) > 0 {
			out = append(out, allow("UseDataKeys", kmsUse, keys...))
		}
		return out
	}

	var out []*role
	ec2Role := s.Prefix + "-ec2-role"
	if cluster {
		trust := doc(stmt{Effect: "Allow", Principal: map[string]any{"Service": "elasticmapreduce.amazonaws.com"}, Action: []string{"sts:AssumeRole"}}.
			when("StringEquals", "aws:SourceAccount", s.Account).
			when("ArnLike", "aws:SourceArn", arn("elasticmapreduce", s.Region, s.Account, "*")))
		svc := []stmt{
			allow("PassInstanceRoleToEC2", []string{"iam:PassRole"}, arn("iam", "", s.Account, "role/"+ec2Role)).
				when("StringEquals", "iam:PassedToService", "ec2.amazonaws.com"),
		}
		if len(keys) > 0 {
			// The service role encrypts EBS volumes with the local-disk key
			// (EnableEbsEncryption): it must use the key and grant it to EC2.
			svc = append(svc,
				allow("UseKeysForEBS", []string{"kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"}, keys...),
				allow("GrantKeysToEBS", kmsGrants, keys...).when("Bool", "kms:GrantIsForAWSResource", true))
		}
		out = append(out, &role{
			Logical: "ServiceRole", RoleName: s.Prefix + "-service-role", Trust: trust,
			// The v2 policy acts only on resources tagged
			// for-use-with-amazon-emr-managed-policies=true.
			ManagedPolicies: []string{fmt.Sprintf("arn:%s:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2", s.Partition)},
			Policies:        []inlinePolicy{{s.Prefix + "-service-scoped", doc(svc...)}},
		})
		inst := dataAccess()
		if s.LogBucket != "" {
			inst = append(inst,
				allow("ListLogBucket", []string{"s3:ListBucket", "s3:GetBucketLocation"}, arn("s3", "", "", s.LogBucket)),
				allow("WriteLogs", []string{"s3:PutObject"}, arn("s3", "", "", s.LogBucket+"/*")))
		}
		if s.CertObject != "" {
			ext := ".zip"
			if strings.HasSuffix(strings.ToLower(s.CertObject), ".jar") {
				ext = ".jar" // a custom certificate provider
			}
			if err := parseS3URI("--cert-s3", s.CertObject, ext); err != nil {
				return nil, err
			}
			inst = append(inst, allow("ReadCertificates", []string{"s3:GetObject"}, arn("s3", "", "", strings.TrimPrefix(s.CertObject, "s3://"))))
		}
		if s.SessionManager {
			// The actions Session Manager's agent needs (the SSM docs'
			// minimal instance profile); they take no resource narrower
			// than "*".
			inst = append(inst, allow("SessionManager", []string{"ssm:UpdateInstanceInformation", "ssmmessages:CreateControlChannel",
				"ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"}, "*"))
		}
		// The nodes read their own cluster's description, on clusters
		// carrying the tag the v2 managed policies require.
		inst = append(inst, allow("ReadOwnCluster", []string{"elasticmapreduce:DescribeCluster", "elasticmapreduce:ListBootstrapActions",
			"elasticmapreduce:ListInstanceFleets", "elasticmapreduce:ListInstanceGroups", "elasticmapreduce:ListInstances", "elasticmapreduce:ListSteps"},
			arn("elasticmapreduce", s.Region, s.Account, "cluster/*")).when("StringEquals", "aws:ResourceTag/"+ManagedTag, "true"))
		out = append(out, &role{
			Logical: "InstanceRole", RoleName: ec2Role,
			Trust:           doc(stmt{Effect: "Allow", Principal: map[string]any{"Service": "ec2.amazonaws.com"}, Action: []string{"sts:AssumeRole"}}),
			Policies:        []inlinePolicy{{s.Prefix + "-ec2-scoped", doc(inst...)}},
			InstanceProfile: s.Prefix + "-ec2-profile",
		})
	}
	if eks {
		if oidc.ARN == "" {
			return nil, fmt.Errorf("--eks-oidc-provider: the EKS cluster's OIDC provider ARN is required for a job execution role")
		}
		if !namespaceRe.MatchString(s.Namespace) {
			return nil, fmt.Errorf("--eks-namespace: %q is not a Kubernetes namespace", s.Namespace)
		}
		name := s.JobRoleName
		if name == "" {
			name = s.Prefix + "-job-role"
		}
		if err := checkName("--job-role-name", name); err != nil {
			return nil, err
		}
		// Exactly the service accounts EMR creates for this role in this
		// namespace (aws-emr-facts.md §6.4; EKS102).
		sub := fmt.Sprintf("system:serviceaccount:%s:emr-containers-sa-*-*-%s-%s", s.Namespace, s.Account, base36(name))
		trust := doc(stmt{Effect: "Allow", Principal: map[string]any{"Federated": oidc.ARN}, Action: []string{"sts:AssumeRoleWithWebIdentity"}}.
			when("StringLike", oidc.Host+":sub", sub))
		job := dataAccess()
		if s.LogGroup != "" {
			if strings.ContainsAny(s.LogGroup, "*?: ") {
				return nil, fmt.Errorf("--log-group: %q is not a log group name", s.LogGroup)
			}
			job = append(job, allow("WriteJobLogs", []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
				arn("logs", s.Region, s.Account, "log-group:"+s.LogGroup), arn("logs", s.Region, s.Account, "log-group:"+s.LogGroup+":log-stream:*")))
		}
		out = append(out, &role{Logical: "JobExecutionRole", RoleName: name, Trust: trust, Policies: []inlinePolicy{{name + "-scoped", doc(job...)}}})
	}
	return out, nil
}

// IAM renders the roles of s in form f: their documents (json), a
// template of AWS::IAM::Role and AWS::IAM::InstanceProfile (cfn), or
// aws_iam_role, aws_iam_role_policy, aws_iam_role_policy_attachment and
// aws_iam_instance_profile resources (terraform).
func IAM(s IAMSpec, f Format) ([]byte, error) {
	rs, err := s.roles()
	if err != nil {
		return nil, err
	}
	switch f {
	case JSON, "":
		m := map[string]*role{}
		for _, r := range rs {
			m[r.Logical] = r
		}
		return marshal(m)
	case CFN:
		t := newTemplate("Least-privilege EMR roles: service role (AmazonEMRServicePolicy_v2 + scoped), EC2 instance profile, EMR on EKS job execution role. Generated by emrguard harden iam.")
		t.addRoles(rs, false)
		return marshal(t)
	case Terraform:
		tf := newTF()
		tf.addRoles(rs)
		return tf.bytes(), nil
	}
	return nil, unsupported("harden iam", f, JSON, CFN, Terraform)
}

// tfName is the Terraform name of a logical ID: ServiceRole → service.
func tfName(logical string) string {
	switch logical {
	case "ServiceRole":
		return "service"
	case "InstanceRole":
		return "instance"
	case "JobExecutionRole":
		return "job_execution"
	}
	return strings.ToLower(logical)
}

// addRoles adds the roles, their instance profile and ARN outputs to t.
// With separate, each inline policy becomes an AWS::IAM::Policy of its
// own, which can name resources of the template that themselves name the
// role (a key policy) without a dependency cycle.
func (t *template) addRoles(rs []*role, separate bool) {
	for _, r := range rs {
		props := map[string]any{"RoleName": r.RoleName, "AssumeRolePolicyDocument": r.Trust}
		if len(r.ManagedPolicies) > 0 {
			props["ManagedPolicyArns"] = r.ManagedPolicies
		}
		switch {
		case separate:
			for _, p := range r.Policies {
				t.Resources[r.Logical+"Policy"] = resource("AWS::IAM::Policy", map[string]any{
					"PolicyName": p.PolicyName, "PolicyDocument": p.PolicyDocument,
					"Roles": []any{map[string]any{"Ref": r.Logical}},
				})
			}
		case len(r.Policies) > 0:
			props["Policies"] = r.Policies
		}
		t.Resources[r.Logical] = resource("AWS::IAM::Role", props)
		t.Outputs[r.Logical+"Arn"] = map[string]any{"Value": map[string]any{"Fn::GetAtt": []string{r.Logical, "Arn"}}}
		if r.InstanceProfile != "" {
			t.Resources["InstanceProfile"] = resource("AWS::IAM::InstanceProfile", map[string]any{
				"InstanceProfileName": r.InstanceProfile, "Roles": []any{map[string]any{"Ref": r.Logical}},
			})
			t.Outputs["InstanceProfileArn"] = map[string]any{"Value": map[string]any{"Fn::GetAtt": []string{"InstanceProfile", "Arn"}}}
		}
	}
}

// addRoles adds aws_iam_role, aws_iam_role_policy,
// aws_iam_role_policy_attachment and aws_iam_instance_profile resources
// and ARN outputs.
func (tf *tfFile) addRoles(rs []*role) {
	for _, r := range rs {
		id := tfName(r.Logical)
		tf.add(fmt.Sprintf(`resource "aws_iam_role" %q`, id), (&tfBlock{}).set("name", r.RoleName).jsonencode("assume_role_policy", r.Trust))
		for _, p := range r.Policies {
			tf.add(fmt.Sprintf(`resource "aws_iam_role_policy" %q`, id), (&tfBlock{}).set("name", p.PolicyName).
				raw("role", "aws_iam_role."+id+".id").jsonencode("policy", p.PolicyDocument))
		}
		for i, m := range r.ManagedPolicies {
			tf.add(fmt.Sprintf(`resource "aws_iam_role_policy_attachment" "%s_%d"`, id, i), (&tfBlock{}).
				raw("role", "aws_iam_role."+id+".name").set("policy_arn", m))
		}
		if r.InstanceProfile != "" {
			tf.add(`resource "aws_iam_instance_profile" "instance"`, (&tfBlock{}).set("name", r.InstanceProfile).raw("role", "aws_iam_role."+id+".name"))
			tf.add(`output "instance_profile_arn"`, (&tfBlock{}).raw("value", "aws_iam_instance_profile.instance.arn"))
		}
		tf.add(fmt.Sprintf(`output "%s_arn"`, id), (&tfBlock{}).raw("value", "aws_iam_role."+id+".arn"))
	}
}
