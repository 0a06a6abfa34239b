package terraform

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/source/tree"
)

// stack is one EMR stack in the shape of ../shared/bench/gen_tf.py's:
// variables, locals, groups, a jsonencode configuration, roles, a cluster.
const stack = `
variable "s%[1]d_release" {
  default = "emr-7.8.0"
}

locals {
  s%[1]d_name = "stack-%[1]d"
  s%[1]d_key  = "arn:aws:kms:eu-west-1:111122223333:key/%[1]d"
}

resource "aws_security_group" "s%[1]d_master" {
  name   = "${local.s%[1]d_name}-master"
  vpc_id = "vpc-1"
  ingress {
    from_port   = 8443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}

resource "aws_emr_security_configuration" "s%[1]d" {
  name = "${local.s%[1]d_name}-sc"
  configuration = jsonencode({
    EncryptionConfiguration = {
      EnableInTransitEncryption = true
      EnableAtRestEncryption    = true
      AtRestEncryptionConfiguration = {
        S3EncryptionConfiguration = { EncryptionMode = "SSE-KMS", AwsKmsKey = local.s%[1]d_key }
      }
    }
  })
}

resource "aws_iam_role" "s%[1]d" {
  name = "${local.s%[1]d_name}-service"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "elasticmapreduce.amazonaws.com" } }]
  })
}

resource "aws_emr_cluster" "s%[1]d" {
  name                   = local.s%[1]d_name
  release_label          = var.s%[1]d_release
  service_role           = aws_iam_role.s%[1]d.arn
  security_configuration = aws_emr_security_configuration.s%[1]d.name
  ec2_attributes {
    instance_profile                  = "p"
    emr_managed_master_security_group = aws_security_group.s%[1]d_master.id
  }
}
`

func writeStacks(b *testing.B, n int, dirs bool) []Folder {
	root := b.TempDir()
	byDir := map[string]*Folder{}
	var order []string
	for i := range n {
		dir := root
		if dirs {
			dir = filepath.Join(root, fmt.Sprintf("s%d", i))
			os.MkdirAll(dir, 0o755)
		}
		p := filepath.Join(dir, fmt.Sprintf("s%d.tf", i))
		if err := os.WriteFile(p, []byte(fmt.Sprintf(stack, i)), 0o644); err != nil {
			b.Fatal(err)
		}
		if byDir[dir] == nil {
			byDir[dir] = &Folder{Dir: dir}
			order = append(order, dir)
		}
		byDir[dir].Files = append(byDir[dir].Files, p)
	}
	var out []Folder
	for _, d := range order {
		out = append(out, *byDir[d])
	}
	return out
}

// BenchmarkLoadModule reads one module of N files (the flat corpora).
func BenchmarkLoadModule(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			fs := writeStacks(b, n, false)
			b.ResetTimer()
			for b.Loop() {
				ev, diags := LoadFolders(fs, Options{})
				if len(diags) > 0 || len(ev.Clusters) != n {
					b.Fatalf("%d clusters, %v", len(ev.Clusters), diags)
				}
			}
		})
	}
}

// BenchmarkLoadFolders reads N one-file modules (the -dirs corpora).
func BenchmarkLoadFolders(b *testing.B) {
	fs := writeStacks(b, 1000, true)
	b.ResetTimer()
	for b.Loop() {
		if ev, _ := LoadFolders(fs, Options{}); len(ev.Clusters) != 1000 {
			b.Fatal(len(ev.Clusters))
		}
	}
}

// BenchmarkLoadPlan reads a plan of 1,000 clusters.
func BenchmarkLoadPlan(b *testing.B) {
	var rs []string
	for i := range 1000 {
		rs = append(rs, fmt.Sprintf(`{"address":"aws_emr_cluster.c%d","mode":"managed","type":"aws_emr_cluster","name":"c%d","values":{"name":"c%d","release_label":"emr-7.8.0","security_configuration":"sc"}}`, i, i, i))
	}
	doc := `{"format_version":"1.2","terraform_version":"1.9.5","planned_values":{"root_module":{"resources":[` + strings.Join(rs, ",") + `]}}}`
	for b.Loop() {
		root, err := tree.ParseJSON("plan.json", []byte(doc))
		if err != nil {
			b.Fatal(err)
		}
		if ev, _ := LoadPlan("plan.json", root); len(ev.Clusters) != 1000 {
			b.Fatal(len(ev.Clusters))
		}
	}
}
