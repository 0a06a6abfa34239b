package awsapi

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// Policy documents whose text holds a '+' and a '%': IAM sends them as
// %2B and %25, which PathUnescape turns back into '+' and '%' (and
// QueryUnescape would turn a bare '+' into a space).
const (
	trustEC2  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringLike":{"aws:PrincipalTag/team":"a+b %41"}}}]}`
	trustEMR  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"elasticmapreduce.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	inlineS3  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::logs+raw/100%/*"}]}`
	customerP = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:Describe*","iam:PassRole"],"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/x":"1+1=2 %20"}}}]}`
)

// Ensure, against an independent AWS (moto): collectIAM reads the roles
// named by name, by ARN and through an instance profile, each once; their
// trust, inline and customer-managed documents come back decoded exactly
// once; AWS-managed policies are not fetched; the holders of the v1
// full-access policy are listed; a missing role and an ARN of another
// account are failures naming them, never roles. (moto leaves the
// documents of GetInstanceProfile and GetPolicyVersion unencoded where AWS
// encodes them; iamDecode reads both, and the awstest tests send them
// encoded as AWS does.)
func testMotoIAM(t *testing.T, config func(region string) aws.Config) {
	cfg := config("us-east-1")
	ctx := context.Background()
	var calls svcCounter
	api := iam.NewFromConfig(cfg, func(o *iam.Options) { o.APIOptions = append(o.APIOptions, calls.install) })
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(api.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("emr-ec2-role"), AssumeRolePolicyDocument: aws.String(trustEC2)}))
	must(api.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("emr-service"), Path: aws.String("/service-role/"), AssumeRolePolicyDocument: aws.String(trustEMR)}))
	must(api.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("emr-ec2")}))
	must(api.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("emr-ec2"), RoleName: aws.String("emr-ec2-role")}))
	must(api.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("emr-ec2-role"), PolicyName: aws.String("s3-wide"), PolicyDocument: aws.String(inlineS3)}))
	pol, err := api.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("emr-extra"), PolicyDocument: aws.String(customerP)})
	if err != nil {
		t.Fatal(err)
	}
	customerARN := aws.ToString(pol.Policy.Arn)
	for _, role := range []string{"emr-ec2-role", "emr-service"} {
		must(api.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String(customerARN)}))
	}
	must(api.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("emr-service"), PolicyArn: aws.String("arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceRole")}))
	must(api.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("analyst")}))
	must(api.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("analyst"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonElasticMapReduceFullAccess")}))
	must(api.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("elsewhere"), AssumeRolePolicyDocument: aws.String(trustEMR)}))
	before := calls.count("GetRole")

	fs := &failures{}
	got := collectIAM(ctx, api, "aws", iamNeeds{
		Roles: []string{
			"emr-service", "arn:aws:iam::" + motoAccount + ":role/service-role/emr-service", "EMR-SERVICE",
			"arn:aws:iam::" + motoAccount + ":role/emr-ec2-role", "missing-role",
			"arn:aws:iam::999999999999:role/elsewhere",
		},
		InstanceProfiles: []string{"emr-ec2", "arn:aws:iam::" + motoAccount + ":instance-profile/emr-ec2"},
	}, fs)

	list := fs.take()
	if len(list) != 2 {
		t.Fatalf("failures = %+v, want the missing role and the other account's", list)
	}
	for _, f := range list {
		switch f.Resource {
		case "missing-role":
			if f.Service != "iam" || f.Operation != "GetRole" || f.Code != "NoSuchEntity" {
				t.Errorf("missing role: %+v", f)
			}
		case "arn:aws:iam::999999999999:role/elsewhere":
			if f.Operation != "GetRole" || !strings.Contains(f.Message, "999999999999") {
				t.Errorf("other account: %+v", f)
			}
		default:
			t.Errorf("unexpected failure %+v", f)
		}
	}
	if n := calls.count("GetRole") - before; n != 4 {
		t.Errorf("GetRole called %d times, want 4 (emr-ec2-role, emr-service, missing-role, elsewhere; once each)", n)
	}
	if n := calls.count("GetInstanceProfile"); n != 1 {
		t.Errorf("GetInstanceProfile called %d times, want 1", n)
	}

	if len(got.InstanceProfiles) != 1 || aws.ToString(got.InstanceProfiles[0].InstanceProfileName) != "emr-ec2" {
		t.Fatalf("instance profiles = %+v", got.InstanceProfiles)
	}
	if r := got.InstanceProfiles[0].Roles; len(r) != 1 {
		t.Errorf("instance profile roles = %+v", r)
	} else {
		svcSameJSON(t, "instance profile role trust", aws.ToString(r[0].AssumeRolePolicyDocument), trustEC2)
	}

	if len(got.Roles) != 2 {
		t.Fatalf("roles = %d, want emr-ec2-role and emr-service", len(got.Roles))
	}
	ec2, svc := got.Roles[0], got.Roles[1]
	if aws.ToString(ec2.Role.RoleName) != "emr-ec2-role" || aws.ToString(svc.Role.RoleName) != "emr-service" {
		t.Fatalf("roles = %s, %s", aws.ToString(ec2.Role.RoleName), aws.ToString(svc.Role.RoleName))
	}
	svcSameJSON(t, "emr-ec2-role trust", aws.ToString(ec2.Role.AssumeRolePolicyDocument), trustEC2)
	svcSameJSON(t, "emr-service trust", aws.ToString(svc.Role.AssumeRolePolicyDocument), trustEMR)
	if !ec2.InlineRead || len(ec2.InlinePolicies) != 1 || ec2.InlinePolicies[0].Name != "s3-wide" {
		t.Fatalf("emr-ec2-role inline = %+v (read %v)", ec2.InlinePolicies, ec2.InlineRead)
	}
	svcSameJSON(t, "inline s3-wide", ec2.InlinePolicies[0].Document, inlineS3)
	if !svc.InlineRead || len(svc.InlinePolicies) != 0 {
		t.Errorf("emr-service inline = %+v (read %v), want a whole empty list", svc.InlinePolicies, svc.InlineRead)
	}
	if !svc.AttachedRead || len(svc.AttachedPolicies) != 2 || !ec2.AttachedRead || len(ec2.AttachedPolicies) != 1 {
		t.Errorf("attached: emr-service %+v (read %v), emr-ec2-role %+v (read %v)", svc.AttachedPolicies, svc.AttachedRead, ec2.AttachedPolicies, ec2.AttachedRead)
	}

	if len(got.Policies) != 1 || aws.ToString(got.Policies[0].Policy.Arn) != customerARN {
		t.Fatalf("policies = %+v, want only %s (AWS-managed ones are not fetched)", got.Policies, customerARN)
	}
	svcSameJSON(t, "emr-extra", got.Policies[0].Document, customerP)
	if n := calls.count("GetPolicy"); n != 1 {
		t.Errorf("GetPolicy called %d times, want once for the policy both roles hold", n)
	}

	if len(got.Holders) != 1 {
		t.Fatalf("holders = %+v", got.Holders)
	}
	h := got.Holders[0]
	if h.PolicyARN != "arn:aws:iam::aws:policy/AmazonElasticMapReduceFullAccess" || !h.Read || len(h.Users) != 1 || aws.ToString(h.Users[0].UserName) != "analyst" || len(h.Roles)+len(h.Groups) != 0 {
		t.Errorf("holders = %+v", h)
	}
}

// Ensure a document is decoded exactly once, with '+' kept a plus: a
// percent sign that was itself encoded stays a percent sign, and a
// document that is already JSON is not decoded again.
func TestIAMDecode(t *testing.T) {
	for enc, want := range map[string]string{
		"%7B%22a%22%3A%221%2B1%22%7D":    `{"a":"1+1"}`,
		"%7B%22a%22%3A%22100%2541%22%7D": `{"a":"100%41"}`,
		"a+b":                            "a+b",
		"%7B%22a%22%3A%20%22x%20y%22%7D": `{"a": "x y"}`,
		// Not encoded (moto's GetPolicyVersion): left alone.
		`{"a":"100%41 1+1"}`: `{"a":"100%41 1+1"}`,
	} {
		got, err := iamDecode(enc)
		if err != nil || got != want {
			t.Errorf("iamDecode(%q) = %q, %v; want %q", enc, got, err, want)
		}
	}
	if _, err := iamDecode("%7B%ZZ"); err == nil {
		t.Error("iamDecode accepted an invalid escape")
	}
}
