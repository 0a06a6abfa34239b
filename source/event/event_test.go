package event_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/source/event"
	"github.com/emrguard/emrguard/source/tree"
)

func load(t *testing.T, name string) (*event.Record, error) {
	t.Helper()
	file := filepath.Join("..", "..", "examples", "events", name)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	root, err := tree.ParseJSON(file, data)
	if err != nil {
		t.Fatal(err)
	}
	return event.Read(file, root)
}

// Ensure a RunJobFlow envelope yields the launched cluster, named by its
// job-flow ID, with the record's identity, account, region and principal.
func TestRunJobFlow(t *testing.T) {
	rec, err := load(t, "adhoc-spark-launch.json")
	if err != nil {
		t.Fatal(err)
	}
	e := rec.Event
	if e.ID != "c4e1f9a0-7b2d-4e8f-9c13-5a6b7d8e9f01" || e.Name != "RunJobFlow" || e.Time != "2026-09-14T08:02:09Z" ||
		e.Account != "210987654321" || e.Region != "eu-west-1" || e.Source != event.SourceEMR {
		t.Errorf("event = %+v", e)
	}
	if want := "arn:aws:sts::210987654321:assumed-role/data-engineer/jdoe"; e.Principal != want {
		t.Errorf("principal = %q, want %q (userIdentity.arn)", e.Principal, want)
	}
	if want := "arn:aws:iam::210987654321:role/data-engineer (session jdoe)"; e.Who() != want {
		t.Errorf("who = %q, want %q", e.Who(), want)
	}
	if !rec.Launch() || rec.Failed() || rec.EnvelopeID != "3f0a9c52-6d1e-4b7a-9e44-2c58d1f0ab13" {
		t.Errorf("launch %v failed %v envelope %q", rec.Launch(), rec.Failed(), rec.EnvelopeID)
	}
	ev, diags, err := event.Evidence(rec)
	if err != nil || len(diags) != 0 {
		t.Fatal(err, diags)
	}
	if len(ev.Clusters) != 1 {
		t.Fatalf("%d clusters", len(ev.Clusters))
	}
	c := ev.Clusters[0]
	if c.Ref.ID != "j-1XEXAMPLE9ZQ" || c.Ref.Name != "adhoc-spark" || c.Ref.Event == nil || c.Ref.Event.ID != e.ID || c.Ref.Account != "210987654321" {
		t.Errorf("ref = %+v", c.Ref)
	}
	if !c.SecurityConfiguration.IsAbsent() || c.KeyName.Get("") != "laptop-key" || c.ReleaseLabel.Get("") != "emr-6.1.0" {
		t.Errorf("cluster = %+v", c)
	}
	if c.ReleaseLabel.At.Line != 15 {
		t.Errorf("releaseLabel at %v, want line 15", c.ReleaseLabel.At)
	}
}

// Ensure a failed RunJobFlow is read as failed and creates no cluster.
func TestFailedLaunch(t *testing.T) {
	rec, err := load(t, "failed-launch.json")
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Failed() || rec.ErrorCode != "ValidationException" || rec.Event.Principal != "arn:aws:iam::210987654321:user/intern" {
		t.Errorf("rec = %+v", rec)
	}
	ev, _, err := event.Evidence(rec)
	if err != nil || len(ev.Clusters) != 0 {
		t.Errorf("failed call gave %d clusters, %v", len(ev.Clusters), err)
	}
}

// Ensure CreateSecurityConfiguration decodes the embedded document under
// the configuration's name.
func TestCreateSecurityConfiguration(t *testing.T) {
	rec, err := load(t, "create-weak-security-configuration.json")
	if err != nil {
		t.Fatal(err)
	}
	if rec.SecurityConfigurationName() != "quick-test" {
		t.Errorf("name %q", rec.SecurityConfigurationName())
	}
	ev, diags, err := event.Evidence(rec)
	if err != nil || len(diags) != 0 || len(ev.SecurityConfigurations) != 1 {
		t.Fatal(err, diags)
	}
	sc := ev.SecurityConfigurations[0]
	if sc.Name.Get("") != "quick-test" || sc.InTransit.Get(true) || !sc.AtRest.Get(false) || sc.S3Mode.Get("") != "SSE-S3" || sc.Ref.Event == nil {
		t.Errorf("sc = %+v", sc)
	}
}

