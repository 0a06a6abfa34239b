package deploy

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/internal/testtool"
)

// Ensure the template passes cfn-lint (required in CI), which also checks
// the state machine's definition against the States Language schema.
func TestTemplateCfnLint(t *testing.T) {
	lint := testtool.Require(t, "cfn-lint", "pip install cfn-lint==1.51")
	data, err := Template()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "trail.json")
	os.WriteFile(file, data, 0o600)
	if out, err := exec.Command(lint, "--", file).CombinedOutput(); err != nil {
		t.Errorf("cfn-lint: %v\n%s", err, out)
	}
}

// checkStates checks one States block: StartAt names a state, every
// Next, Default and Choices[].Next names one, every state but Choice,
// Fail and Succeed has Next or End (not both), and every state is
// reachable from StartAt. It returns the states.
func checkStates(t *testing.T, where string, block map[string]any) map[string]map[string]any {
	t.Helper()
	states := map[string]map[string]any{}
	for name, v := range block["States"].(map[string]any) {
		states[name] = v.(map[string]any)
	}
	start, _ := block["StartAt"].(string)
	if states[start] == nil {
		t.Fatalf("%s: StartAt %q is no state", where, start)
	}
	reached := map[string]bool{}
	var visit func(string)
	visit = func(name string) {
		s := states[name]
		if s == nil {
			t.Errorf("%s: a transition to %q, which is no state", where, name)
			return
		}
		if reached[name] {
			return
		}
		reached[name] = true
		next, hasNext := s["Next"].(string)
		end, _ := s["End"].(bool)
		switch s["Type"] {
		case "Choice":
			for _, c := range s["Choices"].([]any) {
				visit(c.(map[string]any)["Next"].(string))
			}
			visit(s["Default"].(string))
		case "Fail", "Succeed":
			if hasNext || end {
				t.Errorf("%s: %s %s has a transition", where, s["Type"], name)
			}
		case "Pass", "Task", "Map", "Parallel", "Wait":
			if hasNext == end {
				t.Errorf("%s: state %s has Next %q and End %v: want exactly one", where, name, next, end)
			}
			if hasNext {
				visit(next)
			}
		default:
			t.Errorf("%s: state %s has Type %v", where, name, s["Type"])
		}
	}
	visit(start)
	for name := range states {
		if !reached[name] {
			t.Errorf("%s: state %s is unreachable", where, name)
		}
	}
	return states
}

