package terraform

import (
	"slices"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/source/tree"
)

// Ensure a plan's ids known only after apply link to what the
// configuration references: a list element by element when the
// references name as many resources as the list has elements (in the
// order written), the list unknown otherwise; in a module instance
// (module.m["a"]) with that instance's path; a whole block list marked
// unknown leaves the group's ingress incomplete, saying why.
func TestPlanLinksByReferences(t *testing.T) {
	plan := `{"format_version": "1.2",
 "planned_values": {"root_module": {"resources": [
  {"address": "aws_vpc_endpoint.two", "mode": "managed", "type": "aws_vpc_endpoint", "name": "two",
   "values": {"service_name": "com.amazonaws.us-east-1.s3", "route_table_ids": [null, null]}},
  {"address": "aws_vpc_endpoint.mixed", "mode": "managed", "type": "aws_vpc_endpoint", "name": "mixed",
   "values": {"service_name": "com.amazonaws.us-east-1.s3", "route_table_ids": [null, null]}},
  {"address": "aws_security_group.g", "mode": "managed", "type": "aws_security_group", "name": "g",
   "values": {"name": "g"}}],
  "child_modules": [{"address": "module.m[\"a\"]", "resources": [
  {"address": "module.m[\"a\"].aws_emr_cluster.c", "mode": "managed", "type": "aws_emr_cluster", "name": "c",
   "values": {"name": "c", "ec2_attributes": [{"subnet_id": null}]}}]}]}},
 "resource_changes": [
  {"address": "aws_vpc_endpoint.two", "change": {"after_unknown": {"route_table_ids": [true, true]}}},
  {"address": "aws_vpc_endpoint.mixed", "change": {"after_unknown": {"route_table_ids": [true, true]}}},
  {"address": "aws_security_group.g", "change": {"after_unknown": {"ingress": true}}},
  {"address": "module.m[\"a\"].aws_emr_cluster.c", "change": {"after_unknown": {"ec2_attributes": [{"subnet_id": true}]}}}],
 "configuration": {"root_module": {"resources": [
  {"address": "aws_vpc_endpoint.two", "expressions": {"route_table_ids": {"references":
    ["aws_route_table.a.id", "aws_route_table.a", "aws_route_table.b.id", "aws_route_table.b"]}}},
  {"address": "aws_vpc_endpoint.mixed", "expressions": {"route_table_ids": {"references":
    ["aws_route_table.a.id", "aws_route_table.a", "var.more"]}}}],
  "module_calls": {"m": {"module": {"resources": [
   {"address": "aws_emr_cluster.c", "expressions": {"ec2_attributes": [{"subnet_id": {"references": ["aws_subnet.s.id", "aws_subnet.s"]}}]}}]}}}}}}`
	root, err := tree.ParseJSON("plan.json", []byte(plan))
	if err != nil {
		t.Fatal(err)
	}
	ev, diags := LoadPlan("plan.json", root)
	for _, d := range diags.Errors() {
		t.Errorf("unexpected diagnostic %v", d)
	}
	if len(ev.VPCEndpoints) != 2 {
		t.Fatalf("%d endpoints, want 2", len(ev.VPCEndpoints))
	}
	if got := ev.VPCEndpoints[0].RouteTables; !got.IsSet() || !slices.Equal(got.Val, []string{"aws_route_table.a", "aws_route_table.b"}) {
		t.Errorf("route tables %+v, want aws_route_table.a and .b in order", got)
	}
	if got := ev.VPCEndpoints[1].RouteTables; !got.IsUnknown() || !strings.Contains(got.Why, "known only after apply") {
		t.Errorf("route tables %+v, want unknown (two elements, one resource referenced)", got)
	}
	if len(ev.Clusters) != 1 {
		t.Fatalf("%d clusters, want 1", len(ev.Clusters))
	}
	if got := ev.Clusters[0].SubnetIDs; !got.IsSet() || !slices.Equal(got.Val, []string{`module.m["a"].aws_subnet.s`}) {
		t.Errorf("subnets %+v, want the module instance's aws_subnet.s", got)
	}
	if g := ev.SecurityGroups[0]; !g.IngressComplete.IsUnknown() || !strings.Contains(g.IngressComplete.Why, "aws_security_group.g.ingress is known only after apply") {
		t.Errorf("ingress complete %+v, want unknown naming the ingress known after apply", g.IngressComplete)
	}
}

// Ensure a plan resource whose values are not an object is an input error
// and gives no result, rather than being read as a resource that sets
// nothing (which would fail EMR101 and pass EMR204 on no data).
func TestPlanValuesNotObject(t *testing.T) {
	src := []byte(`{"format_version":"1.2","planned_values":{"root_module":{"resources":[
{"address":"aws_emr_cluster.c","type":"aws_emr_cluster","mode":"managed","values":"oops"},
{"address":"aws_emr_cluster.d","type":"aws_emr_cluster","mode":"managed"}]}}}`)
	root, err := tree.ParseJSON("plan.json", src)
	if err != nil {
		t.Fatal(err)
	}
	ev, diags := LoadPlan("plan.json", root)
	if n := len(diags.Errors()); n != 2 || !strings.Contains(diags.Errors()[0].Msg, "aws_emr_cluster.c has no values object") {
		t.Errorf("diagnostics %v, want one per resource naming it", diags)
	}
	if len(ev.Clusters) != 0 {
		t.Errorf("%d clusters read from values that are not there", len(ev.Clusters))
	}
}
