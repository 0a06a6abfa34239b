package cfn_test

import (
	"os"
	"testing"

	"github.com/emrguard/emrguard/source/cfn"
	"github.com/emrguard/emrguard/source/tree"
)

// FuzzTemplateYAML feeds arbitrary YAML through the parser, the intrinsic
// resolver and the resource readers: any input must give evidence or
// diagnostics, never a panic or a hang.
func FuzzTemplateYAML(f *testing.F) {
	seed, err := os.ReadFile("testdata/bench-stack.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(stackYAML))
	f.Add([]byte("Resources:\n  A: {Type: AWS::IAM::Role, Properties: {RoleName: !Sub '${A}'}}\n"))
	f.Add([]byte("Conditions: {C: !Condition C}\nResources: {B: {Type: AWS::S3::Bucket, Condition: C, Properties: {BucketName: !If [C, !Select [0, !Split [',', !Join [',', [a]]]], !FindInMap [M, a, b]]}}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := tree.ParseYAML("f.yaml", data)
		if err != nil || len(docs) == 0 {
			return
		}
		ev, _ := cfn.Read("f.yaml", docs, cfn.Params{Values: map[string]string{"AWS::Region": "eu-west-1"}}, nil)
		ev.Link() // what the template's IAM resources say of each other
	})
}

// FuzzTemplateJSON does the same for JSON templates with the long forms.
func FuzzTemplateJSON(f *testing.F) {
	seed, err := os.ReadFile("testdata/bench-stack.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`{"Resources": {"S": {"Type": "AWS::EMR::SecurityConfiguration", "Properties": {"SecurityConfiguration": {"Fn::Sub": ["{\"a\": ${X}}", {"X": {"Ref": "AWS::NoValue"}}]}}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := tree.ParseJSON("f.json", data)
		if err != nil {
			return
		}
		ev, _ := cfn.Load("f.json", []*tree.Node{n})
		ev.Link()
	})
}