// Ensure the definition is a well-formed state machine: Plan → Shards (a
// DISTRIBUTED STANDARD Map over the shard numbers whose ItemProcessor
// invokes the shard function, retrying Lambda throttling) → Merge (the
// merge function, over the prefix the shards write their parts under) →
// Verdict (exit 2 fails the execution); and every ${…} in it is one of
// the template's DefinitionSubstitutions, each used.
func TestDefinitionShape(t *testing.T) {
	var def map[string]any
	raw, _ := json.Marshal(Definition())
	json.Unmarshal(raw, &def)
	states := checkStates(t, "definition", def)
	m := states["Shards"]
	if m["Type"] != "Map" || m["ItemsPath"] != "$.shards" || m["MaxConcurrencyPath"] == nil || m["Next"] != "Merge" {
		t.Errorf("Shards: %v", m)
	}
	proc := m["ItemProcessor"].(map[string]any)
	if cfg := proc["ProcessorConfig"].(map[string]any); cfg["Mode"] != "DISTRIBUTED" || cfg["ExecutionType"] != "STANDARD" {
		t.Errorf("ProcessorConfig %v", cfg)
	}
	inner := checkStates(t, "ItemProcessor", proc)
	task := inner["ReadShard"]
	if task["Resource"] != "arn:aws:states:::lambda:invoke" || task["Parameters"].(map[string]any)["FunctionName"] != "${ShardFunctionArn}" || task["End"] != true {
		t.Errorf("ReadShard: %v", task)
	}
	for _, st := range []map[string]any{task, states["Merge"]} {
		retries, _ := json.Marshal(st["Retry"])
		if !strings.Contains(string(retries), `"Lambda.TooManyRequestsException"`) {
			t.Errorf("%v does not retry Lambda throttling: %s", st["Parameters"], retries)
		}
	}
	if states["Merge"]["Parameters"].(map[string]any)["FunctionName"] != "${MergeFunctionArn}" {
		t.Errorf("Merge: %v", states["Merge"])
	}
	// The shard event is the ItemSelector's, sent as it is; every path it
	// reads is one the Plan state computes (a child execution's input is
	// the ItemSelector's output, nothing else).
	sel := m["ItemSelector"].(map[string]any)
	if sel["shard.$"] != "$$.Map.Item.Value" {
		t.Errorf("ItemSelector %v", sel)
	}
	if p := task["Parameters"].(map[string]any); p["Payload.$"] != "$" || p["Payload"] != nil {
		t.Errorf("the shard task does not send its input as it is: %v", p)
	}
	plan := states["Plan"]["Parameters"].(map[string]any)
	ref := regexp.MustCompile(`(?:^|[^$])\$\.([A-Za-z_]+)`)
	payload := sel
	for _, k := range []string{"source", "shard.$", "of.$", "part.$", "filter.$"} {
		v, _ := payload[k].(string)
		if v == "" {
			t.Errorf("the shard event has no %s: %v", k, payload)
		}
		for _, m := range ref.FindAllStringSubmatch(v, -1) {
			if plan[m[1]+".$"] == nil {
				t.Errorf("the shard event's %s reads $.%s, which the Plan state does not compute", k, m[1])
			}
		}
	}
	part := payload["part.$"].(string)
	parts := states["Merge"]["Parameters"].(map[string]any)["Payload"].(map[string]any)["parts.$"].(string)
	format := regexp.MustCompile(`^States\.Format\('([^']*)'`)
	pp, ps := format.FindStringSubmatch(part), format.FindStringSubmatch(parts)
	if pp == nil || ps == nil || !strings.HasPrefix(pp[1], ps[1]) || !strings.HasSuffix(ps[1], "/") || !strings.HasSuffix(pp[1], ".json.gz") {
		t.Errorf("part %q is not under parts %q", part, parts)
	}
	for _, k := range []string{"of.$", "run.$", "filter.$", "shards.$"} {
		if states["Plan"]["Parameters"].(map[string]any)[k] == nil {
			t.Errorf("Plan does not compute %s", k)
		}
	}
	if c := states["Verdict"]["Choices"].([]any)[0].(map[string]any); c["Variable"] != "$.result.exit_code" || c["NumericEquals"] != 2.0 || states[c["Next"].(string)]["Type"] != "Fail" {
		t.Errorf("Verdict: %v", c)
	}

	var tmpl struct {
		Resources map[string]struct {
			Properties map[string]any
		}
	}
	data, _ := Template()
	if err := json.Unmarshal(data, &tmpl); err != nil {
		t.Fatal(err)
	}
	subs := tmpl.Resources["StateMachine"].Properties["DefinitionSubstitutions"].(map[string]any)
	used := map[string]bool{}
	for _, v := range regexp.MustCompile(`\$\{([A-Za-z]+)\}`).FindAllStringSubmatch(string(raw), -1) {
		used[v[1]] = true
		if subs[v[1]] == nil {
			t.Errorf("${%s} is no substitution", v[1])
		}
	}
	for k := range subs {
		if !used[k] {
			t.Errorf("substitution %s is unused", k)
		}
	}
}

// statements returns a role's policy statements by Sid (conditional ones
// unwrapped, their condition name in "If").
func statements(t *testing.T, role map[string]any) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, p := range role["Policies"].([]any) {
		for _, s := range p.(map[string]any)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			st := s.(map[string]any)
			if f, ok := st["Fn::If"].([]any); ok {
				st = f[1].(map[string]any)
				st["If"] = f[0]
			}
			out[st["Sid"].(string)] = st
		}
	}
	return out
}

