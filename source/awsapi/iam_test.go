package awsapi

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/source/snapshot"
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

// awstestAccount is the account the awstest fixtures are.
const awstestAccount = "210987654321"

// iamEstate is an account's IAM as AWS holds it (documents decoded): two
// roles that share a customer policy, one with two inline policies and in
// an instance profile, a role nobody uses, a policy nobody attached, and
// the v1 full-access policy held by users, a group and a role.
func iamEstate() *snapshot.IAM {
	arn := func(kind, name string) *string {
		return aws.String("arn:aws:iam::" + awstestAccount + ":" + kind + "/" + name)
	}
	extra := arn("policy", "emr-extra")
	ec2 := iamtypes.Role{RoleName: aws.String("emr-ec2-role"), Path: aws.String("/"), Arn: arn("role", "emr-ec2-role"), RoleId: aws.String("AROAEC2"), AssumeRolePolicyDocument: aws.String(trustEC2)}
	svc := iamtypes.Role{RoleName: aws.String("emr-service"), Path: aws.String("/service-role/"), Arn: arn("role", "service-role/emr-service"), RoleId: aws.String("AROASVC"), AssumeRolePolicyDocument: aws.String(trustEMR)}
	unused := iamtypes.Role{RoleName: aws.String("unused"), Path: aws.String("/"), Arn: arn("role", "unused"), AssumeRolePolicyDocument: aws.String(trustEMR)}
	return &snapshot.IAM{
		Roles: []*snapshot.Role{
			{Role: ec2, AttachedRead: true, InlineRead: true,
				AttachedPolicies: []iamtypes.AttachedPolicy{
					{PolicyName: aws.String("emr-extra"), PolicyArn: extra},
					{PolicyName: aws.String("AmazonElasticMapReduceforEC2Role"), PolicyArn: aws.String("arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceforEC2Role")},
				},
				InlinePolicies: []snapshot.InlinePolicy{{Name: "s3-wide", Document: inlineS3}, {Name: "odd", Document: `{"x":"a b+c/%25 %"}`}},
			},
			{Role: svc, AttachedRead: true, InlineRead: true,
				AttachedPolicies: []iamtypes.AttachedPolicy{
					{PolicyName: aws.String("AmazonElasticMapReduceRole"), PolicyArn: aws.String("arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceRole")},
					{PolicyName: aws.String("emr-extra"), PolicyArn: extra},
				},
			},
			{Role: unused, AttachedRead: true, InlineRead: true},
		},
		InstanceProfiles: []iamtypes.InstanceProfile{{InstanceProfileName: aws.String("emr-ec2"), Arn: arn("instance-profile", "emr-ec2"), Path: aws.String("/"), Roles: []iamtypes.Role{ec2}}},
		Policies: []*snapshot.Policy{
			{Policy: iamtypes.Policy{PolicyName: aws.String("emr-extra"), Arn: extra, DefaultVersionId: aws.String("v3"), AttachmentCount: aws.Int32(2)}, Document: customerP},
			{Policy: iamtypes.Policy{PolicyName: aws.String("loose"), Arn: arn("policy", "loose"), DefaultVersionId: aws.String("v1")}, Document: inlineS3},
		},
		Holders: []*snapshot.PolicyHolders{{PolicyARN: "arn:aws:iam::aws:policy/AmazonElasticMapReduceFullAccess", Read: true,
			Users:  []iamtypes.PolicyUser{{UserName: aws.String("analyst"), UserId: aws.String("AIDA1")}, {UserName: aws.String("ops"), UserId: aws.String("AIDA2")}},
			Groups: []iamtypes.PolicyGroup{{GroupName: aws.String("admins"), GroupId: aws.String("AGPA1")}},
			Roles:  []iamtypes.PolicyRole{{RoleName: aws.String("ci"), RoleId: aws.String("AROACI")}},
		}},
	}
}

