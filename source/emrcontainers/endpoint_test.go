package emrcontainers

import (
	"slices"
	"testing"

	"github.com/emrguard/emrguard/source/tree"
)

const describeEndpoint = `{"endpoint": {
  "id": "as3ys2xxxxxxx", "name": "studio", "arn": "arn:aws:emr-containers:eu-west-1:210987654321:/virtualclusters/vc1/endpoints/as3ys2xxxxxxx",
  "virtualClusterId": "vc1", "type": "JUPYTER_ENTERPRISE_GATEWAY", "state": "ACTIVE",
  "releaseLabel": "emr-6.10.0-latest",
  "executionRoleArn": "arn:aws:iam::210987654321:role/studio-job",
  "configurationOverrides": {"applicationConfiguration": [
    {"classification": "spark-defaults", "properties": {"spark.kubernetes.container.image": "210987654321.dkr.ecr.eu-west-1.amazonaws.com/studio:1"}}]},
  "securityGroup": "sg-0123456789abcdef0",
  "subnetIds": ["subnet-0a", "subnet-0b"]
}}`

// Ensure describe-managed-endpoint output gives the endpoint's subnets,
// security group, release, role and custom image, and still names the
// role as an execution role.
func TestEndpoint(t *testing.T) {
	root, err := tree.ParseJSON("ep.json", []byte(describeEndpoint))
	if err != nil {
		t.Fatal(err)
	}
	if !Detect(root) {
		t.Fatal("describe-managed-endpoint output not detected")
	}
	ev, diags := Load("ep.json", root)
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	if len(ev.ManagedEndpoints) != 1 || len(ev.JobRoles) != 1 {
		t.Fatalf("got %d endpoints, %d job roles; want 1, 1", len(ev.ManagedEndpoints), len(ev.JobRoles))
	}
	me := ev.ManagedEndpoints[0]
	switch {
	case me.Ref.ID != "as3ys2xxxxxxx" || me.Ref.Account != "210987654321" || me.Ref.Region != "eu-west-1":
		t.Errorf("ref %+v", me.Ref)
	case me.SecurityGroup.Val != "sg-0123456789abcdef0" || !me.SecurityGroup.IsSet():
		t.Errorf("security group %+v", me.SecurityGroup)
	case !slices.Equal(me.SubnetIDs.Val, []string{"subnet-0a", "subnet-0b"}) || me.SubnetIDs.At.Line != 9:
		t.Errorf("subnets %+v", me.SubnetIDs)
	case me.Image.Val != "210987654321.dkr.ecr.eu-west-1.amazonaws.com/studio:1" || me.Image.At.Line != 7:
		t.Errorf("image %+v", me.Image)
	case me.ReleaseLabel.Val != "emr-6.10.0-latest" || me.VirtualClusterID.Val != "vc1":
		t.Errorf("release %+v, virtual cluster %+v", me.ReleaseLabel, me.VirtualClusterID)
	case ev.JobRoles[0].RoleARN.Val != "arn:aws:iam::210987654321:role/studio-job":
		t.Errorf("job role %+v", ev.JobRoles[0])
	}
}

// Ensure a job run without overrides runs EMR's image (Image Absent), and
// a subnetIds that is not a list of strings is an error and Unknown.
func TestJobRunAndBadSubnets(t *testing.T) {
	root, err := tree.ParseJSON("runs.json", []byte(`{"jobRuns": [{"id": "j1", "virtualClusterId": "vc1", "releaseLabel": "emr-7.1.0-latest", "executionRoleArn": "arn:aws:iam::1:role/r"}],
	  "endpoints": [{"id": "e1", "virtualClusterId": "vc1", "subnetIds": ["subnet-1", 7]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	ev, diags := Load("runs.json", root)
	if len(ev.JobRuns) != 1 || !ev.JobRuns[0].Image.IsAbsent() || ev.JobRuns[0].VirtualClusterID.Val != "vc1" {
		t.Errorf("job runs %+v", ev.JobRuns)
	}
	if len(ev.ManagedEndpoints) != 1 || !ev.ManagedEndpoints[0].SubnetIDs.IsUnknown() {
		t.Fatalf("endpoints %+v", ev.ManagedEndpoints)
	}
	if len(diags.Errors()) != 1 {
		t.Errorf("want one error for the number in subnetIds, got %v", diags)
	}
}
