package cfn_test

import (
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/cfn"
)

const iamYAML = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Managed:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: {Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]}
  Topic:
    Type: AWS::SNS::Topic
  Lister:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}
      ManagedPolicyArns: [!Ref Managed, arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
  NotAPolicy:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}
      ManagedPolicyArns: [!Ref Topic]
  Named:
    Type: AWS::IAM::Role
    Properties:
      RoleName: etl-named
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}
  Grant:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: grant
      PolicyDocument: {Statement: [{Effect: Allow, Action: "logs:*", Resource: "*"}]}
      Roles: [etl-named, !Ref Lister]
`

func roleOf(t *testing.T, ev *model.Evidence, file, id string) *model.Role {
	t.Helper()
	for _, r := range ev.Roles {
		if r.Ref.ID == id && r.Ref.Loc.File == file {
			return r
		}
	}
	t.Fatalf("no role %s of %s", id, file)
	return nil
}

// Ensure model.Link joins what a template's IAM resources say of each
// other, within the template: a managed policy listed by reference is
// replaced by its declaration, one that is not a policy of the template
// leaves the role incomplete, and a policy naming its roles joins them,
// not the roles of another template with the same IDs and names.
func TestIAMLinked(t *testing.T) {
	ev := load(t, "a.yaml", iamYAML, cfn.Params{})
	ev.Merge(load(t, "b.yaml", iamYAML, cfn.Params{}))
	ev.Link()
	for _, file := range []string{"a.yaml", "b.yaml"} {
		lister := roleOf(t, ev, file, "Lister")
		if len(lister.Policies) != 3 || lister.Policies[0].Document == nil || lister.Policies[0].Ref.Loc.File != file ||
			lister.Policies[1].ARN.Get("") != "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" || lister.Policies[2].Ref.ID != "Grant" || lister.Policies[2].Ref.Loc.File != file {
			t.Errorf("%s: Lister's policies %+v", file, lister.Policies)
		}
		if !lister.PoliciesComplete.IsSet() {
			t.Errorf("%s: Lister incomplete: %s", file, lister.PoliciesComplete.Why)
		}
		named := roleOf(t, ev, file, "Named")
		if len(named.Policies) != 1 || named.Policies[0].Ref.Loc.File != file {
			t.Errorf("%s: Named's policies %+v, want this template's Grant only", file, named.Policies)
		}
		np := roleOf(t, ev, file, "NotAPolicy")
		if want := "managed policy Topic is not an AWS::IAM::ManagedPolicy of the template"; np.PoliciesComplete.Why != want {
			t.Errorf("%s: NotAPolicy's completeness %+v, want unknown: %s", file, np.PoliciesComplete, want)
		}
	}
}

// Ensure a policy attached to a role that cannot be resolved leaves
// every role of its template incomplete, and no role of another.
func TestIAMUnknownRole(t *testing.T) {
	unknown := strings.Replace(iamYAML, "Roles: [etl-named, !Ref Lister]", "Roles: [!Ref Who]", 1) + "Parameters:\n  Who: {Type: String}\n"
	ev := load(t, "a.yaml", unknown, cfn.Params{})
	ev.Merge(load(t, "b.yaml", iamYAML, cfn.Params{}))
	ev.Link()
	for _, r := range ev.Roles {
		unknown := r.PoliciesComplete.IsUnknown()
		if want := r.Ref.Loc.File == "a.yaml" || r.Ref.ID == "NotAPolicy"; unknown != want {
			t.Errorf("%s of %s: incomplete %v, want %v (%s)", r.Ref.ID, r.Ref.Loc.File, unknown, want, r.PoliciesComplete.Why)
		}
		if r.Ref.Loc.File == "a.yaml" && r.PoliciesComplete.Why != "policy Grant is attached to a role that cannot be resolved: parameter Who has no default and no value was given (--cfn-params)" {
			t.Errorf("%s: reason %q", r.Ref.ID, r.PoliciesComplete.Why)
		}
	}
}

// Ensure an AWS-managed policy ARN unknown only by its partition (!Sub
// arn:${AWS::Partition}:iam::aws:policy/NAME) is read with the partition
// kept as written, so the policy it names is known; one with another
// unknown part (the account of a customer policy) stays unknown.
func TestManagedPolicyARNAnyPartition(t *testing.T) {
	ev := load(t, "n.yaml", `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Node:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}
      ManagedPolicyArns:
        - !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonEKS_CNI_Policy
        - !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/custom
`, cfn.Params{})
	r := roleOf(t, ev, "n.yaml", "Node")
	if len(r.Policies) != 1 || r.Policies[0].ARN.Get("") != "arn:${AWS::Partition}:iam::aws:policy/AmazonEKS_CNI_Policy" || r.Policies[0].ARN.At.Line != 8 {
		t.Errorf("want the CNI policy with its partition as written, got %+v", r.Policies)
	}
	if !r.PoliciesComplete.IsUnknown() || r.PoliciesComplete.At.Line != 9 {
		t.Errorf("want the customer policy left unknown by the account, got %+v", r.PoliciesComplete)
	}
}
