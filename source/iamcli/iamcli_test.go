package iamcli_test

import (
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/iamcli"
	"github.com/emrguard/emrguard/source/tree"
)

func load(t *testing.T, ev *model.Evidence, file, text string) {
	t.Helper()
	root, err := tree.ParseJSON(file, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if !iamcli.Detect(root) {
		t.Fatalf("%s not detected", file)
	}
	got, diags := iamcli.Load(file, root)
	if err := diags.Err(); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	ev.Merge(got)
}

// details is get-account-authorization-details output with one role.
func details(name string) string {
	return `{"RoleDetailList": [{"RoleName": "` + name + `", "Arn": "arn:aws:iam::111122223333:role/` + name + `",
  "RolePolicyList": [], "AttachedManagedPolicies": []}], "Policies": []}`
}

const rolePolicy = `{"RoleName": "job", "PolicyName": "wide",
  "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}`

// Ensure get-role-policy output joins, through model.Link, the role it
// names nearest to it (its folder before another), once, and is
// ambiguous between two roles of that name in its folder: neither gets
// it, and neither lists all its policies any more.
func TestRolePolicyJoined(t *testing.T) {
	ev := &model.Evidence{}
	load(t, ev, "far/roles.json", details("job"))
	load(t, ev, "near/roles.json", details("job"))
	load(t, ev, "near/policy.json", rolePolicy)
	ev.Link()
	far, near := ev.Roles[0], ev.Roles[1]
	if len(near.Policies) != 1 || near.Policies[0].Ref.ID != "wide" || len(far.Policies) != 0 {
		t.Fatalf("policies: near %d, far %d; want 1, 0", len(near.Policies), len(far.Policies))
	}
	if p := ev.Policies[0]; len(p.Attached) != 1 || p.Attached[0].Get("") != "job" {
		t.Errorf("Attached = %+v, want job", p.Attached)
	}

	ev = &model.Evidence{}
	load(t, ev, "dir/a.json", details("job"))
	load(t, ev, "dir/b.json", details("job"))
	load(t, ev, "dir/policy.json", rolePolicy)
	ev.Link()
	for _, r := range ev.Roles {
		if len(r.Policies) != 0 || !strings.Contains(r.PoliciesComplete.Why, "cannot tell which one") {
			t.Errorf("%s: %d policies, complete %+v; want none, ambiguous", r.Ref.Loc, len(r.Policies), r.PoliciesComplete)
		}
	}
}

// Ensure get-account-authorization-details output's attached policies are
// joined, through model.Link, to the document's policy of that ARN (with
// its document), and one the document does not hold (AWS-managed, listed
// by ARN only) stays as listed, the role's policies still all known.
func TestDetailsManagedJoined(t *testing.T) {
	ev := &model.Evidence{}
	load(t, ev, "details.json", `{"RoleDetailList": [{"RoleName": "job", "Arn": "arn:aws:iam::111122223333:role/job",
  "AttachedManagedPolicies": [
    {"PolicyName": "mine", "PolicyArn": "arn:aws:iam::111122223333:policy/mine"},
    {"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]}],
 "Policies": [{"PolicyName": "mine", "Arn": "arn:aws:iam::111122223333:policy/mine", "PolicyVersionList": [
    {"IsDefaultVersion": true, "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}]}]}`)
	ev.Link()
	r := ev.Roles[0]
	if len(r.Policies) != 2 || r.Policies[0] != ev.Policies[0] || r.Policies[0].Document == nil {
		t.Fatalf("policies = %+v, want the document's policy first", r.Policies)
	}
	if p := r.Policies[1]; p.Document != nil || p.ARN.Get("") != "arn:aws:iam::aws:policy/AdministratorAccess" {
		t.Errorf("AWS-managed policy = %+v, want the ARN only", p)
	}
	if !r.PoliciesComplete.Get(false) {
		t.Errorf("complete = %+v, want true", r.PoliciesComplete)
	}
}
