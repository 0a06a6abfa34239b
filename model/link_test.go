package model

import (
	"fmt"
	"strings"
	"testing"
)

func at(file string, line int) Loc { return Loc{File: file, Line: line} }

// role returns a role of scope (a template or root) declared in file,
// with all its policies known.
func role(id, name, scope, file string) *Role {
	r := &Role{Ref: Ref{ID: id, Loc: at(file, 1)}, Scope: scope, PoliciesComplete: Known(true, at(file, 1))}
	if name != "" {
		r.Name = Known(name, at(file, 2))
	}
	return r
}

func policy(id, scope, file string) *Policy {
	return &Policy{Ref: Ref{ID: id, Loc: at(file, 5)}, Scope: scope, Document: &PolicyDocument{At: at(file, 6)}}
}

// attach is an attachment of p to the role named name, declared in file.
func attach(scope string, p *Policy, name, file string) PolicyAttachment {
	return PolicyAttachment{Scope: scope, Policy: p, Role: Known(name, at(file, 9)), Says: "policy " + p.Ref.ID + " is attached to a role"}
}

func ids(ps []*Policy) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Ref.ID)
	}
	return strings.Join(out, ",")
}

// Ensure an attachment with a scope finds its role there only, by
// resource ID before name, and that an unknown role or two roles of one
// name leave the roles of that scope, and only those, incomplete.
func TestLinkScoped(t *testing.T) {
	cases := []struct {
		name  string
		roles []*Role
		fact  func(p *Policy) PolicyAttachment
		// policies of each role after Link, and a piece of each one's
		// reason ("" when complete)
		policies []string
		why      []string
	}{
		{"by ID", []*Role{role("R", "", "a.yaml", "a.yaml")},
			func(p *Policy) PolicyAttachment { return attach("a.yaml", p, "R", "a.yaml") }, []string{"P"}, []string{""}},
		{"by name", []*Role{role("R", "etl", "a.yaml", "a.yaml")},
			func(p *Policy) PolicyAttachment { return attach("a.yaml", p, "etl", "a.yaml") }, []string{"P"}, []string{""}},
		{"ID before name", []*Role{role("R", "S", "a.yaml", "a.yaml"), role("S", "", "a.yaml", "a.yaml")},
			func(p *Policy) PolicyAttachment { return attach("a.yaml", p, "S", "a.yaml") }, []string{"", "P"}, []string{"", ""}},
		{"other scope only", []*Role{role("R", "", "b.yaml", "b.yaml")},
			func(p *Policy) PolicyAttachment { return attach("a.yaml", p, "R", "a.yaml") }, []string{""}, []string{""}},
		{"same file, other scope", []*Role{role("R", "", "root1", "mod/main.tf"), role("R", "", "root2", "mod/main.tf")},
			func(p *Policy) PolicyAttachment { return attach("root2", p, "R", "mod/main.tf") }, []string{"", "P"}, []string{"", ""}},
		{"ambiguous", []*Role{role("R1", "etl", "a.yaml", "a.yaml"), role("R2", "etl", "a.yaml", "a.yaml"), role("R3", "", "a.yaml", "a.yaml")},
			func(p *Policy) PolicyAttachment { return attach("a.yaml", p, "etl", "a.yaml") }, []string{"", "", ""},
			[]string{`policy P is attached to role "etl", a name 2 roles have`, `"etl", a name 2 roles have`, ""}},
		{"unknown role", []*Role{role("R1", "", "a.yaml", "a.yaml"), role("R2", "", "a.yaml", "a.yaml"), role("R3", "", "b.yaml", "b.yaml")},
			func(p *Policy) PolicyAttachment {
				return PolicyAttachment{Scope: "a.yaml", Policy: p, Role: Unresolved[string]("parameter RoleName has no default", at("a.yaml", 9)),
					Says: "policy P is attached to a role"}
			}, []string{"", "", ""},
			[]string{"policy P is attached to a role that cannot be resolved: parameter RoleName has no default", "cannot be resolved", ""}},
	}
	// Each case runs as written, and with its scopes padded past
	// smallScope, where roles and policies are found through an index.
	for _, pad := range []int{0, smallScope + 1} {
		for _, tc := range cases {
			p := policy("P", "a.yaml", "a.yaml")
			var roles []*Role
			for _, r := range tc.roles {
				cp := *r
				roles = append(roles, &cp)
			}
			ev := &Evidence{Roles: roles, Policies: []*Policy{p}, PolicyAttachments: []PolicyAttachment{tc.fact(p)}}
			for i := range pad {
				for _, scope := range []string{"a.yaml", "b.yaml", "root1", "root2"} {
					ev.Roles = append(ev.Roles, role(fmt.Sprintf("F%d", i), fmt.Sprintf("filler-%d", i), scope, scope))
					ev.Policies = append([]*Policy{policy("P", scope, scope)}, ev.Policies...) // earlier: P of a.yaml is the last
				}
			}
			ev.Link()
			for i, r := range roles {
				if got := ids(r.Policies); got != tc.policies[i] {
					t.Errorf("%s, pad %d: role %d has policies %q, want %q", tc.name, pad, i, got, tc.policies[i])
				}
				if tc.policies[i] != "" && r.Policies[0] != p {
					t.Errorf("%s, pad %d: role %d has another policy P", tc.name, pad, i)
				}
				switch {
				case tc.why[i] == "" && !r.PoliciesComplete.IsSet():
					t.Errorf("%s, pad %d: role %d incomplete: %s", tc.name, pad, i, r.PoliciesComplete.Why)
				case tc.why[i] != "" && !strings.Contains(r.PoliciesComplete.Why, tc.why[i]):
					t.Errorf("%s, pad %d: role %d reason %q lacks %q", tc.name, pad, i, r.PoliciesComplete.Why, tc.why[i])
				}
			}
		}
	}
}

