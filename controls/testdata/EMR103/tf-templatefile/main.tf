# Configurations rendered by templatefile with one variable known only
# after apply (the key ARN): the rest of each document is read.
# (The scan also reads each template file as a configuration of its own:
# its JSON is valid with the placeholder inside quotes, hence two results.)
resource "aws_kms_key" "emr" {
  description         = "EMR at rest"
  enable_key_rotation = true
}

resource "aws_emr_security_configuration" "at_rest" {
  name          = "at-rest"
  configuration = templatefile("${path.module}/at-rest.tftpl", { key_arn = aws_kms_key.emr.arn })
}

resource "aws_emr_security_configuration" "clear" {
  name          = "clear"
  configuration = templatefile("${path.module}/clear.tftpl", { key_arn = aws_kms_key.emr.arn })
}

resource "aws_emr_cluster" "at_rest" {
  name                   = "at-rest"
  release_label          = "emr-7.14.0"
  service_role           = "etl-emr-service"
  security_configuration = aws_emr_security_configuration.at_rest.name
}

resource "aws_emr_cluster" "clear" {
  name                   = "clear"
  release_label          = "emr-7.14.0"
  service_role           = "etl-emr-service"
  security_configuration = aws_emr_security_configuration.clear.name
}
