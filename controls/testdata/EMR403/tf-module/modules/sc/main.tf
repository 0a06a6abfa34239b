variable "name" {
  type = string
}

variable "kms_key" {
  type    = string
  default = null
}

resource "aws_emr_security_configuration" "this" {
  name          = var.name
  configuration = jsonencode({
    InstanceMetadataServiceConfiguration = {
      MinimumInstanceMetadataServiceVersion = 2
      HttpPutResponseHopLimit               = 3 # want EMR403:fail
    }
  })
}

output "name" {
  value = aws_emr_security_configuration.this.name
}
