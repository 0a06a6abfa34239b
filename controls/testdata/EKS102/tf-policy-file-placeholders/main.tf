# Trust policies kept as JSON files with ${ACCOUNT}-style placeholders,
# filled by templatefile or replace, or used as they are. The files are
# also scanned on their own. Results on a file read whole land in the
# file (trust-*.json.want: the file itself, raw and templated for
# trust-scoped.json; the file itself, replaced and raw_open for
# trust-open.json).
locals {
  oidc = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
}

resource "aws_iam_role" "templated" {
  name               = "emr-job-templated"
  assume_role_policy = templatefile("${path.module}/trust-scoped.json", { ACCOUNT = "111122223333", OIDC_PROVIDER = local.oidc })
}

resource "aws_iam_role" "raw" {
  name               = "emr-job-raw"
  assume_role_policy = file("${path.module}/trust-scoped.json")
}

resource "aws_iam_role" "replaced" {
  name               = "emr-job-replaced"
  assume_role_policy = replace(replace(file("${path.module}/trust-open.json"), "$${ACCOUNT}", "111122223333"), "$${OIDC_PROVIDER}", local.oidc)
}

resource "aws_iam_role" "raw_open" {
  name               = "emr-job-raw-open"
  assume_role_policy = file("${path.module}/trust-open.json")
}
