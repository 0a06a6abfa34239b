package awsapi

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/source/snapshot"
)

const callerID = "210987654321"

func roleARN(id string) string { return "arn:aws:iam::" + id + ":role/Audit" }

// threeAccounts serves the caller's account and three others, each a
// full estate in two regions: 222… refuses the role, 333… has not
// enabled us-east-1.
func threeAccounts(t *testing.T) (*awstest.Server, map[string]*snapshot.Account) {
	t.Helper()
	want := map[string]*snapshot.Account{}
	var all []*snapshot.Account
	for _, id := range []string{callerID, "111111111111", "222222222222", "333333333333"} {
		want[id] = estate(id, "eu-west-1", "us-east-1")
		all = append(all, want[id])
	}
	srv := newEstateServer(t, all...)
	srv.DenyAssumeRole(roleARN("222222222222"))
	srv.DisableRegion("333333333333", "us-east-1")
	return srv, want
}

// Ensure role accounts are scanned through their role, in the order
// given, and only them: an account whose AssumeRole is refused is listed
// with Via, its ID and the failure; a region the account has not enabled
// gives one failure and nothing else, while its other region is whole.
func TestScanRoles(t *testing.T) {
	srv, want := threeAccounts(t)
	roles := []string{roleARN("111111111111"), roleARN("222222222222"), roleARN("333333333333"), roleARN("111111111111")}
	snap, err := Scan(context.Background(), srv.Config("eu-west-1"), Options{RoleARNs: roles, ExternalID: "ext-1",
		Regions: []string{"eu-west-1", "us-east-1"}, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Accounts) != 3 {
		t.Fatalf("%d accounts, want the 3 distinct roles' (not the caller's)", len(snap.Accounts))
	}
	ok := clone(t, want["111111111111"])
	ok.Via = roleARN("111111111111")
	sameJSON(t, "account reached through its role", snap.Accounts[0], ok)

	denied := snap.Accounts[1]
	if denied.ID != "222222222222" || denied.Via != roleARN("222222222222") || len(denied.Regions) != 0 || denied.IAM != nil {
		t.Errorf("denied account: %+v", denied)
	}
	if len(denied.Failures) != 1 || denied.Failures[0].Service != "sts" || denied.Failures[0].Operation != "AssumeRole" ||
		denied.Failures[0].Code != "AccessDenied" || denied.Failures[0].Resource != roleARN("222222222222") {
		t.Errorf("denied account failures: %+v", denied.Failures)
	}

	partial := snap.Accounts[2]
	if partial.ID != "333333333333" || partial.Via != roleARN("333333333333") || len(partial.Regions) != 2 {
		t.Fatalf("account with a disabled region: %+v", partial)
	}
	sameJSON(t, "enabled region", regionOf(partial, "eu-west-1"), regionOf(want["333333333333"], "eu-west-1"))
	off := regionOf(partial, "us-east-1")
	if len(off.Clusters) != 0 || off.BlockPublicAccess != nil || len(off.Failures) != 1 || off.Failures[0].Code == "" ||
		off.Failures[0].Region != "us-east-1" {
		t.Errorf("disabled region: %d clusters, failures %+v; want one failure and nothing read", len(off.Clusters), off.Failures)
	}
	if n := srv.Calls("sts.AssumeRole"); n != 3 {
		t.Errorf("%d AssumeRole calls, want 3 (one per distinct role, the refused one included)", n)
	}
}

// Ensure --all-regions scans the regions DescribeRegions lists for each
// account: the one a member has not enabled is left out there.
func TestScanAllRegions(t *testing.T) {
	srv, _ := threeAccounts(t)
	snap, err := Scan(context.Background(), srv.Config("eu-west-1"), Options{RoleARNs: []string{roleARN("111111111111"), roleARN("333333333333")}, AllRegions: true, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range snap.Accounts {
		var names []string
		for _, r := range a.Regions {
			names = append(names, r.Name)
		}
		got = append(got, a.ID+":"+strings.Join(names, ","))
	}
	if w := "111111111111:eu-west-1,us-east-1 333333333333:eu-west-1"; strings.Join(got, " ") != w {
		t.Errorf("regions scanned %q, want %q", strings.Join(got, " "), w)
	}
}

// Ensure --org-role scans the organization's ACTIVE accounts, sorted:
// the caller's own with its credentials, the others through the role
// (one refusing it); and that when ListAccounts fails the caller's
// account is scanned and carries that failure.
func TestScanOrganization(t *testing.T) {
	srv, _ := threeAccounts(t)
	srv.SetOrganization(map[string]string{callerID: "ACTIVE", "111111111111": "ACTIVE", "222222222222": "ACTIVE", "333333333333": "SUSPENDED"})
	snap, err := Scan(context.Background(), srv.Config("eu-west-1"), Options{OrgRole: "Audit", Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range snap.Accounts {
		got = append(got, a.ID+"<"+a.Via+">"+aws.ToString(failureCode(a)))
	}
	want := "111111111111<" + roleARN("111111111111") + "> " + callerID + "<> 222222222222<" + roleARN("222222222222") + ">AccessDenied"
	if strings.Join(got, " ") != want {
		t.Errorf("accounts\n got %s\nwant %s", strings.Join(got, " "), want)
	}

	noOrg, _ := threeAccounts(t)
	snap, err = Scan(context.Background(), noOrg.Config("eu-west-1"), Options{OrgRole: "Audit", Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Accounts) != 1 || snap.Accounts[0].ID != callerID || len(snap.Accounts[0].Regions) != 1 ||
		aws.ToString(failureCode(snap.Accounts[0])) != "AWSOrganizationsNotInUseException" {
		t.Errorf("organization listing failed: accounts %+v", snap.Accounts)
	}
}

// failureCode is the code of an account's first organizations or STS
// failure, if any.
func failureCode(a *snapshot.Account) *string {
	for _, f := range a.Failures {
		if f.Service == "sts" || f.Service == "organizations" {
			return aws.String(f.Code)
		}
	}
	return nil
}
