package awsapi

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/emr"
	emrtypes "github.com/aws/aws-sdk-go-v2/service/emr/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/emrguard/emrguard/internal/testtool"
)

// Ensure --org-role reaches every ACTIVE account of the organization in
// moto: the management account with the caller's credentials, the
// members through the role, each with its own cluster.
func TestScanMotoOrganization(t *testing.T) {
	url := testtool.Moto(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg := motoConfig(url, "eu-west-1")
	org := organizations.NewFromConfig(cfg)
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: "ALL"}); err != nil {
		t.Fatal(err)
	}
	me, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	clusterOf := map[string]string{} // account → its cluster's name
	runIn := func(c aws.Config, account string) {
		name := "c-" + account
		_, err := emr.NewFromConfig(c).RunJobFlow(ctx, &emr.RunJobFlowInput{Name: aws.String(name), ReleaseLabel: aws.String("emr-7.14.0"),
			ServiceRole: aws.String("EMR_DefaultRole"), JobFlowRole: aws.String("EMR_EC2_DefaultRole"),
			Instances: &emrtypes.JobFlowInstancesConfig{MasterInstanceType: aws.String("m5.xlarge"), InstanceCount: aws.Int32(1), KeepJobFlowAliveWhenNoSteps: aws.Bool(true)}})
		if err != nil {
			t.Fatalf("RunJobFlow in %s: %v", account, err)
		}
		clusterOf[account] = name
	}
	runIn(cfg, aws.ToString(me.Account))
	for i := range 2 {
		out, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(fmt.Sprint("member", i)), Email: aws.String(fmt.Sprintf("m%d@example.com", i))})
		if err != nil {
			t.Fatal(err)
		}
		id := aws.ToString(out.CreateAccountStatus.AccountId)
		member := cfg.Copy()
		member.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), "arn:aws:iam::"+id+":role/OrganizationAccountAccessRole"))
		runIn(member, id)
	}

	snap, err := Scan(ctx, cfg, Options{OrgRole: "OrganizationAccountAccessRole"})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Accounts) != 3 {
		t.Fatalf("%d accounts, want the organization's 3", len(snap.Accounts))
	}
	for _, a := range snap.Accounts {
		// The roles the clusters name were never created: each account's
		// IAM says so, which shows IAM was asked in that account.
		if len(a.Failures) != 2 {
			t.Errorf("account %s: failures %+v, want GetRole and GetInstanceProfile NoSuchEntity", a.ID, a.Failures)
		}
		for _, f := range a.Failures {
			if f.Service != "iam" || f.Code != "NoSuchEntity" {
				t.Errorf("account %s failure: %+v", a.ID, f)
			}
		}
		wantVia := "arn:aws:iam::" + a.ID + ":role/OrganizationAccountAccessRole"
		if a.ID == aws.ToString(me.Account) {
			wantVia = ""
		}
		if a.Via != wantVia {
			t.Errorf("account %s via %q, want %q", a.ID, a.Via, wantVia)
		}
		if len(a.Regions) != 1 || len(a.Regions[0].Clusters) != 1 || aws.ToString(a.Regions[0].Clusters[0].Cluster.Name) != clusterOf[a.ID] {
			t.Errorf("account %s: regions %+v, want its one cluster %q", a.ID, a.Regions, clusterOf[a.ID])
		}
		delete(clusterOf, a.ID)
	}
	if len(clusterOf) != 0 {
		t.Errorf("accounts not scanned: %v", clusterOf)
	}
}