// Ensure StartJobRun yields a job run with its execution role.
func TestStartJobRun(t *testing.T) {
	rec, err := load(t, "start-job-run.json")
	if err != nil {
		t.Fatal(err)
	}
	ev, _, err := event.Evidence(rec)
	if err != nil || len(ev.JobRuns) != 1 {
		t.Fatal(err)
	}
	jr := ev.JobRuns[0]
	if jr.Ref.ID != "0000000abcdefghij12" || jr.ExecutionRole.Get("") != "arn:aws:iam::210987654321:role/analytics-job-execution" || jr.VirtualClusterID.Get("") != "vc0a1b2c3d4e5f6g7h8i9j0k" {
		t.Errorf("job run = %+v", jr)
	}
}

// Ensure the other handled calls are read from bare CloudTrail records.
func TestBareRecords(t *testing.T) {
	for name, tc := range map[string]struct {
		json  string
		check func(t *testing.T, rec *event.Record)
	}{
		"bpa": {`{"eventID":"1","eventSource":"elasticmapreduce.amazonaws.com","eventName":"PutBlockPublicAccessConfiguration","awsRegion":"us-east-1","recipientAccountId":"111122223333",
			"requestParameters":{"blockPublicAccessConfiguration":{"blockPublicSecurityGroupRules":false,"permittedPublicSecurityGroupRuleRanges":[{"minRange":22},{"minRange":80,"maxRange":443}]}}}`,
			func(t *testing.T, rec *event.Record) {
				ev, _, err := event.Evidence(rec)
				if err != nil || len(ev.BlockPublicAccess) != 1 {
					t.Fatal(err)
				}
				b := ev.BlockPublicAccess[0]
				if b.Block.Get(true) || len(b.Permitted) != 2 || b.Permitted[0].Max.Get(0) != 22 || b.Permitted[1].Max.Get(0) != 443 || b.Ref.Account != "111122223333" {
					t.Errorf("bpa = %+v", b)
				}
			}},
		"virtual cluster": {`{"eventID":"2","eventSource":"emr-containers.amazonaws.com","eventName":"CreateVirtualCluster","awsRegion":"eu-west-1",
			"requestParameters":{"name":"analytics","containerProvider":{"type":"EKS","id":"data-eks","info":{"eksInfo":{"namespace":"spark-jobs"}}}},"responseElements":{"id":"vc1"}}`,
			func(t *testing.T, rec *event.Record) {
				ev, _, _ := event.Evidence(rec)
				if len(ev.VirtualClusters) != 1 || ev.VirtualClusters[0].Namespace.Get("") != "spark-jobs" || ev.VirtualClusters[0].Ref.ID != "vc1" {
					t.Errorf("vc = %+v", ev.VirtualClusters)
				}
			}},
		"endpoint": {`{"eventID":"3","eventSource":"emr-containers.amazonaws.com","eventName":"CreateManagedEndpoint","awsRegion":"eu-west-1",
			"requestParameters":{"name":"nb","virtualClusterId":"vc1","type":"JUPYTER_ENTERPRISE_GATEWAY","releaseLabel":"emr-7.14.0-latest","executionRoleArn":"arn:aws:iam::1:role/x"}}`,
			func(t *testing.T, rec *event.Record) {
				ev, _, _ := event.Evidence(rec)
				if len(ev.ManagedEndpoints) != 1 || ev.ManagedEndpoints[0].ExecutionRole.Get("") != "arn:aws:iam::1:role/x" {
					t.Errorf("me = %+v", ev.ManagedEndpoints)
				}
			}},
		"delete": {`{"eventID":"4","eventSource":"elasticmapreduce.amazonaws.com","eventName":"DeleteSecurityConfiguration","requestParameters":{"name":"old"}}`,
			func(t *testing.T, rec *event.Record) {
				ev, _, err := event.Evidence(rec)
				if err != nil || rec.SecurityConfigurationName() != "old" || len(ev.SecurityConfigurations) != 0 {
					t.Errorf("delete: %v %q", err, rec.SecurityConfigurationName())
				}
			}},
		"unhandled call": {`{"eventID":"5","eventSource":"elasticmapreduce.amazonaws.com","eventName":"AddTags","requestParameters":{}}`,
			func(t *testing.T, rec *event.Record) {
				if rec.Handled() {
					t.Error("AddTags handled")
				}
			}},
	} {
		t.Run(name, func(t *testing.T) {
			root, err := tree.ParseJSON("rec.json", []byte(tc.json))
			if err != nil {
				t.Fatal(err)
			}
			if !event.Detect(root) {
				t.Error("not detected")
			}
			rec, err := event.Read("rec.json", root)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, rec)
		})
	}
}

