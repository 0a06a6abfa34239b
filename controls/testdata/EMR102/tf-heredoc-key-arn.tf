# Heredoc configurations whose KMS key ARN is known only after apply: the
# rest of each document is known, so in-transit encryption is judged.
resource "aws_kms_key" "emr" {
  description         = "EMR at rest"
  enable_key_rotation = true
}

resource "aws_emr_security_configuration" "tls" {
  name          = "tls"
  configuration = <<JSON
{
  "EncryptionConfiguration": {
    "EnableInTransitEncryption": true,
    "InTransitEncryptionConfiguration": {
      "TLSCertificateConfiguration": {"CertificateProviderType": "PEM", "S3Object": "s3://etl-certs/emr.zip"}
    },
    "EnableAtRestEncryption": true,
    "AtRestEncryptionConfiguration": {
      "S3EncryptionConfiguration": {"EncryptionMode": "SSE-KMS", "AwsKmsKey": "${aws_kms_key.emr.arn}"}
    }
  }
}
JSON
}

resource "aws_emr_security_configuration" "plain" {
  name          = "plain"
  configuration = <<JSON
{
  "EncryptionConfiguration": {
    "EnableInTransitEncryption": false,
    "EnableAtRestEncryption": true,
    "AtRestEncryptionConfiguration": {
      "S3EncryptionConfiguration": {"EncryptionMode": "SSE-KMS", "AwsKmsKey": "${aws_kms_key.emr.arn}"}
    }
  }
}
JSON
}

resource "aws_emr_cluster" "tls" {
  name                   = "tls"
  release_label          = "emr-7.14.0"
  service_role           = "etl-emr-service"
  security_configuration = aws_emr_security_configuration.tls.name
}

resource "aws_emr_cluster" "plain" {
  name                   = "plain"
  release_label          = "emr-7.14.0"
  service_role           = "etl-emr-service"
  security_configuration = aws_emr_security_configuration.plain.name
}
