# A local module makes the configuration; the cluster uses its output.
resource "aws_kms_key" "emr" {
  description = "EMR"
}

module "sc" {
  source  = "./modules/sc"
  name    = "from-module"
  kms_key = aws_kms_key.emr.arn
}

resource "aws_emr_cluster" "c" {
  name                   = "mod"
  release_label          = "emr-7.8.0"
  service_role           = "arn:aws:iam::111122223333:role/s"
  security_configuration = module.sc.name
}
