package cfn_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/cfn"
)

// Ensure a NoEcho parameter, and one named for a secret, is read as
// unknown saying (sensitive), whether its value is a Default or given with
// --cfn-params, and never enters the evidence; other parameters are read.
func TestNoEchoParametersMasked(t *testing.T) {
	tpl := `
Parameters:
  Sc:
    Type: String
    NoEcho: true
    Default: SECRET-sc
  Logs:
    Type: String
    NoEcho: "TRUE"
  DbPassword:
    Type: String
    Default: SECRET-pw
  Name:
    Type: String
    NoEcho: false
    Default: etl
Resources:
  C:
    Type: AWS::EMR::Cluster
    Properties:
      Name: !Sub "${Name}-${DbPassword}"
      ReleaseLabel: emr-7.1.0
      ServiceRole: r
      JobFlowRole: !Ref Name
      SecurityConfiguration: !Ref Sc
      LogUri: !Sub "s3://${Logs}/x"
      KerberosAttributes:
        KdcAdminPassword: SECRET-kdc
        CrossRealmTrustPrincipalPassword: SECRET-cross
        ADDomainJoinPassword: SECRET-ad
        Realm: EC2.INTERNAL
      Instances:
        Ec2SubnetId: subnet-1
`
	ev := load(t, "t.yaml", tpl, cfn.Params{Values: map[string]string{"Logs": "SECRET-logs"}})
	all, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(all), "SECRET") {
		t.Errorf("a secret reached the evidence:\n%s", all)
	}
	c := ev.Clusters[0]
	if f := c.SecurityConfiguration; !f.IsUnknown() || f.Why != "parameter Sc is "+source.Sensitive {
		t.Errorf("security configuration %+v, want unknown: parameter Sc is (sensitive)", f)
	}
	if f := c.LogURI; !f.IsUnknown() || !strings.Contains(f.Why, "parameter Logs is "+source.Sensitive) {
		t.Errorf("log URI %+v, want unknown: parameter Logs is (sensitive)", f)
	}
	if c.Ref.Name != "" {
		t.Errorf("name = %q, want none: it is built from DbPassword", c.Ref.Name)
	}
	if f := c.InstanceProfile; f.Get("") != "etl" {
		t.Errorf("a parameter with NoEcho false is read: instance profile %+v", f)
	}
}