// Ensure an attachment without a scope (CLI output) takes the nearest
// role: same file, then same folder, then anywhere, and that two at the
// nearest level are ambiguous.
func TestLinkNearest(t *testing.T) {
	cases := []struct {
		name  string
		files []string // of the roles, all named "etl"
		from  string
		want  string // file of the role that gets the policy, or "" when ambiguous
	}{
		{"same file", []string{"x/a.json", "x/b.json", "y/c.json"}, "x/a.json", "x/a.json"},
		{"same folder", []string{"x/a.json", "y/c.json"}, "x/p.json", "x/a.json"},
		{"anywhere", []string{"y/c.json"}, "x/p.json", "y/c.json"},
		{"ambiguous", []string{"x/a.json", "x/b.json"}, "x/p.json", ""},
	}
	for _, tc := range cases {
		var roles []*Role
		for _, f := range tc.files {
			roles = append(roles, role("etl", "etl", "", f))
		}
		p := policy("P", "", tc.from)
		ev := &Evidence{Roles: roles, PolicyAttachments: []PolicyAttachment{attach("", p, "etl", tc.from)}}
		ev.Link()
		for _, r := range roles {
			got := ids(r.Policies) == "P"
			if want := r.Ref.Loc.File == tc.want; got != want {
				t.Errorf("%s: role in %s has the policy: %v, want %v", tc.name, r.Ref.Loc.File, got, want)
			}
			ambiguous := tc.want == "" && strings.HasPrefix(r.Ref.Loc.File, "x/")
			if ambiguous != r.PoliciesComplete.IsUnknown() {
				t.Errorf("%s: role in %s incomplete %v, want %v (%s)", tc.name, r.Ref.Loc.File, r.PoliciesComplete.IsUnknown(), ambiguous, r.PoliciesComplete.Why)
			}
		}
	}
}

// Ensure a managed policy a role lists by reference is replaced in place
// by its declaration in the role's scope, and that one not declared there
// leaves the role incomplete; an attachment's PolicyID takes the
// declaration over the stand-in, which records where it is attached.
func TestLinkDeclarations(t *testing.T) {
	for _, pad := range []int{0, smallScope + 1} {
		t.Run(fmt.Sprint("pad ", pad), func(t *testing.T) { testLinkDeclarations(t, pad) })
	}
}

func testLinkDeclarations(t *testing.T, pad int) {
	r := role("R", "", "root", "main.tf")
	inline := policy("R/inline", "", "main.tf")
	stubP := &Policy{Ref: Ref{Kind: "aws_iam_policy", ID: "aws_iam_policy.p", Loc: at("main.tf", 3)}}
	stubGone := &Policy{Ref: Ref{Kind: "aws_iam_policy", ID: "aws_sns_topic.t", Loc: at("main.tf", 4)}}
	r.Policies = []*Policy{stubP, inline, stubGone}
	decl := policy("aws_iam_policy.p", "root", "main.tf")
	elsewhere := policy("aws_sns_topic.t", "other", "other/main.tf") // another root's: not this one's
	r2 := role("R2", "", "root", "main.tf")
	decl2 := policy("aws_iam_policy.q", "root", "main.tf")
	standIn := &Policy{Ref: Ref{ID: "aws_iam_policy.q"}}
	ev := &Evidence{Roles: []*Role{r, r2}, Policies: []*Policy{decl, elsewhere, decl2},
		PolicyRefs:        []PolicyRef{{Scope: "root", Role: r, Stub: stubP, In: "configuration"}, {Scope: "root", Role: r, Stub: stubGone, In: "configuration"}},
		PolicyAttachments: []PolicyAttachment{{Scope: "root", Policy: standIn, PolicyID: "aws_iam_policy.q", Role: Known("R2", at("main.tf", 20)), Says: "x"}}}
	for i := range pad { // past smallScope, the scope's policies are indexed
		ev.Policies = append(ev.Policies, policy(fmt.Sprintf("aws_iam_policy.f%d", i), "root", "main.tf"))
	}
	ev.Link()
	if r.Policies[0] != decl || r.Policies[1] != inline || r.Policies[2] != stubGone {
		t.Errorf("policies %s, want the declaration in the stub's place, the inline one, the stub not declared", ids(r.Policies))
	}
	if want := "managed policy aws_sns_topic.t is not an aws_iam_policy of the configuration"; r.PoliciesComplete.Why != want || r.PoliciesComplete.At != stubGone.Ref.Loc {
		t.Errorf("completeness %+v, want %q at the stub", r.PoliciesComplete, want)
	}
	if len(r2.Policies) != 1 || r2.Policies[0] != decl2 {
		t.Errorf("R2 policies %s, want the declaration", ids(r2.Policies))
	}
	if len(decl2.Attached) != 1 || decl2.Attached[0].Val != "R2" || len(standIn.Attached) != 0 {
		t.Errorf("attached: declaration %v, stand-in %v", decl2.Attached, standIn.Attached)
	}
}

