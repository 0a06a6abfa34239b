package cfn_test

import (
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/cfn"
)

const partialTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Bucket: {Type: String}
  KeyArn: {Type: String}
Resources:
  Logs:
    Type: AWS::S3::Bucket
  BySub:
    Type: AWS::EMR::Cluster
    Properties:
      LogUri: !Sub 's3://aws-logs-${AWS::AccountId}-${AWS::Region}/elasticmapreduce/'
      LogEncryptionKmsKeyId: !Sub 'arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/${KeyArn}'
      Instances: {}
  ByLongSub:
    Type: AWS::EMR::Cluster
    Properties:
      LogUri: {"Fn::Sub": ["s3://${B}/${AWS::StackName}/", {B: my-logs}]}
      ServiceRole: !Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Bucket}'
      Instances: {}
  ByJoin:
    Type: AWS::EMR::Cluster
    Properties:
      LogUri: !Join ['', ['s3://', !Ref Bucket, '/emr/']]
      ServiceRole: !Select [1, !Split ['/', !Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/emr-service']]
      Instances: {}
  SecConf:
    Type: AWS::EMR::SecurityConfiguration
    Properties:
      SecurityConfiguration: !Sub |
        {"EncryptionConfiguration": {"EnableInTransitEncryption": false, "EnableAtRestEncryption": true,
          "AtRestEncryptionConfiguration": {"S3EncryptionConfiguration": {"EncryptionMode": "SSE-KMS", "AwsKmsKey": "${KeyArn}"}}},
         "InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": 2}}
`

// Ensure Fn::Sub (short and long), Fn::Join and Fn::Select of Fn::Split
// keep what they know of a string with unknown parts: its literal text and
// a hole, with its reason, for each pseudo parameter, parameter without a
// default and resource attribute; and that a Fn::Sub of a JSON security
// configuration is read with only its hole unknown.
func TestPartialStrings(t *testing.T) {
	ev := load(t, "partial.yaml", partialTemplate, cfn.Params{})
	byID := map[string]*model.Cluster{}
	for _, c := range ev.Clusters {
		byID[c.Ref.ID] = c
	}
	part := func(id string, f model.Field[string]) model.Partial {
		t.Helper()
		p, ok := model.PartOf(f)
		if !ok {
			t.Fatalf("%s: %+v is not known in part", id, f)
		}
		return p
	}

	c := byID["BySub"]
	p := part("BySub LogUri", c.LogURI)
	if p.String() != "s3://aws-logs-${AWS::AccountId}-${AWS::Region}/elasticmapreduce/" || !p.NonEmpty() {
		t.Errorf("BySub LogUri = %q", p.String())
	}
	if !strings.Contains(c.LogURI.Why, "pseudo parameter AWS::AccountId") {
		t.Errorf("BySub LogUri why = %q, want the first hole's reason", c.LogURI.Why)
	}
	if svc, ok := part("BySub key", c.LogKMSKey).ARNService(); !ok || svc != "kms" {
		t.Errorf("the log key is an ARN of %q (%v), want kms", svc, ok)
	}

	c = byID["ByLongSub"]
	if b, ok := part("ByLongSub LogUri", c.LogURI).Field(2, '/'); !ok || b != "my-logs" {
		t.Errorf("ByLongSub bucket = %q, %v", b, ok)
	}
	if s := part("ByLongSub role", c.ServiceRole).Suffix(); s != "" {
		t.Errorf("ByLongSub role suffix = %q: the parameter ends it", s)
	}

	c = byID["ByJoin"]
	p = part("ByJoin LogUri", c.LogURI)
	if yes, known := p.HasPrefix("s3://"); !yes || !known || p.Suffix() != "/emr/" {
		t.Errorf("ByJoin LogUri = %q", p.String())
	}
	if !strings.Contains(c.LogURI.Why, "parameter Bucket has no default") {
		t.Errorf("ByJoin LogUri why = %q", c.LogURI.Why)
	}
	if f := c.ServiceRole; !f.IsSet() || f.Val != "emr-service" {
		t.Errorf("ByJoin role = %+v, want emr-service (split at '/', which no pseudo parameter holds)", f)
	}

	if len(ev.SecurityConfigurations) != 1 {
		t.Fatalf("%d security configurations", len(ev.SecurityConfigurations))
	}
	sc := ev.SecurityConfigurations[0]
	if !sc.InTransit.IsSet() || sc.InTransit.Val || sc.S3Mode.Get("") != "SSE-KMS" || sc.IMDSMinVersion.Get(0) != 2 {
		t.Errorf("the holed configuration's known fields: %+v", sc)
	}
	if !sc.S3KMSKey.IsUnknown() || !strings.Contains(sc.S3KMSKey.Why, "parameter KeyArn has no default") {
		t.Errorf("S3KMSKey = %+v, want unknown for the parameter", sc.S3KMSKey)
	}
}
