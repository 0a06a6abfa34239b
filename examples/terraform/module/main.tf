# count, for_each (teams.tf) and a local module in one root module.
resource "aws_kms_key" "emr" {
  description = "EMR"
}

module "sc" {
  source  = "./modules/sc"
  name    = "from-module"
  kms_key = aws_kms_key.emr.arn
}

resource "aws_emr_cluster" "batch" {
  count                  = 2
  name                   = "batch-${count.index}"
  release_label          = "emr-7.8.0"
  service_role           = "arn:aws:iam::111122223333:role/batch-emr-service"
  security_configuration = module.sc.name
}