// Ensure the last reason found for a role is the one it keeps, facts
// read in order, and that evidence without facts is left alone.
func TestLinkOrder(t *testing.T) {
	r := role("R", "", "s", "t.yaml")
	r.PoliciesComplete = Unresolved[bool]("Policies is unknown", at("t.yaml", 3))
	unknown := func(why string) PolicyAttachment {
		return PolicyAttachment{Scope: "s", Policy: policy("P", "s", "t.yaml"), Role: Unresolved[string](why, at("t.yaml", 7)), Says: "p"}
	}
	ev := &Evidence{Roles: []*Role{r}, PolicyAttachments: []PolicyAttachment{unknown("first"), unknown("second")}}
	ev.Link()
	if want := "p that cannot be resolved: second"; r.PoliciesComplete.Why != want {
		t.Errorf("reason %q, want %q", r.PoliciesComplete.Why, want)
	}
	alone := role("A", "", "s", "t.yaml")
	alone.PoliciesComplete = Unresolved[bool]("Policies is unknown", at("t.yaml", 3))
	(&Evidence{Roles: []*Role{alone}}).Link()
	if alone.PoliciesComplete.Why != "Policies is unknown" {
		t.Errorf("without facts the role changed: %+v", alone.PoliciesComplete)
	}
}

// Ensure linking twice, or linking a merged copy of linked evidence,
// adds no policy and no Attached entry twice and gives the same reasons.
func TestLinkIdempotent(t *testing.T) {
	build := func() (*Evidence, *Role, *Role, *Policy) {
		r := role("R", "", "s", "t.yaml")
		other := role("O", "", "s", "t.yaml")
		p := policy("P", "s", "t.yaml")
		stub := &Policy{Ref: Ref{Kind: "AWS::IAM::ManagedPolicy", ID: "P", Loc: at("t.yaml", 4)}}
		other.Policies = []*Policy{stub}
		ev := &Evidence{Roles: []*Role{r, other}, Policies: []*Policy{p},
			PolicyRefs:        []PolicyRef{{Scope: "s", Role: other, Stub: stub, In: "template"}},
			PolicyAttachments: []PolicyAttachment{attach("s", p, "R", "t.yaml"), attach("s", p, "nobody", "t.yaml")}}
		return ev, r, other, p
	}
	ev, r, other, p := build()
	ev.Link()
	want := [3]string{ids(r.Policies), ids(other.Policies), r.PoliciesComplete.Why}
	if want[0] != "P" || want[1] != "P" || len(p.Attached) != 2 {
		t.Fatalf("first link: %v, attached %v", want, p.Attached)
	}
	ev.Link()
	again := &Evidence{}
	again.Merge(ev)
	again.Link()
	if got := [3]string{ids(r.Policies), ids(other.Policies), r.PoliciesComplete.Why}; got != want || len(p.Attached) != 2 {
		t.Errorf("after linking again: %v, attached %v; want %v", got, p.Attached, want)
	}
}

// Ensure an attachment without a scope whose role is unknown leaves the
// roles of its folder incomplete, and no other.
func TestLinkNearestUnknown(t *testing.T) {
	near, far := role("a", "", "", "x/a.json"), role("b", "", "", "y/b.json")
	ev := &Evidence{Roles: []*Role{near, far}, PolicyAttachments: []PolicyAttachment{{Policy: policy("P", "", "x/p.json"),
		Role: Unresolved[string]("RoleName is not a string", at("x/p.json", 3)), Says: "policy P is attached to a role"}}}
	ev.Link()
	if want := "policy P is attached to a role that cannot be resolved: RoleName is not a string"; near.PoliciesComplete.Why != want {
		t.Errorf("role of the folder: %+v, want unknown: %s", near.PoliciesComplete, want)
	}
	if !far.PoliciesComplete.IsSet() {
		t.Errorf("role of another folder incomplete: %s", far.PoliciesComplete.Why)
	}
}
