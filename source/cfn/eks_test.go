package cfn_test

import (
	"strings"
	"testing"

	"github.com/emrguard/emrguard/source/cfn"
)

const eksYAML = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Namespace:
    Type: String
  Provider:
    Type: String
Resources:
  Etl:
    Type: AWS::EMRContainers::VirtualCluster
    Properties:
      Name: etl
      ContainerProvider:
        Id: data-eks
        Type: EKS
        Info:
          EksInfo:
            Namespace: etl-jobs
  Adhoc:
    Type: AWS::EMRContainers::VirtualCluster
    Properties:
      Name: adhoc
      ContainerProvider:
        Id: data-eks
        Type: EKS
        Info:
          EksInfo:
            Namespace: !Ref Namespace
  Opaque:
    Type: AWS::EMRContainers::VirtualCluster
    Properties:
      Name: opaque
      ContainerProvider: !Ref Provider
  Nodes:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateName: spark-nodes
      LaunchTemplateData:
        MetadataOptions:
          HttpTokens: required
          HttpPutResponseHopLimit: 2
          HttpEndpoint: enabled
  Bare:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        ImageId: ami-0123456789abcdef0
`

// Ensure a virtual cluster's namespace, and a launch template's metadata
// options, are read with the line they sit on; a parameter without a
// value leaves the namespace unknown with the reason, as does a whole
// ContainerProvider given by parameter; a template with no metadata
// options leaves them absent (EC2's defaults, which EKS702 judges).
func TestEMRContainersAndLaunchTemplates(t *testing.T) {
	ev := load(t, "eks.yaml", eksYAML, cfn.Params{})
	if len(ev.VirtualClusters) != 3 {
		t.Fatalf("want 3 virtual clusters, got %d", len(ev.VirtualClusters))
	}
	etl, adhoc, opaque := ev.VirtualClusters[0], ev.VirtualClusters[1], ev.VirtualClusters[2]
	if etl.Ref.ID != "Etl" || etl.Ref.Name != "etl" || etl.Namespace.Get("") != "etl-jobs" || etl.Namespace.At.Line != 17 || etl.EKSCluster.Get("") != "data-eks" {
		t.Errorf("Etl: got %+v", etl)
	}
	if !adhoc.Namespace.IsUnknown() || !strings.Contains(adhoc.Namespace.Why, "Namespace") {
		t.Errorf("Adhoc: want the namespace unknown through the parameter, got %+v", adhoc.Namespace)
	}
	if !opaque.Namespace.IsUnknown() || !opaque.EKSCluster.IsUnknown() {
		t.Errorf("Opaque: want namespace and cluster unknown, got %+v / %+v", opaque.Namespace, opaque.EKSCluster)
	}
	if len(ev.LaunchTemplates) != 2 {
		t.Fatalf("want 2 launch templates, got %d", len(ev.LaunchTemplates))
	}
	nodes, bare := ev.LaunchTemplates[0], ev.LaunchTemplates[1]
	if nodes.Ref.Name != "spark-nodes" || nodes.HopLimit.Get(0) != 2 || nodes.HopLimit.At.Line != 40 || nodes.HTTPTokens.Get("") != "required" || nodes.HTTPEndpoint.Get("") != "enabled" {
		t.Errorf("Nodes: got %+v", nodes)
	}
	if !bare.HopLimit.IsAbsent() || !bare.HTTPTokens.IsAbsent() {
		t.Errorf("Bare: want metadata options absent, got %+v", bare)
	}
}
