package model

import (
	"strings"
	"testing"
)

func sc(name, file string) *SecurityConfiguration {
	return &SecurityConfiguration{Ref: Ref{ID: name, Loc: Loc{File: file, Line: 1}}, Name: Known(name, Loc{File: file, Line: 1})}
}

func cluster(scName, file string) *Cluster {
	c := &Cluster{Ref: Ref{ID: "c", Loc: Loc{File: file, Line: 1}}}
	if scName != "" {
		c.SecurityConfiguration = Known(scName, Loc{File: file, Line: 2})
	}
	return c
}

// Ensure a cluster finds its configuration by name, nearest first, and that
// a name not found, ambiguous or unknown is LinkUnknown with the reason.
func TestSecurityConfigurationOf(t *testing.T) {
	ev := &Evidence{SecurityConfigurations: []*SecurityConfiguration{
		sc("hardened", "stacks/a/sc.json"), sc("hardened", "stacks/b/sc.json"), sc("solo", "other/solo.json"),
		sc("twin", "x/1.json"), sc("twin", "y/2.json"),
	}}
	cases := []struct {
		c     *Cluster
		state Linkage
		want  string // file of the configuration, or a piece of the reason
	}{
		{cluster("hardened", "stacks/b/cluster.json"), LinkFound, "stacks/b/sc.json"},
		{cluster("solo", "stacks/b/cluster.json"), LinkFound, "other/solo.json"},
		{cluster("missing", "stacks/b/cluster.json"), LinkUnknown, `"missing" not found in the scanned inputs`},
		{cluster("twin", "z/cluster.json"), LinkUnknown, "2 security configurations named \"twin\""},
		{cluster("", "z/cluster.json"), LinkNone, ""},
		{&Cluster{SecurityConfiguration: Unresolved[string]("parameter ScName has no default", Loc{})}, LinkUnknown, "parameter ScName has no default"},
	}
	for i, tc := range cases {
		l := ev.SecurityConfigurationOf(tc.c)
		if l.State != tc.state {
			t.Errorf("case %d: state %v, want %v (%s)", i, l.State, tc.state, l.Why)
			continue
		}
		switch l.State {
		case LinkFound:
			if l.SC.Ref.Loc.File != tc.want {
				t.Errorf("case %d: found %s, want %s", i, l.SC.Ref.Loc.File, tc.want)
			}
		case LinkUnknown:
			if !strings.Contains(l.Why, tc.want) {
				t.Errorf("case %d: why %q lacks %q", i, l.Why, tc.want)
			}
		}
	}
}

// Ensure a resource link wins over the name, and account and region keep
// a live cluster from using another account's configuration.
func TestSecurityConfigurationOfScope(t *testing.T) {
	byID := sc("generated-name", "t.yaml")
	byID.Ref.ID = "SecConf"
	other := sc("shared", "acct2.json")
	other.Ref.Account = "222222222222"
	ev := &Evidence{SecurityConfigurations: []*SecurityConfiguration{byID, other}}
	c := cluster("", "t.yaml")
	c.SecurityConfigurationID = "SecConf"
	if l := ev.SecurityConfigurationOf(c); l.State != LinkFound || l.SC != byID {
		t.Errorf("by resource ID: %+v", l)
	}
	live := cluster("shared", "")
	live.Ref.Account = "111111111111"
	if l := ev.SecurityConfigurationOf(live); l.State != LinkUnknown {
		t.Errorf("other account's configuration used: %+v", l)
	}
}

// Ensure security groups are found by AWS ID or resource ID, nearest first.
func TestSecurityGroupLookup(t *testing.T) {
	g1 := &SecurityGroup{Ref: Ref{ID: "MasterSG", Loc: Loc{File: "a/t.yaml"}}}
	g2 := &SecurityGroup{Ref: Ref{ID: "MasterSG", Loc: Loc{File: "b/t.yaml"}}}
	g3 := &SecurityGroup{Ref: Ref{ID: "sg-1"}, GroupID: Known("sg-1", Loc{})}
	ev := &Evidence{SecurityGroups: []*SecurityGroup{g1, g2, g3}}
	if got := ev.SecurityGroup("MasterSG", Loc{File: "b/t.yaml"}); got != g2 {
		t.Errorf("nearest: got %+v", got)
	}
	if got := ev.SecurityGroup("sg-1", Loc{File: "b/t.yaml"}); got != g3 {
		t.Errorf("by AWS ID: got %+v", got)
	}
	if got := ev.SecurityGroup("sg-2", Loc{}); got != nil {
		t.Errorf("missing: got %+v", got)
	}
}

