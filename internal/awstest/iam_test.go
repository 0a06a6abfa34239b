package awstest_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/source/snapshot"
)

const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func iamFixture() *snapshot.IAM {
	role := fill(&iamtypes.Role{})
	role.RoleName, role.AssumeRolePolicyDocument = aws.String("etl-emr-ec2"), aws.String(trust)
	ip := fill(&iamtypes.InstanceProfile{})
	ip.InstanceProfileName, ip.Roles = aws.String("etl-emr-ec2"), []iamtypes.Role{*role}
	pol := fill(&iamtypes.Policy{})
	pol.Arn, pol.DefaultVersionId = aws.String("arn:aws:iam::111122223333:policy/s3-wide"), aws.String("v3")
	return &snapshot.IAM{
		Roles: []*snapshot.Role{{
			Role: *role, AttachedRead: true, InlineRead: true,
			AttachedPolicies: *fill(&[]iamtypes.AttachedPolicy{}),
			InlinePolicies:   []snapshot.InlinePolicy{{Name: "a", Document: `{"Statement":[{"Action":"s3:*","Resource":"*"}]}`}, {Name: "b", Document: "{}"}, {Name: "c", Document: `{"x":"a b+c/%"}`}},
		}},
		InstanceProfiles: []iamtypes.InstanceProfile{*ip},
		Policies:         []*snapshot.Policy{{Policy: *pol, Document: `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`}},
		Holders: []*snapshot.PolicyHolders{{PolicyARN: "arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceRole", Read: true,
			Users: *fill(&[]iamtypes.PolicyUser{}), Groups: *fill(&[]iamtypes.PolicyGroup{}), Roles: *fill(&[]iamtypes.PolicyRole{})}},
	}
}

// decode reverses IAM's percent-encoding of a policy document, failing the
// test when the document came back as plain JSON (not encoded).
func decode(t *testing.T, doc *string) string {
	t.Helper()
	if strings.ContainsAny(aws.ToString(doc), `{"`) {
		t.Errorf("document not percent-encoded: %s", aws.ToString(doc))
	}
	s, err := url.PathUnescape(aws.ToString(doc))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Ensure the IAM client reads back roles, their attached and inline
// policies (documents percent-encoded, as IAM sends them), managed
// policies, instance profiles and policy holders, page by page.
func TestIAMRoundTrip(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	st := iamFixture()
	s.LoadAccounts(&snapshot.Account{ID: "111122223333", IAM: st})
	s.SetPageSize(1)
	c := iam.NewFromConfig(s.Config("us-east-1"))
	ctx := context.Background()
	want := st.Roles[0]

	role, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("etl-emr-ec2")})
	if err != nil {
		t.Fatal(err)
	}
	if got := decode(t, role.Role.AssumeRolePolicyDocument); got != trust {
		t.Errorf("trust policy %s", got)
	}
	role.Role.AssumeRolePolicyDocument = want.Role.AssumeRolePolicyDocument
	sameJSON(t, "GetRole", role.Role, want.Role)
	if _, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("nope")}); apiCode(err) != "NoSuchEntity" {
		t.Errorf("unknown role: %v", err)
	}

	var attached []iamtypes.AttachedPolicy
	for p := iam.NewListAttachedRolePoliciesPaginator(c, &iam.ListAttachedRolePoliciesInput{RoleName: want.Role.RoleName}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		attached = append(attached, out.AttachedPolicies...)
	}
	sameJSON(t, "attached policies", attached, want.AttachedPolicies)

	var inline []snapshot.InlinePolicy
	for p := iam.NewListRolePoliciesPaginator(c, &iam.ListRolePoliciesInput{RoleName: want.Role.RoleName}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range out.PolicyNames {
			doc, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: want.Role.RoleName, PolicyName: &name})
			if err != nil {
				t.Fatal(err)
			}
			inline = append(inline, snapshot.InlinePolicy{Name: name, Document: decode(t, doc.PolicyDocument)})
		}
	}
	sameJSON(t, "inline policies", inline, want.InlinePolicies)
	if n := s.Calls("iam.ListRolePolicies"); n != 3 {
		t.Errorf("ListRolePolicies: %d calls, want 3 pages", n)
	}

	pol := st.Policies[0]
	gp, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: pol.Policy.Arn})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "GetPolicy", gp.Policy, pol.Policy)
	pv, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: pol.Policy.Arn, VersionId: gp.Policy.DefaultVersionId})
	if err != nil || !pv.PolicyVersion.IsDefaultVersion {
		t.Fatalf("GetPolicyVersion: %v %+v", err, pv)
	}
	if got := decode(t, pv.PolicyVersion.Document); got != pol.Document {
		t.Errorf("policy document %s", got)
	}

	ip, err := c.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("etl-emr-ec2")})
	if err != nil {
		t.Fatal(err)
	}
	if got := decode(t, ip.InstanceProfile.Roles[0].AssumeRolePolicyDocument); got != trust {
		t.Errorf("instance profile role's trust policy %s", got)
	}
	ip.InstanceProfile.Roles[0].AssumeRolePolicyDocument = aws.String(trust)
	sameJSON(t, "GetInstanceProfile", ip.InstanceProfile, st.InstanceProfiles[0])

	h := st.Holders[0]
	got := snapshot.PolicyHolders{PolicyARN: h.PolicyARN, Read: true}
	for p := iam.NewListEntitiesForPolicyPaginator(c, &iam.ListEntitiesForPolicyInput{PolicyArn: &h.PolicyARN}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got.Users, got.Groups, got.Roles = append(got.Users, out.PolicyUsers...), append(got.Groups, out.PolicyGroups...), append(got.Roles, out.PolicyRoles...)
	}
	sameJSON(t, "policy holders", got, h)
	roles, err := c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: &h.PolicyARN, EntityFilter: "Role", MaxItems: aws.Int32(10)})
	if err != nil {
		t.Fatal(err)
	}
	// SetPageSize(1) is the ceiling even when MaxItems asks for more.
	sameJSON(t, "role holders, first page", roles.PolicyRoles, h.Roles[:1])
	if _, err := c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String("arn:aws:iam::111122223333:policy/nope")}); apiCode(err) != "NoSuchEntity" {
		t.Errorf("unknown policy: %v", err)
	}
}
