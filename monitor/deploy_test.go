package monitor_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/internal/testtool"

	"github.com/emrguard/emrguard/monitor"
)

// matches implements the part of EventBridge pattern matching the
// monitor's pattern uses: an array lists the allowed values of a field, an
// object descends into it, and every field of the pattern must match.
func matches(pattern map[string]any, ev map[string]any) bool {
	for k, want := range pattern {
		got, ok := ev[k]
		if !ok {
			return false
		}
		switch w := want.(type) {
		case map[string]any:
			sub, ok := got.(map[string]any)
			if !ok || !matches(w, sub) {
				return false
			}
		case []any:
			if !slices.Contains(w, got) {
				return false
			}
		default:
			panic("pattern form not supported by this matcher")
		}
	}
	return true
}

func template(t *testing.T, opt monitor.DeployOptions) map[string]any {
	t.Helper()
	data, err := monitor.Template(opt)
	if err != nil {
		t.Fatal(err)
	}
	var tpl map[string]any
	if err := json.Unmarshal(data, &tpl); err != nil {
		t.Fatal(err)
	}
	return tpl
}

func resource(tpl map[string]any, name string) map[string]any {
	r, _ := tpl["Resources"].(map[string]any)[name].(map[string]any)
	props, _ := r["Properties"].(map[string]any)
	return props
}

// Ensure the rule's pattern matches every sample event and nothing of
// another service or call.
func TestDeployPatternMatchesSamples(t *testing.T) {
	tpl := template(t, monitor.DeployOptions{})
	pattern := resource(tpl, "LaunchRule")["EventPattern"].(map[string]any)
	files, _ := filepath.Glob("../examples/events/*.json")
	more, _ := filepath.Glob("testdata/events/*.json")
	files = append(files, more...)
	if len(files) < 4 {
		t.Fatalf("only %d sample events", len(files))
	}
	for _, f := range files {
		var ev map[string]any
		data, _ := os.ReadFile(f)
		if err := json.Unmarshal(data, &ev); err != nil {
			t.Fatal(err)
		}
		if !matches(pattern, ev) {
			t.Errorf("%s does not match the rule's pattern", f)
		}
		ev["detail"].(map[string]any)["eventName"] = "ListClusters"
		if matches(pattern, ev) {
			t.Errorf("%s with eventName ListClusters matches", f)
		}
		ev["source"] = "aws.s3"
		if matches(pattern, ev) {
			t.Errorf("%s with source aws.s3 matches", f)
		}
	}
}

// Ensure the function's role grants exactly what the monitor calls: EMR
// DescribeSecurityConfiguration and the read-only calls of what other
// events name, sns:Publish to its own topic, its own logs, its own
// dead-letter queue, (when created) the items of its own deduplication
// table and, with AssumeRoleName, that role in member accounts — and
// nothing else.
func TestDeployRoleLeastPrivilege(t *testing.T) {
	for _, opt := range []monitor.DeployOptions{{}, {MultiRegion: true}} {
		tpl := template(t, opt)
		role := resource(tpl, "FunctionRole")
		var got []string
		for _, p := range role["Policies"].([]any) {
			for _, st := range p.(map[string]any)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
				s := st.(map[string]any)
				// A statement granted only with the ledger table or
				// AssumeRoleName is {"Fn::If": [COND, statement, NoValue]}.
				if f, ok := s["Fn::If"].([]any); ok {
					if f[0] != "HasLedger" && f[0] != "HasAssumeRole" || !reflect.DeepEqual(f[2], map[string]any{"Ref": "AWS::NoValue"}) {
						t.Errorf("conditional statement %v", f)
					}
					s = f[1].(map[string]any)
				}
				if s["Effect"] != "Allow" {
					t.Errorf("unexpected effect %v", s["Effect"])
				}
				res, _ := json.Marshal(s["Resource"])
				acts := s["Action"]
				if a, ok := acts.(string); ok {
					acts = []any{a}
				}
				for _, a := range acts.([]any) {
					got = append(got, a.(string)+" "+string(res))
				}
			}
		}
		sort.Strings(got)
		want := []string{
			`dynamodb:DeleteItem {"Fn::GetAtt":["DeduplicationLedger","Arn"]}`,
			`dynamodb:PutItem {"Fn::GetAtt":["DeduplicationLedger","Arn"]}`,
			`dynamodb:UpdateItem {"Fn::GetAtt":["DeduplicationLedger","Arn"]}`,
			`ec2:DescribeRouteTables "*"`, `ec2:DescribeSecurityGroups "*"`, `ec2:DescribeSubnets "*"`,
			`elasticmapreduce:DescribeCluster "*"`,
			`elasticmapreduce:DescribeSecurityConfiguration "*"`, `elasticmapreduce:ListClusters "*"`,
			`emr-containers:DescribeManagedEndpoint "*"`,
			`iam:GetPolicy {"Fn::Sub":"arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/*"}`,
			`iam:GetPolicyVersion {"Fn::Sub":"arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/*"}`,
			`iam:GetRole {"Fn::Sub":"arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*"}`,
			`iam:GetRolePolicy {"Fn::Sub":"arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*"}`,
			`iam:ListAttachedRolePolicies {"Fn::Sub":"arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*"}`,
			`iam:ListRolePolicies {"Fn::Sub":"arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*"}`,
			`logs:CreateLogStream {"Fn::Sub":"${FunctionLogGroup.Arn}"}`,
			`logs:PutLogEvents {"Fn::Sub":"${FunctionLogGroup.Arn}"}`,
			`sns:Publish {"Ref":"AlertTopic"}`,
			`sqs:SendMessage {"Fn::GetAtt":["DeadLetterQueue","Arn"]}`,
			`sts:AssumeRole {"Fn::Sub":"arn:${AWS::Partition}:iam::*:role/${AssumeRoleName}"}`,
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("role grants\n%q\nwant\n%q", got, want)
		}
		if _, ok := role["ManagedPolicyArns"]; ok {
			t.Error("managed policies attached")
		}
		fn := resource(tpl, "Function")
		if fn["Runtime"] != "provided.al2023" || fn["Handler"] != "bootstrap" || !reflect.DeepEqual(fn["Architectures"], []any{map[string]any{"Ref": "Architecture"}}) {
			t.Errorf("function %v", fn)
		}
		arch := tpl["Parameters"].(map[string]any)["Architecture"].(map[string]any)
		if arch["Default"] != "arm64" || !reflect.DeepEqual(arch["AllowedValues"], []any{"arm64", "x86_64"}) {
			t.Errorf("Architecture parameter %v", arch)
		}
	}
}