// Ensure bad events are input errors naming the event, never panics.
func TestBadEvents(t *testing.T) {
	for name, tc := range map[string]struct{ json, want string }{
		"array":          {`[1,2]`, "not a JSON object"},
		"other service":  {`{"id":"x","detail-type":"AWS API Call via CloudTrail","detail":{"eventID":"e1","eventSource":"s3.amazonaws.com","eventName":"PutObject"}}`, "not an EMR API call"},
		"state change":   {`{"id":"x","detail-type":"EMR Cluster State Change","source":"aws.emr","detail":{}}`, "not an EMR API call"},
		"no detail":      {`{"id":"x","detail-type":"AWS API Call via CloudTrail"}`, "no detail"},
		"no params":      {`{"eventID":"e2","eventSource":"elasticmapreduce.amazonaws.com","eventName":"RunJobFlow"}`, "no requestParameters"},
		"params string":  {`{"eventID":"e3","eventSource":"elasticmapreduce.amazonaws.com","eventName":"RunJobFlow","requestParameters":"x"}`, "want an object"},
		"no secconf doc": {`{"eventID":"e4","eventSource":"elasticmapreduce.amazonaws.com","eventName":"CreateSecurityConfiguration","requestParameters":{"name":"n"}}`, "no requestParameters.securityConfiguration"},
	} {
		t.Run(name, func(t *testing.T) {
			root, err := tree.ParseJSON("bad.json", []byte(tc.json))
			if err != nil {
				t.Fatal(err)
			}
			rec, err := event.Read("bad.json", root)
			if err == nil {
				_, _, err = event.Evidence(rec)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "bad.json") {
				t.Errorf("err = %v, want %q with the file", err, tc.want)
			}
		})
	}
}

// Ensure a malformed security configuration string is a diagnostic with
// Unknown fields, not a failure of the whole event.
func TestMalformedEmbeddedConfiguration(t *testing.T) {
	root, _ := tree.ParseJSON("e.json", []byte(`{"eventID":"e","eventSource":"elasticmapreduce.amazonaws.com","eventName":"CreateSecurityConfiguration","requestParameters":{"name":"n","securityConfiguration":"{not json"}}`))
	rec, err := event.Read("e.json", root)
	if err != nil {
		t.Fatal(err)
	}
	ev, diags, err := event.Evidence(rec)
	if err != nil || len(diags.Errors()) != 1 || !ev.SecurityConfigurations[0].InTransit.IsUnknown() {
		t.Errorf("err %v diags %v", err, diags)
	}
}

// Ensure Attempted reads the request of a failed launch (what was asked
// for), while Evidence yields nothing for it.
func TestAttemptedLaunch(t *testing.T) {
	rec, err := load(t, "failed-launch.json")
	if err != nil {
		t.Fatal(err)
	}
	ev, _, err := event.Attempted(rec)
	if err != nil || len(ev.Clusters) != 1 {
		t.Fatalf("attempt gave %d clusters, %v", len(ev.Clusters), err)
	}
	if c := ev.Clusters[0]; c.Ref.Event == nil || c.Ref.Event.ID != rec.Event.ID {
		t.Errorf("attempt ref = %+v", c.Ref)
	}
}
