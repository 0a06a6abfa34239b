# A heredoc configuration whose in-transit flag comes from a variable default.
variable "tls" {
  type    = bool
  default = false
}

locals {
  cert_bucket = "certs-111122223333"
}

resource "aws_emr_security_configuration" "weak" {
  name          = "weak"
  configuration = <<JSON
{
  "EncryptionConfiguration": {
    "EnableInTransitEncryption": ${var.tls},
    "InTransitEncryptionConfiguration": {
      "TLSCertificateConfiguration": {"CertificateProviderType": "PEM", "S3Object": "s3://${local.cert_bucket}/c.zip"}
    },
    "EnableAtRestEncryption": false
  }
}
JSON
}

resource "aws_emr_cluster" "c" {
  name                   = "weak"
  release_label          = "emr-7.8.0"
  service_role           = "arn:aws:iam::111122223333:role/s"
  security_configuration = aws_emr_security_configuration.weak.name
}
