package terraform

import (
	"strings"
	"testing"
)

// Ensure what does not parse is unknown, never read as left out: a
// resource whose body the parser had to recover (a file parsed whole, a
// block the scan refused) has every argument unknown, naming the error;
// an argument whose expression does not parse is unknown, the others of
// its body read as written.
func TestSyntaxErrorsAreUnknown(t *testing.T) {
	for name, tc := range map[string]struct {
		src        string
		keyUnknown bool
	}{
		"unclosed block": {"resource \"aws_emr_cluster\" \"c\" {\n  name = \n", true},
		"bad argument":   {"resource \"aws_emr_cluster\" \"c\" {\n  name = \n}\n", true},
		"bad expression": {"resource \"aws_emr_cluster\" \"c\" {\n  name = \"x\"\n  release_label = \"emr-7.0.0\" +\n}\n", false},
	} {
		ev, diags := load(t, map[string]string{"main.tf": tc.src}, Options{})
		if len(diags.Errors()) == 0 {
			t.Errorf("%s: no error reported", name)
		}
		if len(ev.Clusters) != 1 {
			t.Fatalf("%s: %d clusters", name, len(ev.Clusters))
		}
		c := ev.Clusters[0]
		if !c.ReleaseLabel.IsUnknown() || !strings.Contains(c.ReleaseLabel.Why, "does not parse") {
			t.Errorf("%s: release label %+v, want unknown: does not parse", name, c.ReleaseLabel)
		}
		if c.KeyName.IsUnknown() != tc.keyUnknown {
			t.Errorf("%s: key name %+v, unknown want %v", name, c.KeyName, tc.keyUnknown)
		}
	}
}

// Ensure a null among a map's values is left out, not an internal error
// that drops the resource (Scalar once panicked on a typed null).
func TestNullInMaps(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": `resource "aws_emr_cluster" "c" {
  name          = "c"
  release_label = "emr-7.0.0"
  tags          = tomap({ a = null, b = "y" })
}

resource "kubernetes_role_v1" "r" {
  metadata {
    name      = "r"
    namespace = "ns"
    labels    = tomap({ a = null, b = "x" })
  }
  rule {
    api_groups = [""]
    resources  = ["pods"]
    verbs      = ["get"]
  }
}
`}, Options{})
	if len(diags) != 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	if len(ev.Clusters) != 1 || len(ev.Clusters[0].Tags) != 1 || ev.Clusters[0].Tags["b"] != "y" {
		t.Errorf("clusters %+v", ev.Clusters)
	}
	if len(ev.RBACRoles) != 1 || ev.RBACRoles[0].Labels["b"] != "x" || len(ev.RBACRoles[0].Labels) != 1 {
		t.Errorf("roles %+v", ev.RBACRoles)
	}
}

// Ensure a syntax error inside a nested block puts only blocks of that
// type in doubt: the parser resumes after the block (Terraform 0.11's
// tags block with quoted keys, which 0.12 refuses, leaves the cluster
// read).
func TestSyntaxErrorInNestedBlock(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": `resource "aws_emr_cluster" "c" {
  name          = "c"
  release_label = "emr-7.0.0"
  ec2_attributes {
    key_name = "ops"
  }
  tags {
    "Name" = "c"
  }
}

resource "aws_emr_cluster" "d" {
  name          = "d"
  release_label = "emr-7.0.0"
  ec2_attributes {
    key_name = 
  }
}
`}, Options{})
	if len(diags.Errors()) == 0 || len(ev.Clusters) != 2 {
		t.Fatalf("%d clusters, diagnostics %v", len(ev.Clusters), diags)
	}
	c, d := ev.Clusters[0], ev.Clusters[1]
	if c.KeyName.Get("") != "ops" || c.ReleaseLabel.Get("") != "emr-7.0.0" {
		t.Errorf("c: key %+v, release %+v: want both read", c.KeyName, c.ReleaseLabel)
	}
	if d.ReleaseLabel.Get("") != "emr-7.0.0" || !d.KeyName.IsUnknown() || !strings.Contains(d.KeyName.Why, "ec2_attributes block does not parse") {
		t.Errorf("d: key %+v, release %+v: want the release read, the key unknown", d.KeyName, d.ReleaseLabel)
	}
}