// Ensure the ledger table is what DynamoLedger writes: keyed by the event
// ID, TTL on its expiry attribute, on demand, encrypted; and that it is
// made only with DeduplicationTable true (and, multi-region, centrally).
func TestDeployLedgerTable(t *testing.T) {
	for _, opt := range []monitor.DeployOptions{{}, {MultiRegion: true}} {
		tpl := template(t, opt)
		tbl := resource(tpl, "DeduplicationLedger")
		want := map[string]any{
			"BillingMode":             "PAY_PER_REQUEST",
			"AttributeDefinitions":    []any{map[string]any{"AttributeName": monitor.LedgerKey, "AttributeType": "S"}},
			"KeySchema":               []any{map[string]any{"AttributeName": monitor.LedgerKey, "KeyType": "HASH"}},
			"TimeToLiveSpecification": map[string]any{"AttributeName": monitor.LedgerTTL, "Enabled": true},
			"SSESpecification":        map[string]any{"SSEEnabled": true},
		}
		if !reflect.DeepEqual(tbl, want) {
			t.Errorf("table %v", tbl)
		}
		if c := tpl["Resources"].(map[string]any)["DeduplicationLedger"].(map[string]any)["Condition"]; c != "HasLedger" {
			t.Errorf("table condition %v", c)
		}
		cond, _ := json.Marshal(tpl["Conditions"].(map[string]any)["HasLedger"])
		if !strings.Contains(string(cond), `{"Fn::Equals":[{"Ref":"DeduplicationTable"},"true"]}`) || opt.MultiRegion != strings.Contains(string(cond), "IsCentral") {
			t.Errorf("HasLedger %s", cond)
		}
	}
}

// Ensure every template passes cfn-lint (required in CI): the monitor's,
// single and multi-region, the organization's and the member template
// its StackSet carries.
func TestDeployCfnLint(t *testing.T) {
	lint := testtool.Require(t, "cfn-lint", "pip install cfn-lint==1.51")
	dir := t.TempDir()
	var files []string
	for name, f := range map[string]func() ([]byte, error){
		"single.json": func() ([]byte, error) { return monitor.Template(monitor.DeployOptions{}) },
		"multi.json":  func() ([]byte, error) { return monitor.Template(monitor.DeployOptions{MultiRegion: true}) },
		"org.json":    monitor.OrgTemplate, "member.json": monitor.MemberTemplate,
	} {
		data, err := f()
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, name)
		os.WriteFile(file, data, 0o600)
		files = append(files, file)
	}
	out, err := exec.Command(lint, append([]string{"--"}, files...)...).CombinedOutput()
	if err != nil {
		t.Errorf("cfn-lint: %v\n%s", err, out)
	}
}
