# a } comment
/* a { block
comment */
variable "v" {
  default = "}{"
  type    = string
}

locals {
  a = "${jsonencode({ k = "}" })}"   # }
  b = "$${not} %%{this}"
  c = [
    "x", // }
    "y",
  ]
  d = <<-EOT
    { unbalanced
    EOT
  e = { k = "v" }
}

resource "aws_security_group" "g" {
  name = "g-${local.c[0]}"
  ingress {
    from_port = 22
    to_port   = 22
    cidr_blocks = ["10.0.0.0/8"] # {
  }
  egress { from_port = 0 }
  dynamic "ingress" {
    for_each = []
    content {}
  }
  policy = <<EOF
{"a": "}"}
EOF
}

data aws_caller_identity me {}