// Ensure, through internal/awstest with one item a page: collectIAM
// returns exactly the estate's roles, instance profile, customer policy
// and holders that were asked for (documents percent-encoded on the wire,
// decoded once), reading every page and each object once.
func TestIAMAwstest(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	estate := iamEstate()
	s.LoadAccounts(&snapshot.Account{ID: awstestAccount, Partition: "aws", IAM: estate})
	s.SetPageSize(1)
	fs := &failures{}
	got := collectIAM(context.Background(), iam.NewFromConfig(s.Config("us-east-1")), "aws", iamNeeds{
		Roles:            []string{"emr-service", "arn:aws:iam::" + awstestAccount + ":role/service-role/emr-service"},
		InstanceProfiles: []string{"emr-ec2"},
	}, fs)
	svcNoFailures(t, fs)
	want := &snapshot.IAM{Roles: estate.Roles[:2], InstanceProfiles: estate.InstanceProfiles, Policies: estate.Policies[:1], Holders: estate.Holders}
	g, _ := json.MarshalIndent(got, "", " ")
	w, _ := json.MarshalIndent(want, "", " ")
	if string(g) != string(w) {
		t.Errorf("collected IAM:\n%s\nwant:\n%s", g, w)
	}
	counts := map[string]int{}
	for op, n := range s.CallCounts() {
		if strings.HasPrefix(op, "iam.") {
			counts[op] = n
		}
	}
	wantCounts := map[string]int{
		"iam.GetInstanceProfile": 1, "iam.GetRole": 2,
		"iam.ListAttachedRolePolicies": 4, // two pages for each role
		"iam.ListRolePolicies":         3, // two pages, then one empty page
		"iam.GetRolePolicy":            2,
		"iam.GetPolicy":                1, "iam.GetPolicyVersion": 1, // emr-extra once for both roles
		"iam.ListEntitiesForPolicy": 4, // a group, two users, a role
	}
	if !reflect.DeepEqual(counts, wantCounts) {
		t.Errorf("calls = %v, want %v", counts, wantCounts)
	}
}

// Ensure every IAM call collectIAM makes, denied, throttled or failing
// past the retries, or answered with a cut body, leaves one Failure
// naming the call and its object, and the evidence it would have given
// missing or marked unread — never a silently shorter list.
func TestIAMFaults(t *testing.T) {
	extra := "arn:aws:iam::" + awstestAccount + ":policy/emr-extra"
	full := "arn:aws:iam::aws:policy/AmazonElasticMapReduceFullAccess"
	for _, c := range []struct {
		op, resource string
		check        func(t *testing.T, got *snapshot.IAM)
	}{
		{"GetInstanceProfile", "emr-ec2", func(t *testing.T, got *snapshot.IAM) {
			if len(got.InstanceProfiles) != 0 || len(got.Roles) != 1 {
				t.Errorf("instance profiles %d, roles %d; want none, and the role named directly", len(got.InstanceProfiles), len(got.Roles))
			}
		}},
		{"GetRole", "emr-ec2-role", func(t *testing.T, got *snapshot.IAM) {
			if len(got.Roles) != 0 || len(got.Policies) != 0 || len(got.InstanceProfiles) != 1 {
				t.Errorf("roles %d, policies %d, instance profiles %d; want no role, hence no policy, and the instance profile", len(got.Roles), len(got.Policies), len(got.InstanceProfiles))
			}
		}},
		{"ListAttachedRolePolicies", "emr-ec2-role", func(t *testing.T, got *snapshot.IAM) {
			if r := got.Roles[0]; r.AttachedRead || len(r.AttachedPolicies) != 0 || len(got.Policies) != 0 {
				t.Errorf("emr-ec2-role attached %v read %v; want unread", r.AttachedPolicies, r.AttachedRead)
			}
		}},
		{"ListRolePolicies", "emr-ec2-role", func(t *testing.T, got *snapshot.IAM) {
			if r := got.Roles[0]; r.InlineRead || len(r.InlinePolicies) != 0 {
				t.Errorf("emr-ec2-role inline %v read %v; want unread", r.InlinePolicies, r.InlineRead)
			}
		}},
		{"GetRolePolicy", "", func(t *testing.T, got *snapshot.IAM) {
			if r := got.Roles[0]; r.InlineRead || len(r.InlinePolicies) != 1 {
				t.Errorf("emr-ec2-role inline %v read %v; want the other policy alone, unread", r.InlinePolicies, r.InlineRead)
			}
		}},
		{"GetPolicy", extra, func(t *testing.T, got *snapshot.IAM) {
			if len(got.Policies) != 0 {
				t.Errorf("policies = %v, want none", got.Policies)
			}
		}},
		{"GetPolicyVersion", extra, func(t *testing.T, got *snapshot.IAM) {
			if len(got.Policies) != 1 || got.Policies[0].Document != "" {
				t.Errorf("policies = %+v, want emr-extra without its document", got.Policies)
			}
		}},
		{"ListEntitiesForPolicy", full, func(t *testing.T, got *snapshot.IAM) {
			if h := got.Holders[0]; h.Read || h.PolicyARN != full {
				t.Errorf("holders = %+v, want unread", h)
			}
		}},
	} {
		for _, f := range svcFaults("iam."+c.op, "AccessDenied", "Throttling") {
			if c.op == "GetRolePolicy" {
				// Fail the first of the role's two inline policies read
				// (reads made one at a time): the other reads fine.
				f.fault.Times = max(f.attempts, 1)
				if f.attempts > 0 {
					f.attempts++
				}
			}
			t.Run(c.op+"/"+f.name, func(t *testing.T) {
				s := awstest.New()
				defer s.Close()
				s.LoadAccounts(&snapshot.Account{ID: awstestAccount, Partition: "aws", IAM: iamEstate()})
				s.SetPageSize(1)
				s.Inject(f.fault)
				fs := &failures{}
				api := &iamSerial{iamAPI: iam.NewFromConfig(s.Config("us-east-1"))}
				got := collectIAM(context.Background(), api, "aws", iamNeeds{Roles: []string{"emr-ec2-role"}, InstanceProfiles: []string{"emr-ec2"}}, fs)
				resource := c.resource
				if c.op == "GetRolePolicy" && len(got.Roles) == 1 && len(got.Roles[0].InlinePolicies) == 1 {
					resource = "emr-ec2-role/s3-wide"
					if got.Roles[0].InlinePolicies[0].Name == "s3-wide" {
						resource = "emr-ec2-role/odd"
					}
				}
				svcCheckFault(t, s, fs, f, "iam", c.op, "", resource)
				c.check(t, got)
			})
		}
	}
}

