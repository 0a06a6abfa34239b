package terraform

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
)

func roleByID(t *testing.T, ev *model.Evidence, id string) *model.Role {
	t.Helper()
	for _, r := range ev.Roles {
		if r.Ref.ID == id {
			return r
		}
	}
	t.Fatalf("no role %s among %d", id, len(ev.Roles))
	return nil
}

// stmt renders a statement compactly: effect, actions, resources,
// principals by type and conditions, with the statement's line.
func stmt(s model.Statement) string {
	var ps []string
	for typ, f := range s.Principals {
		ps = append(ps, fmt.Sprintf("%s=%s", typ, strings.Join(f.Val, "|")))
	}
	sort.Strings(ps)
	var cs []string
	for _, c := range s.Conditions {
		cs = append(cs, fmt.Sprintf("%s:%s=%s", c.Operator, c.Key, strings.Join(c.Values.Val, "|")))
	}
	return fmt.Sprintf("@%d %s %s %s %s %s %s", s.At.Line, s.Sid, s.Effect.Val, strings.Join(s.Actions.Val, "|"),
		strings.Join(s.Resources.Val, "|"), strings.Join(ps, ","), strings.Join(cs, ","))
}

// Ensure data "aws_iam_policy_document" is rendered as the AWS provider
// renders it, without AWS: Effect defaults to Allow, principals are
// grouped by type and conditions by test and variable, dynamic statements
// expand, and statements keep the lines they are written at.
func TestPolicyDocument(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": `
variable "namespaces" {
  default = ["spark", "etl"]
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/X"]
    }
    condition {
      test     = "StringLike"
      variable = "oidc.eks.eu-west-1.amazonaws.com/id/X:sub"
      values   = ["system:serviceaccount:spark:emr-containers-sa-*"]
    }
    condition {
      test     = "StringLike"
      variable = "oidc.eks.eu-west-1.amazonaws.com/id/X:sub"
      values   = ["system:serviceaccount:etl:emr-containers-sa-*"]
    }
  }
}

data "aws_iam_policy_document" "access" {
  dynamic "statement" {
    for_each = var.namespaces
    content {
      sid       = "Read${statement.key}"
      actions   = ["s3:GetObject"]
      resources = ["arn:aws:s3:::${statement.value}/*"]
    }
  }
  statement {
    sid       = "Deny"
    effect    = "Deny"
    actions   = ["s3:DeleteObject"]
    resources = ["*"]
  }
}

