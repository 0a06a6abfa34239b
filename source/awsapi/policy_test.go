package awsapi

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// iamPrefix maps awstest's service names to IAM action prefixes where
// they differ.
var iamPrefix = map[string]string{"emr": "elasticmapreduce"}

// Ensure Policy allows exactly the actions a scan uses: a scan reaching
// every kind of object, through an organization, roles and
// --all-regions, sends the test AWS operations whose IAM actions are the
// policy's, no more and no fewer.
func TestPolicy(t *testing.T) {
	srv, _ := threeAccounts(t)
	srv.SetOrganization(map[string]string{callerID: "ACTIVE", "111111111111": "ACTIVE", "333333333333": "ACTIVE"})
	if _, err := Scan(context.Background(), srv.Config("eu-west-1"), Options{OrgRole: "Audit", AllRegions: true, Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	var used []string
	for op := range srv.CallCounts() {
		svc, name, _ := strings.Cut(op, ".")
		if p, ok := iamPrefix[svc]; ok {
			svc = p
		}
		used = append(used, svc+":"+name)
	}
	slices.Sort(used)

	var doc struct {
		Version   string
		Statement []struct {
			Effect   string
			Action   []string
			Resource string
		}
	}
	if err := json.Unmarshal([]byte(Policy()), &doc); err != nil {
		t.Fatalf("Policy is not JSON: %v", err)
	}
	if doc.Version != "2012-10-17" || len(doc.Statement) != 1 || doc.Statement[0].Effect != "Allow" || doc.Statement[0].Resource != "*" {
		t.Fatalf("policy shape: %+v", doc)
	}
	acts := doc.Statement[0].Action
	if !slices.IsSorted(acts) {
		t.Errorf("actions not sorted: %v", acts)
	}
	if strings.Join(acts, "\n") != strings.Join(used, "\n") {
		t.Errorf("policy actions\n%s\nwant the actions the scan used\n%s", strings.Join(acts, "\n"), strings.Join(used, "\n"))
	}
}
