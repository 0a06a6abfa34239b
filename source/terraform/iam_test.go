package terraform

import (
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
)

const iamModule = `
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })
}

resource "aws_sns_topic" "t" {
  name = "t"
}

resource "aws_iam_role" "job" {
  name                = "job"
  assume_role_policy  = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
  managed_policy_arns = [aws_iam_policy.p.arn, aws_sns_topic.t.arn, "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
}

resource "aws_iam_role" "other" {
  name               = "other"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}

resource "aws_iam_role_policy_attachment" "o" {
  role       = aws_iam_role.other.name
  policy_arn = aws_iam_policy.p.arn
}
`

// Ensure model.Link joins a root's IAM facts within that root's
// evaluation, even when two roots call one module folder (the same
// files): each role gets its own root's policy declaration; a managed
// policy listed by reference that is no aws_iam_policy of the
// configuration leaves the role incomplete, as in CloudFormation; the
// attached declaration records the role it is attached to.
func TestIAMLinked(t *testing.T) {
	ev, diags := load(t, map[string]string{
		"mod/main.tf": iamModule,
		"a/main.tf":   "module \"m\" {\n  source = \"../mod\"\n}\n",
		"b/main.tf":   "module \"m\" {\n  source = \"../mod\"\n}\n",
	}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	ev.Link()
	declOf := map[string]*model.Policy{}
	for _, p := range ev.Policies {
		declOf[p.Scope] = p
	}
	var jobs int
	for _, r := range ev.Roles {
		decl := declOf[r.Scope]
		if decl == nil || len(declOf) != 2 {
			t.Fatalf("role %s of scope %q: declarations %v", r.Ref.ID, r.Scope, declOf)
		}
		switch r.Ref.ID {
		case "module.m.aws_iam_role.job":
			jobs++
			if len(r.Policies) != 3 || r.Policies[0] != decl || r.Policies[1].Document != nil || r.Policies[2].ARN.Get("") != "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" {
				t.Errorf("job of %s: policies %+v", r.Scope, r.Policies)
			}
			if want := "managed policy module.m.aws_sns_topic.t is not an aws_iam_policy of the configuration"; r.PoliciesComplete.Why != want {
				t.Errorf("job of %s: completeness %+v, want unknown: %s", r.Scope, r.PoliciesComplete, want)
			}
		case "module.m.aws_iam_role.other":
			if len(r.Policies) != 1 || r.Policies[0] != decl || !r.PoliciesComplete.IsSet() {
				t.Errorf("other of %s: policies %+v, completeness %+v", r.Scope, r.Policies, r.PoliciesComplete)
			}
			if len(decl.Attached) != 1 || decl.Attached[0].Val != "other" {
				t.Errorf("declaration of %s attached to %v", r.Scope, decl.Attached)
			}
		}
	}
	if jobs != 2 {
		t.Errorf("%d job roles, want one per root", jobs)
	}
}

// Ensure an attachment to a role that cannot be resolved leaves every
// role of its root incomplete, and none of another root.
func TestIAMUnknownRole(t *testing.T) {
	unknown := strings.Replace(iamModule, "role       = aws_iam_role.other.name", "role       = var.who", 1) + "variable \"who\" {}\n"
	ev, _ := load(t, map[string]string{"a/main.tf": unknown, "b/main.tf": iamModule}, Options{})
	ev.Link()
	var inAs int
	for _, r := range ev.Roles {
		inA := strings.HasSuffix(r.Scope, "a")
		if inA {
			inAs++
		}
		if inA && !strings.HasPrefix(r.PoliciesComplete.Why, "aws_iam_role_policy_attachment.o attaches a policy to a role that cannot be resolved: ") {
			t.Errorf("%s of a: completeness %+v", r.Ref.ID, r.PoliciesComplete)
		}
		if !inA && r.Ref.ID == "aws_iam_role.other" && !r.PoliciesComplete.IsSet() {
			t.Errorf("%s of b: incomplete: %s", r.Ref.ID, r.PoliciesComplete.Why)
		}
	}
	if inAs != 2 {
		t.Errorf("%d roles of a, want 2", inAs)
	}
}

// Ensure a trust whose condition key is a template over a variable with
// no value ("${var.oidc_provider}:sub", the usual IRSA form in modules)
// is read as a role whose condition key is unknown, with the variable
// named, and not as an internal error that drops the role.
func TestTrustConditionKeyUnknown(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": `
variable "oidc_provider" { type = string }
resource "aws_iam_role" "job" {
  name = "job"
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/${var.oidc_provider}" }
      Condition = { StringLike = { "${var.oidc_provider}:sub" = "system:serviceaccount:spark:emr-containers-sa-*" } }
    }]
  })
}
`}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	if len(ev.Roles) != 1 || ev.Roles[0].Trust == nil || len(ev.Roles[0].Trust.Statements) != 1 {
		t.Fatalf("want one role with one trust statement, got %+v", ev.Roles)
	}
	s := ev.Roles[0].Trust.Statements[0]
	if len(s.Conditions) != 1 || !strings.Contains(s.Conditions[0].KeyUnknown, "var.oidc_provider") {
		t.Errorf("want one condition whose key is unknown through var.oidc_provider, got %+v", s.Conditions)
	}
}

// Ensure a trust read from a JSON file whose placeholders replace() fills
// is located in that file, each statement at its own line there, as for
// file() and templatefile(); trimspace, which may drop leading lines, is
// located at the expression.
func TestDocumentOfReplacedFile(t *testing.T) {
	trust := "{\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Principal\": {\"Federated\": \"arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/X\"},\n      \"Action\": \"sts:AssumeRoleWithWebIdentity\"\n    }\n  ]\n}\n"
	ev, diags := load(t, map[string]string{"trust.json": trust, "main.tf": `
resource "aws_iam_role" "replaced" {
  name               = "replaced"
  assume_role_policy = replace(file("${path.module}/trust.json"), "$${ACCOUNT}", "111122223333")
}
resource "aws_iam_role" "trimmed" {
  name               = "trimmed"
  assume_role_policy = trimspace(file("${path.module}/trust.json"))
}
`}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	got := map[string]model.Loc{}
	for _, r := range ev.Roles {
		if r.Trust == nil || len(r.Trust.Statements) != 1 {
			t.Fatalf("%s: want one trust statement, got %+v", r.Ref.ID, r.Trust)
		}
		got[r.Ref.ID] = r.Trust.Statements[0].At
		if fed := r.Trust.Statements[0].Principals["Federated"]; r.Ref.ID == "aws_iam_role.replaced" && !strings.Contains(fed.Get(nil)[0], "111122223333") {
			t.Errorf("replaced: want the account filled in, got %v", fed)
		}
	}
	if at := got["aws_iam_role.replaced"]; !strings.HasSuffix(at.File, "trust.json") || at.Line != 3 {
		t.Errorf("replaced: statement at %v, want trust.json:3", at)
	}
	if at := got["aws_iam_role.trimmed"]; !strings.HasSuffix(at.File, "main.tf") {
		t.Errorf("trimmed: statement at %v, want in main.tf", at)
	}
}
