package cfn_test

import (
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/cfn"
)

const podIdentityYAML = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Namespace:
    Type: String
Resources:
  JobRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement: []
  Driver:
    Type: AWS::EKS::PodIdentityAssociation
    Properties:
      ClusterName: data-eks
      Namespace: spark
      ServiceAccount: emr-containers-sa-spark-driver-111122223333-abc
      RoleArn: !GetAtt JobRole.Arn
  Other:
    Type: AWS::EKS::PodIdentityAssociation
    Properties:
      ClusterName: data-eks
      Namespace: !Ref Namespace
      ServiceAccount: !Sub emr-containers-sa-spark-client-${AWS::AccountId}-abc
      RoleArn: arn:aws:iam::111122223333:role/shared
`

// Ensure a Pod Identity association is read with its lines, its role as
// the logical ID when given by !GetAtt (as a role's link), a literal ARN
// as written, and values known only at deploy unknown with the reason.
func TestPodIdentityAssociations(t *testing.T) {
	ev := load(t, "pod-identity.yaml", podIdentityYAML, cfn.Params{})
	if len(ev.PodIdentityAssociations) != 2 {
		t.Fatalf("want 2 associations, got %d", len(ev.PodIdentityAssociations))
	}
	d, o := ev.PodIdentityAssociations[0], ev.PodIdentityAssociations[1]
	if d.Ref.ID != "Driver" || d.ClusterName.Get("") != "data-eks" || d.Namespace.Get("") != "spark" || d.Namespace.At.Line != 16 ||
		d.ServiceAccount.Get("") != "emr-containers-sa-spark-driver-111122223333-abc" || d.RoleARN.Get("") != "JobRole" || d.RoleARN.At.Line != 18 {
		t.Errorf("Driver: got %+v", d)
	}
	if !o.Namespace.IsUnknown() || !strings.Contains(o.Namespace.Why, "Namespace") {
		t.Errorf("Other: want the namespace unknown through the parameter, got %+v", o.Namespace)
	}
	if p, ok := model.PartOf(o.ServiceAccount); !o.ServiceAccount.IsUnknown() || !ok || p.Prefix() != "emr-containers-sa-spark-client-" {
		t.Errorf("Other: want the service account unknown, known in part, got %+v", o.ServiceAccount)
	}
	if o.RoleARN.Get("") != "arn:aws:iam::111122223333:role/shared" {
		t.Errorf("Other: want the ARN as written, got %+v", o.RoleARN)
	}
}