// Ensure the roles are scoped: the state machine invokes only the two
// functions and starts only its own executions (by the name the machine
// is given); the shard function reads the archive prefix and writes only
// parts; the merge function reads parts, writes only reports, and imports
// findings only under HasSecurityHub; each function says which handler
// it runs.
func TestTemplateRoles(t *testing.T) {
	var tmpl struct {
		Resources map[string]struct {
			Type       string
			Properties map[string]any
		}
	}
	data, _ := Template()
	if err := json.Unmarshal(data, &tmpl); err != nil {
		t.Fatal(err)
	}
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	sm := statements(t, tmpl.Resources["StateMachineRole"].Properties)
	if got := js(sm["InvokeOwnFunctions"]["Resource"]); got != `[{"Fn::GetAtt":["ShardFunction","Arn"]},{"Fn::GetAtt":["MergeFunction","Arn"]}]` {
		t.Errorf("the state machine may invoke %s", got)
	}
	name := js(tmpl.Resources["StateMachine"].Properties["StateMachineName"])
	machine := strings.TrimSuffix(strings.TrimPrefix(name, `{"Fn::Sub":"`), `"}`)
	if !strings.HasSuffix(js(sm["StartOwnMapRuns"]["Resource"]), ":stateMachine:"+machine+`"}`) ||
		!strings.HasSuffix(js(sm["ManageOwnMapRuns"]["Resource"]), ":execution:"+machine+`/*"}`) {
		t.Errorf("the state machine %s may start %s and manage %s", machine, js(sm["StartOwnMapRuns"]), js(sm["ManageOwnMapRuns"]))
	}
	shard := statements(t, tmpl.Resources["ShardRole"].Properties)
	merge := statements(t, tmpl.Resources["MergeRole"].Properties)
	for sid, want := range map[string]string{
		"ReadArchive": `${ArchiveBucket}/${ArchivePrefix}*`, "WriteParts": `${OutputBucket}/${OutputPrefix}parts/*`,
	} {
		if !strings.Contains(js(shard[sid]["Resource"]), want) {
			t.Errorf("shard %s: %s", sid, js(shard[sid]))
		}
	}
	for sid, want := range map[string]string{
		"ReadParts": `${OutputBucket}/${OutputPrefix}parts/*`, "WriteReports": `${OutputBucket}/${OutputPrefix}reports/*`,
	} {
		if !strings.Contains(js(merge[sid]["Resource"]), want) {
			t.Errorf("merge %s: %s", sid, js(merge[sid]))
		}
	}
	if merge["ImportFindings"]["If"] != "HasSecurityHub" || shard["ImportFindings"] != nil {
		t.Errorf("Security Hub import: merge %v, shard %v", merge["ImportFindings"], shard["ImportFindings"])
	}
	var puts []string
	for role, sts := range map[string]map[string]map[string]any{"shard": shard, "merge": merge, "machine": sm} {
		for sid, st := range sts {
			if strings.Contains(js(st["Action"]), "s3:PutObject") {
				puts = append(puts, role+"."+sid)
			}
			if strings.Contains(js(st["Action"]), "*") || js(st["Resource"]) == `"*"` {
				t.Errorf("%s %s is a wildcard: %s", role, sid, js(st))
			}
		}
	}
	slices.Sort(puts)
	if js(puts) != `["merge.WriteReports","shard.WriteParts"]` {
		t.Errorf("s3:PutObject granted by %v", puts)
	}
	for fn, mode := range map[string]string{"ShardFunction": ModeShard, "MergeFunction": ModeMerge} {
		if got := js(tmpl.Resources[fn].Properties["Environment"]); got != `{"Variables":{"`+ModeVar+`":"`+mode+`"}}` {
			t.Errorf("%s environment %s", fn, got)
		}
	}
}
