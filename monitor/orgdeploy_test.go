package monitor_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/monitor"
)

// Ensure the StackSet carries the member template, deployed automatically
// to the OUs, and that the member's read role is read-only: only the
// monitor's describe/get/list calls, trusted by the central account alone,
// and created once per account (in the central region).
func TestOrgTemplateShape(t *testing.T) {
	data, _ := monitor.OrgTemplate()
	var org struct {
		Resources map[string]struct {
			Type       string
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(data, &org); err != nil {
		t.Fatal(err)
	}
	ss := org.Resources["MemberStackSet"]
	if ss.Type != "AWS::CloudFormation::StackSet" || ss.Properties["PermissionModel"] != "SERVICE_MANAGED" ||
		ss.Properties["AutoDeployment"].(map[string]any)["Enabled"] != true {
		t.Fatalf("stack set %+v", ss)
	}
	var member struct {
		Resources map[string]struct {
			Type       string
			Condition  string
			Properties map[string]any
		}
	}
	if err := json.Unmarshal([]byte(ss.Properties["TemplateBody"].(string)), &member); err != nil {
		t.Fatal(err)
	}
	rule := member.Resources["ForwardRule"].Properties
	if !reflect.DeepEqual(rule["EventPattern"], jsonRound(t, monitor.EventPattern())) {
		t.Errorf("forward rule pattern %v", rule["EventPattern"])
	}
	read := member.Resources["ReadRole"]
	if read.Condition != "IsCentralRegion" {
		t.Errorf("read role condition %q", read.Condition)
	}
	doc := read.Properties["Policies"].([]any)[0].(map[string]any)["PolicyDocument"].(map[string]any)
	var actions []string
	for _, s := range doc["Statement"].([]any) {
		for _, a := range s.(map[string]any)["Action"].([]any) {
			actions = append(actions, a.(string))
			verb := a.(string)[strings.IndexByte(a.(string), ':')+1:]
			if !strings.HasPrefix(verb, "Describe") && !strings.HasPrefix(verb, "Get") && !strings.HasPrefix(verb, "List") {
				t.Errorf("read role allows %s", a)
			}
		}
	}
	for _, need := range []string{"elasticmapreduce:DescribeSecurityConfiguration", "elasticmapreduce:DescribeCluster", "iam:GetRole", "emr-containers:DescribeManagedEndpoint"} {
		if !slices.Contains(actions, need) {
			t.Errorf("read role lacks %s", need)
		}
	}
	if len(actions) != len(monitor.ReadActions) {
		t.Errorf("read role allows %v, want %v", actions, monitor.ReadActions)
	}
	trust, _ := json.Marshal(read.Properties["AssumeRolePolicyDocument"])
	if !strings.Contains(string(trust), `iam::${CentralAccountId}:root`) || strings.Contains(string(trust), `"*"`) {
		t.Errorf("trust %s", trust)
	}
}

func jsonRound(t *testing.T, v any) any {
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	json.Unmarshal(data, &out)
	return out
}
