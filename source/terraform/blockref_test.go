package terraform

import (
	"strings"
	"testing"
)

// Ensure a reference into a nested block of a resource reads the block's
// arguments as written, as Terraform plans them: EMR on EKS modules take
// the namespace from kubernetes_namespace_v1.this[0].metadata[0].name,
// which was unknown ("metadata is known only after apply"), so the
// virtual cluster's namespace and the IRSA trust naming it were too. An
// attribute the block does not set (uid, computed) stays unknown with
// its path; nested blocks are read to any depth and with count.
func TestReferenceIntoNestedBlock(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": `
resource "kubernetes_namespace_v1" "ns" {
  count = 1

  metadata {
    name   = "emr-${count.index}"
    labels = { team = "data" }
  }
}

resource "aws_emrcontainers_virtual_cluster" "a" {
  name = "a"

  container_provider {
    id   = "eks"
    type = "EKS"

    info {
      eks_info {
        namespace = kubernetes_namespace_v1.ns[0].metadata[0].name
      }
    }
  }
}

resource "aws_emrcontainers_virtual_cluster" "b" {
  name = "b"

  container_provider {
    id   = "eks"
    type = "EKS"

    info {
      eks_info {
        namespace = "${aws_emrcontainers_virtual_cluster.a.container_provider[0].info[0].eks_info[0].namespace}-${kubernetes_namespace_v1.ns[0].metadata[0].labels.team}"
      }
    }
  }
}

resource "aws_emrcontainers_virtual_cluster" "c" {
  name = "c"

  container_provider {
    id   = "eks"
    type = "EKS"

    info {
      eks_info {
        namespace = kubernetes_namespace_v1.ns[0].metadata[0].uid
      }
    }
  }
}
`}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	ns := map[string]string{}
	for _, vc := range ev.VirtualClusters {
		ns[vc.Name.Val] = vc.Namespace.Val
		if vc.Namespace.IsUnknown() {
			ns[vc.Name.Val] = "unknown: " + vc.Namespace.Why
		}
	}
	if ns["a"] != "emr-0" || ns["b"] != "emr-0-data" {
		t.Errorf("namespaces read through blocks: %q", ns)
	}
	if !strings.HasPrefix(ns["c"], "unknown: kubernetes_namespace_v1.ns[0].metadata[0].uid is known only after apply") {
		t.Errorf("an attribute the block does not set: %q", ns["c"])
	}
}

// Ensure a nested block that refers to itself is reported as a cycle at
// the resource, not followed for ever.
func TestNestedBlockSelfReference(t *testing.T) {
	_, diags := load(t, map[string]string{"main.tf": `
resource "kubernetes_namespace_v1" "ns" {
  metadata {
    name = kubernetes_namespace_v1.ns.metadata[0].name
  }
}

resource "aws_emrcontainers_virtual_cluster" "a" {
  name = kubernetes_namespace_v1.ns.metadata[0].name

  container_provider {
    id   = "eks"
    type = "EKS"
  }
}
`}, Options{})
	if len(diags) != 1 || !strings.Contains(diags[0].Error(), "main.tf:2:1: kubernetes_namespace_v1.ns.metadata refers to itself (a reference cycle)") {
		t.Errorf("diagnostics: %v", diags)
	}
}
