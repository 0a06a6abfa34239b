package cfn_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/emrguard/emrguard/source/cfn"
)

// Ensure a template whose conditions hang on parameters without a value
// is read again once per combination of the unknown conditions that are
// unknown of themselves (not through another condition), each world with
// the resources its Conditions create; a known condition gives none; and
// over the bound of 3 there are no worlds.
func TestConditionWorlds(t *testing.T) {
	const head = `
Parameters:
  A: {Type: String}
  B: {Type: String}
  C: {Type: String}
  D: {Type: String}
  Known: {Type: String, Default: "yes"}
Conditions:
  IsA: !Equals [!Ref A, "yes"]
  IsB: !Equals [!Ref B, "yes"]
  IsC: !Equals [!Ref C, "yes"]
  IsD: !Equals [!Ref D, "yes"]
  IsKnown: !Equals [!Ref Known, "yes"]
  AandB: !And [!Condition IsA, !Condition IsB]
  Four: !And [!Condition IsA, !Condition IsB, !Condition IsC, !Condition IsD]
Resources:
  Group:
    Type: AWS::EC2::SecurityGroup
    Condition: %s
    Properties: {GroupDescription: g}
`
	cases := []struct {
		cond     string
		unknowns []string
		groups   []int // per world
	}{
		{"IsA", []string{"condition IsA"}, []int{1, 0}},
		{"AandB", []string{"condition IsA", "condition IsB"}, []int{1, 0, 0, 0}},
		{"IsKnown", nil, nil},
		{"Four", []string{"condition IsA", "condition IsB", "condition IsC", "condition IsD"}, nil},
	}
	for _, c := range cases {
		t.Run(c.cond, func(t *testing.T) {
			ev := load(t, "t.yaml", fmt.Sprintf(head, c.cond), cfn.Params{})
			if len(ev.SecurityGroups) != 1 {
				t.Errorf("first reading: %d groups, want 1", len(ev.SecurityGroups))
			}
			if c.unknowns == nil {
				if len(ev.Alternatives) != 0 {
					t.Fatalf("alternatives %v, want none", ev.Alternatives[0].Unknowns)
				}
				return
			}
			if len(ev.Alternatives) != 1 {
				t.Fatalf("%d alternatives, want 1", len(ev.Alternatives))
			}
			a := ev.Alternatives[0]
			if !slices.Equal(a.Unknowns, c.unknowns) || a.Base == nil || a.Bound != 3 {
				t.Errorf("unknowns %v (bound %d), want %v", a.Unknowns, a.Bound, c.unknowns)
			}
			var groups []int
			for _, w := range a.Worlds {
				groups = append(groups, len(w.Evidence.SecurityGroups))
			}
			if !slices.Equal(groups, c.groups) {
				t.Errorf("groups per world %v, want %v", groups, c.groups)
			}
		})
	}
}
