package terraform

import (
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
)

// Ensure an aws_eks_pod_identity_association is read per instance: a
// role given as aws_iam_role.x[k].arn (known only after apply) links by
// the role's address, as a job template's does; a service account known
// in part keeps its known start; a namespace from a variable without a
// value is unknown with the reason.
func TestPodIdentityAssociation(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": `
variable "namespace" {
  type = string
}

data "aws_caller_identity" "me" {}

resource "aws_iam_role" "job" {
  for_each           = toset(["etl"])
  name               = "emr-${each.key}"
  assume_role_policy = "{}"
}

resource "aws_eks_pod_identity_association" "driver" {
  for_each        = toset(["etl"])
  cluster_name    = "data-eks"
  namespace       = "spark-${each.key}"
  service_account = "emr-containers-sa-spark-driver-${data.aws_caller_identity.me.account_id}-x"
  role_arn        = aws_iam_role.job[each.key].arn
}

resource "aws_eks_pod_identity_association" "app" {
  cluster_name    = "data-eks"
  namespace       = var.namespace
  service_account = "app"
  role_arn        = "arn:aws:iam::111122223333:role/app"
}
`}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	if len(ev.PodIdentityAssociations) != 2 {
		t.Fatalf("want 2 associations, got %d", len(ev.PodIdentityAssociations))
	}
	d, a := ev.PodIdentityAssociations[0], ev.PodIdentityAssociations[1]
	if d.Ref.ID != `aws_eks_pod_identity_association.driver["etl"]` || d.ClusterName.Get("") != "data-eks" || d.Namespace.Get("") != "spark-etl" ||
		d.RoleARN.Get("") != `aws_iam_role.job["etl"]` || d.RoleARN.At.Line != 19 {
		t.Errorf("driver: got %+v", d)
	}
	if p, ok := model.PartOf(d.ServiceAccount); !ok || p.Prefix() != "emr-containers-sa-spark-driver-" {
		t.Errorf("driver: want the service account known in part, got %+v", d.ServiceAccount)
	}
	if !a.Namespace.IsUnknown() || !strings.Contains(a.Namespace.Why, "var.namespace") || a.ServiceAccount.Get("") != "app" || a.RoleARN.Get("") != "arn:aws:iam::111122223333:role/app" {
		t.Errorf("app: got %+v", a)
	}
}