resource "aws_iam_role" "job" {
  name               = "job"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy" "job" {
  role   = aws_iam_role.job.id
  policy = data.aws_iam_policy_document.access.json
}
`}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	ev.Link() // the aws_iam_role_policy joins its role
	role := roleByID(t, ev, "aws_iam_role.job")
	if role.Trust == nil || role.Trust.Unknown != "" || len(role.Trust.Statements) != 1 {
		t.Fatalf("trust %+v", role.Trust)
	}
	want := "@7  Allow sts:AssumeRoleWithWebIdentity  Federated=arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/X " +
		"StringLike:oidc.eks.eu-west-1.amazonaws.com/id/X:sub=system:serviceaccount:spark:emr-containers-sa-*|system:serviceaccount:etl:emr-containers-sa-*"
	if got := stmt(role.Trust.Statements[0]); got != want {
		t.Errorf("trust statement\n got %s\nwant %s", got, want)
	}
	if len(role.Policies) != 1 || role.Policies[0].Document == nil {
		t.Fatalf("policies %+v", role.Policies)
	}
	var got []string
	for _, s := range role.Policies[0].Document.Statements {
		got = append(got, stmt(s))
	}
	if w := "@29 Read0 Allow s3:GetObject arn:aws:s3:::spark/*  ; @29 Read1 Allow s3:GetObject arn:aws:s3:::etl/*  ; @35 Deny Deny s3:DeleteObject *  "; strings.Join(got, "; ") != w {
		t.Errorf("access statements\n got %s\nwant %s", strings.Join(got, "; "), w)
	}
}

// Ensure source and override documents merge as the provider merges
// them: a statement with the Sid of an earlier one takes its place, one
// without is added; the json attribute is the rendered document where a
// reference is not a document argument (a module input, a local).
func TestPolicyDocumentMerge(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": `
data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Logs"
    actions   = ["logs:*"]
    resources = ["*"]
  }
  statement {
    sid       = "Read"
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "final" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]
  statement {
    sid       = "Read"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::data/*"]
  }
  override_policy_documents = [jsonencode({
    Statement = [{ Sid = "Logs", Effect = "Allow", Action = "logs:PutLogEvents", Resource = "*" }, { Effect = "Deny", Action = "iam:*", Resource = "*" }]
  })]
}

locals {
  doc = data.aws_iam_policy_document.final.json
}

resource "aws_iam_policy" "p" {
  name   = "p"
  policy = local.doc
}
`}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	if len(ev.Policies) != 1 || ev.Policies[0].Document == nil || ev.Policies[0].Document.Unknown != "" {
		t.Fatalf("policies %+v", ev.Policies)
	}
	var got []string
	for _, s := range ev.Policies[0].Document.Statements {
		got = append(got, fmt.Sprintf("%s %s %s %s", s.Sid, s.Effect.Val, strings.Join(s.Actions.Val, "|"), strings.Join(s.Resources.Val, "|")))
	}
	if w := "Logs Allow logs:PutLogEvents *; Read Allow s3:GetObject arn:aws:s3:::data/*;  Deny iam:* *"; strings.Join(got, "; ") != w {
		t.Errorf("statements\n got %s\nwant %s", strings.Join(got, "; "), w)
	}
}

// Ensure what is known only after apply stays unknown, with the reason:
// a principal from another resource, a for_each over a data source.
func TestPolicyDocumentUnknown(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": `
resource "aws_iam_openid_connect_provider" "eks" {
  url = "https://oidc.eks.eu-west-1.amazonaws.com/id/X"
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.eks.arn]
    }
  }
}

data "aws_s3_bucket" "b" {
  bucket = "b"
}

data "aws_iam_policy_document" "access" {
  statement {
    actions   = ["s3:*"]
    resources = [data.aws_s3_bucket.b.arn]
  }
}

resource "aws_iam_role" "job" {
  name               = "job"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  inline_policy {
    name   = "access"
    policy = data.aws_iam_policy_document.access.json
  }
}
`}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	role := roleByID(t, ev, "aws_iam_role.job")
	fed := role.Trust.Statements[0].Principals["Federated"]
	if !fed.IsUnknown() || !strings.Contains(fed.Why, "aws_iam_openid_connect_provider.eks.arn is known only after apply") || fed.At.Line != 11 {
		t.Errorf("federated principal %+v, want unknown at line 11 naming the provider's arn", fed)
	}
	res := role.Policies[0].Document.Statements[0].Resources
	if !res.IsUnknown() || !strings.Contains(res.Why, "data.aws_s3_bucket.b.arn is read from AWS when planning") || res.At.Line != 23 {
		t.Errorf("resources %+v, want unknown at line 23 naming the bucket", res)
	}
}

// Ensure a condition value a template builds from a value known only
// when planning (the account ID, as terraform-aws-modules' EMR
// virtual-cluster module writes EMR's service accounts) is unknown with
// the reason, and keeps its known start, in a policy-document data source
// and in a jsonencode document alike.
func TestConditionValueKnownInPart(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": `
data "aws_caller_identity" "current" {}

locals {
  sa = "system:serviceaccount:spark:emr-containers-sa-*-*-${data.aws_caller_identity.current.account_id}-*"
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/X"]
    }
    condition {
      test     = "StringLike"
      variable = "oidc.eks.eu-west-1.amazonaws.com/id/X:sub"
      values   = [local.sa]
    }
  }
}

resource "aws_iam_role" "doc" {
  name               = "doc"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role" "json" {
  name = "json"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/X" }
      Condition = { StringLike = { "oidc.eks.eu-west-1.amazonaws.com/id/X:sub" = local.sa } }
    }]
  })
}
`}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	for _, id := range []string{"aws_iam_role.doc", "aws_iam_role.json"} {
		cs := roleByID(t, ev, id).Trust.Statements[0].Conditions
		if len(cs) != 1 {
			t.Fatalf("%s: conditions %+v", id, cs)
		}
		c := cs[0]
		if !c.Values.IsUnknown() || !strings.Contains(c.Values.Why, "data.aws_caller_identity.current.account_id is read from AWS when planning") {
			t.Errorf("%s: values %+v, want unknown with the reason", id, c.Values)
		}
		if want := "system:serviceaccount:spark:emr-containers-sa-*-*-"; len(c.Prefixes) != 1 || c.Prefixes[0] != want {
			t.Errorf("%s: prefixes %q, want [%q]", id, c.Prefixes, want)
		}
	}
}