// iamSerial makes collectIAM's GetRolePolicy calls one at a time, each
// with its retries, so that a fault limited to an operation's first
// attempts meets one policy. It changes nothing else.
type iamSerial struct {
	mu sync.Mutex
	iamAPI
}

func (s *iamSerial) GetRolePolicy(ctx context.Context, in *iam.GetRolePolicyInput, opts ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.iamAPI.GetRolePolicy(ctx, in, opts...)
}

// Ensure a list that fails after its first page keeps what it read and
// says it is not whole: attached policies, inline policies and the
// holders of the full-access policy, each with its Failure.
func TestIAMPartialPages(t *testing.T) {
	for _, c := range []struct {
		op    string
		check func(t *testing.T, got *snapshot.IAM)
	}{
		{"ListAttachedRolePolicies", func(t *testing.T, got *snapshot.IAM) {
			if r := got.Roles[0]; r.AttachedRead || len(r.AttachedPolicies) != 1 {
				t.Errorf("attached = %v (read %v), want the first page only, unread", r.AttachedPolicies, r.AttachedRead)
			}
		}},
		{"ListRolePolicies", func(t *testing.T, got *snapshot.IAM) {
			if r := got.Roles[0]; r.InlineRead || len(r.InlinePolicies) != 1 || r.InlinePolicies[0].Name != "s3-wide" {
				t.Errorf("inline = %v (read %v), want s3-wide only, unread", r.InlinePolicies, r.InlineRead)
			}
		}},
		{"ListEntitiesForPolicy", func(t *testing.T, got *snapshot.IAM) {
			if h := got.Holders[0]; h.Read || len(h.Groups)+len(h.Users)+len(h.Roles) != 1 {
				t.Errorf("holders = %+v, want the first page only, unread", h)
			}
		}},
	} {
		t.Run(c.op, func(t *testing.T) {
			s := awstest.New()
			defer s.Close()
			s.LoadAccounts(&snapshot.Account{ID: awstestAccount, Partition: "aws", IAM: iamEstate()})
			s.SetPageSize(1)
			f := awstest.Fault{Op: "iam." + c.op, Status: 403, Code: "AccessDenied"}
			api := iam.NewFromConfig(s.Config("us-east-1"), func(o *iam.Options) { o.APIOptions = append(o.APIOptions, svcAfterFirst(s, f)) })
			fs := &failures{}
			got := collectIAM(context.Background(), api, "aws", iamNeeds{Roles: []string{"emr-ec2-role"}}, fs)
			res := "emr-ec2-role"
			if c.op == "ListEntitiesForPolicy" {
				res = "arn:aws:iam::aws:policy/AmazonElasticMapReduceFullAccess"
			}
			svcOneFailure(t, fs, c.op, res, "AccessDenied")
			c.check(t, got)
		})
	}
}