// Ensure Rule.Covers reads protocols and port ranges as EC2 does.
func TestRuleCovers(t *testing.T) {
	tcp := func(from, to int) Rule {
		return Rule{Protocol: Known("tcp", Loc{}), FromPort: Known(from, Loc{}), ToPort: Known(to, Loc{})}
	}
	cases := []struct {
		r    Rule
		port int
		want bool
	}{
		{tcp(22, 22), 22, true}, {tcp(0, 1024), 22, true}, {tcp(8443, 8443), 22, false},
		{Rule{Protocol: Known("-1", Loc{})}, 22, true}, {Rule{Protocol: Known("udp", Loc{}), FromPort: Known(22, Loc{}), ToPort: Known(22, Loc{})}, 22, false},
		{Rule{Protocol: Known("6", Loc{}), FromPort: Known(22, Loc{}), ToPort: Known(22, Loc{})}, 22, true},
	}
	for i, tc := range cases {
		if got, ok := tc.r.Covers(tc.port); !ok || got != tc.want {
			t.Errorf("case %d: covers %v ok %v, want %v", i, got, ok, tc.want)
		}
	}
	if _, ok := (Rule{Protocol: Known("tcp", Loc{}), FromPort: Unresolved[int]("var.port", Loc{})}).Covers(22); ok {
		t.Error("unknown port must not be judged")
	}
}

// Ensure a live cluster links only to the live configuration of its own
// account and region, never to a file's or another account's of the same
// name, and that a cluster from a file prefers the files' configuration.
func TestSecurityConfigurationOfLive(t *testing.T) {
	live := func(acct, region string) *SecurityConfiguration {
		return &SecurityConfiguration{Ref: Ref{ID: "hardened", Account: acct, Region: region, Origin: FromLive}, Name: Known("hardened", Loc{})}
	}
	a, b, file := live("111111111111", "eu-west-1"), live("222222222222", "eu-west-1"), sc("hardened", "sc/hardened.json")
	ev := &Evidence{SecurityConfigurations: []*SecurityConfiguration{file, a, b}}
	for _, tc := range []struct {
		c    *Cluster
		want *SecurityConfiguration
	}{
		{&Cluster{Ref: Ref{ID: "j-1", Account: "111111111111", Region: "eu-west-1", Origin: FromLive}, SecurityConfiguration: Known("hardened", Loc{})}, a},
		{&Cluster{Ref: Ref{ID: "j-2", Account: "222222222222", Region: "eu-west-1", Origin: FromLive}, SecurityConfiguration: Known("hardened", Loc{})}, b},
		{&Cluster{Ref: Ref{ID: "j-3", Account: "111111111111", Region: "us-east-1", Origin: FromLive}, SecurityConfiguration: Known("hardened", Loc{})}, nil},
		{cluster("hardened", "requests/r.json"), file},
	} {
		l := ev.SecurityConfigurationOf(tc.c)
		if l.SC != tc.want || (tc.want == nil && l.State != LinkUnknown) {
			t.Errorf("%s: link %+v, want %v", tc.c.Ref.ID, l, tc.want)
		}
	}
	// Without a file's configuration, a file's cluster may link to a live one.
	ev = &Evidence{SecurityConfigurations: []*SecurityConfiguration{a}}
	if l := ev.SecurityConfigurationOf(cluster("hardened", "requests/r.json")); l.SC != a {
		t.Errorf("file cluster, live configuration only: %+v", l)
	}
}

// Ensure Who names an assumed role's issuing role and session, and any
// other principal as CloudTrail records it.
func TestEventWho(t *testing.T) {
	for _, c := range []struct{ principal, issuer, want string }{
		{"arn:aws:sts::111122223333:assumed-role/etl/jdoe", "arn:aws:iam::111122223333:role/team/etl", "arn:aws:iam::111122223333:role/team/etl (session jdoe)"},
		{"AROAEXAMPLE:jdoe", "arn:aws:iam::111122223333:role/etl", "arn:aws:iam::111122223333:role/etl"},
		{"arn:aws:iam::111122223333:user/intern", "", "arn:aws:iam::111122223333:user/intern"},
		{"", "", ""},
	} {
		if got := (Event{Principal: c.principal, Issuer: c.issuer}).Who(); got != c.want {
			t.Errorf("Who(%q, %q) = %q, want %q", c.principal, c.issuer, got, c.want)
		}
	}
}

// Ensure regions map to their ARN partitions.
func TestPartitionOf(t *testing.T) {
	for region, want := range map[string]string{"eu-west-1": "aws", "cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov", "": "aws"} {
		if got := PartitionOf(region); got != want {
			t.Errorf("PartitionOf(%q) = %q, want %q", region, got, want)
		}
	}
}
