package cfn

import (
	"strconv"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/source/tree"
)

const head = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: {Type: String, Default: dev}
  NoDefault: {Type: String}
  Subnets: {Type: CommaDelimitedList, Default: "subnet-a,subnet-b"}
  Count: {Type: Number, Default: 3}
  FromSSM: {Type: "AWS::SSM::Parameter::Value<String>", Default: /emr/release}
Mappings:
  Releases:
    dev: {Label: emr-7.2.0}
    prod: {Label: emr-7.14.0}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsDev, !Equals [a, a]]
  Unknowable: !Equals [!Ref NoDefault, x]
  Loop: !Condition Loop
Resources:
  SecConf:
    Type: AWS::EMR::SecurityConfiguration
    Properties: {Name: !Sub "${Env}-secconf", SecurityConfiguration: {}}
  Generated:
    Type: AWS::EMR::SecurityConfiguration
    Properties: {SecurityConfiguration: {}}
  SelfNamed:
    Type: AWS::IAM::Role
    Properties: {RoleName: !Sub "${SelfNamed}-x", AssumeRolePolicyDocument: {}}
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: x}
  Probe:
    Type: AWS::S3::Bucket
    Properties:
      Value: `

// resolveYAML resolves the YAML expression expr in a template with
// parameters, mappings, conditions and resources to refer to.
func resolveYAML(t *testing.T, expr string, p Params) (*tree.Node, *template) {
	t.Helper()
	docs, err := tree.ParseYAML("t.yaml", []byte(head+expr+"\n"))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	tp := newTemplate("t.yaml", docs[0], p)
	return tp.resolve(tp.resources["Probe"].props.Get("Value")), tp
}

// Ensure every intrinsic, short and long, resolves to what CloudFormation
// would deploy, or to Unknown with a reason that names the cause.
func TestResolve(t *testing.T) {
	given := Params{Values: map[string]string{"NoDefault": "given", "AWS::Region": "eu-west-1"}}
	cases := []struct {
		name, expr string
		p          Params
		want       string // text of a scalar, "[a b]" for lists, "?reason part" for Unknown, "-" for NoValue
	}{
		{"ref default", "!Ref Env", Params{}, "dev"},
		{"ref long form", "{Ref: Env}", Params{}, "dev"},
		{"ref given wins", "!Ref Env", Params{Values: map[string]string{"Env": "prod"}}, "prod"},
		{"ref no default", "!Ref NoDefault", Params{}, "?parameter NoDefault has no default"},
		{"ref no default given", "!Ref NoDefault", given, "given"},
		{"list parameter", "!Ref Subnets", Params{}, "[subnet-a subnet-b]"},
		{"number parameter", "!Ref Count", Params{}, "3"},
		{"ssm parameter", "!Ref FromSSM", Params{}, "?read from SSM Parameter Store (/emr/release)"},
		{"pseudo unknown", "!Ref AWS::Region", Params{}, "?pseudo parameter AWS::Region is known only at deploy time"},
		{"pseudo given", "!Ref AWS::Region", given, "eu-west-1"},
		{"novalue", "!Ref AWS::NoValue", Params{}, "-"},
		{"ref missing", "!Ref Nope", Params{}, "?Ref names Nope, which is neither"},
		{"ref resource name", "!Ref SecConf", Params{}, "dev-secconf"},
		{"ref generated name", "!Ref Generated", Params{}, "?Generated sets no Name"},
		{"ref circular name", "!Ref SelfNamed", Params{}, "?circular reference"},
		{"ref group id", "!Ref Sg", Params{}, "?the ID of Sg (AWS::EC2::SecurityGroup) is known only after deployment"},
		{"getatt short", "!GetAtt Sg.GroupId", Params{}, "?Sg.GroupId is known only after deployment"},
		{"getatt long", `{"Fn::GetAtt": [Sg, GroupId]}`, Params{}, "?Sg.GroupId"},
		{"getatt missing", "!GetAtt Nope.Arn", Params{}, "?Fn::GetAtt names Nope"},
		{"sub string", `!Sub "s3://logs-${Env}/${!Literal}/"`, Params{}, "s3://logs-dev/${Literal}/"},
		{"sub map", `!Sub ["${A}-${Env}", {A: !Ref Count}]`, Params{}, "3-dev"},
		{"sub long form", `{"Fn::Sub": "x-${Env}"}`, Params{}, "x-dev"},
		{"sub unknown var", `!Sub "arn:aws:iam::${AWS::AccountId}:root"`, Params{}, "?pseudo parameter AWS::AccountId"},
		{"sub missing var", `!Sub "${Missing}"`, Params{}, "?Fn::Sub names ${Missing}, which is no parameter"},
		{"sub getatt", `!Sub "${Sg.GroupId}"`, Params{}, "?Sg.GroupId"},
		{"join", `!Join ["/", [a, !Ref Env, !Ref AWS::NoValue, c]]`, Params{}, "a/dev/c"},
		{"join list parameter", `!Join [",", !Ref Subnets]`, Params{}, "subnet-a,subnet-b"},
		{"join unknown", `!Join ["", [a, !Ref NoDefault]]`, Params{}, "?parameter NoDefault"},
		{"select", `!Select [1, !Ref Subnets]`, Params{}, "subnet-b"},
		{"select out of range", `!Select [5, [a]]`, Params{}, "?out of range"},
		{"select azs", `!Select [0, !GetAZs ""]`, Params{}, "?availability zones"},
		{"split", `!Split [",", "a,b,c"]`, Params{}, "[a b c]"},
		{"if false", "!If [IsProd, yes-prod, not-prod]", Params{}, "not-prod"},
		{"if nested conditions", "!If [Both, both, not-both]", Params{}, "both"},
		{"if unknown", "!If [Unknowable, a, b]", Params{}, "?condition Unknowable is unknown: parameter NoDefault"},
		{"if unknown same value", "!If [Unknowable, same, same]", Params{}, "same"},
		{"if novalue", "!If [IsProd, x, !Ref AWS::NoValue]", Params{}, "-"},
		{"if circular condition", "!If [Loop, a, b]", Params{}, "?circular condition"},
		{"findinmap", "!FindInMap [Releases, !Ref Env, Label]", Params{}, "emr-7.2.0"},
		{"findinmap long", `{"Fn::FindInMap": [Releases, prod, Label]}`, Params{}, "emr-7.14.0"},
		{"findinmap missing", "!FindInMap [Releases, qa, Label]", Params{}, "?Mappings has no Releases → qa → Label"},
		{"base64", "!Base64 hi", Params{}, "aGk="},
		{"importvalue", "!ImportValue shared-vpc", Params{}, "?imported from another stack (shared-vpc)"},
		{"equals as value", "!Equals [!Ref Env, dev]", Params{}, "true"},
		{"unknown tag", "!Frobnicate x", Params{}, "?unknown intrinsic function Fn::Frobnicate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _ := resolveYAML(t, c.expr, c.p)
			if s := show(got); !matches(s, c.want) {
				t.Errorf("%s = %q, want %q", c.expr, s, c.want)
			}
		})
	}
}

func show(n *tree.Node) string {
	switch {
	case n == noValue:
		return "-"
	case n.Kind == tree.Unknown:
		return "?" + n.Text
	case n.Kind == tree.Array:
		var parts []string
		for _, it := range n.Items {
			parts = append(parts, show(it))
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	return n.Text
}

func matches(got, want string) bool {
	if strings.HasPrefix(want, "?") {
		return strings.HasPrefix(got, "?") && strings.Contains(got, want[1:])
	}
	return got == want
}

// Ensure a name first resolved while placeholders are on is memoized as
// the real (unknown) name, not as placeholder text.
func TestPlaceholdersDoNotLeak(t *testing.T) {
	docs, err := tree.ParseYAML("p.yaml", []byte("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: !Sub '${AWS::StackName}-logs'}\n"))
	if err != nil {
		t.Fatal(err)
	}
	tp := newTemplate("p.yaml", docs[0], Params{})
	ref := &tree.Node{Kind: tree.String, Text: "B", Tag: "!Ref"}
	if v := tp.resolvePlaceholders(ref, anyRef); v.Text != "${B}" {
		t.Errorf("with placeholders: %q, want ${B}", v.Text)
	}
	if v := tp.resolve(ref); v.Kind != tree.Unknown || !strings.Contains(v.Text, "AWS::StackName") {
		t.Errorf("after placeholders: %s %q, want unknown naming AWS::StackName", v.Kind, v.Text)
	}
}

// Ensure AWS::NoValue removes the property or list item it stands for.
func TestNoValueDropsMembers(t *testing.T) {
	got, _ := resolveYAML(t, "{A: !Ref AWS::NoValue, B: [x, !Ref AWS::NoValue, y], C: !If [IsProd, z, !Ref AWS::NoValue]}", Params{})
	if got.Get("A") != nil || got.Get("C") != nil {
		t.Errorf("A or C kept: %+v", got.Fields)
	}
	if b := got.Get("B"); show(b) != "[x y]" {
		t.Errorf("B = %s, want [x y]", show(b))
	}
}

// Ensure errors in the template are reported once, at the line of the
// faulty intrinsic, and resolution goes on.
func TestResolveErrorsNameTheLine(t *testing.T) {
	_, tp := resolveYAML(t, `!Join ["", [!Ref Nope, !Sub "${AlsoMissing}"]]`, Params{})
	if len(tp.diags) == 0 {
		t.Fatal("no diagnostic for Ref Nope")
	}
	d := tp.diags[0]
	if d.At.File != "t.yaml" || d.At.Line != strings.Count(head, "\n")+1 || !strings.Contains(d.Msg, "Nope") {
		t.Errorf("diagnostic %v, want t.yaml line %d naming Nope", d, strings.Count(head, "\n")+1)
	}
}

// Ensure a pathological template stops at the step budget instead of
// running away: each condition doubles the work without memoization.
func TestResolveBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString("Conditions:\n  C0: !Equals [a, a]\n")
	for i := 1; i < 60; i++ {
		b.WriteString("  C" + strconv.Itoa(i) + ": !And [!Condition C" + strconv.Itoa(i-1) + ", !Condition C" + strconv.Itoa(i-1) + "]\n")
	}
	b.WriteString("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !If [C59, a, b]\n")
	docs, err := tree.ParseYAML("b.yaml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	ev, _ := Load("b.yaml", docs)
	if len(ev.Buckets) != 1 || ev.Buckets[0].Name.Val != "a" {
		t.Errorf("bucket = %+v, want name a (conditions are memoized)", ev.Buckets[0].Name)
	}
}
