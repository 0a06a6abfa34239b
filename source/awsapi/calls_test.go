package awsapi

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/emrguard/emrguard/source/snapshot"
)

// Ensure each object is fetched once and EC2 objects in batches: with 110
// clusters a region (three ListClusters pages of 50) sharing two security
// configurations and naming 220 security groups,
// DescribeSecurityConfiguration is called once per name per region,
// DescribeSecurityGroups twice per region (200 + 20), a multi-region
// trail's status once for the account, and Progress.Calls counts exactly
// the calls that reached the server.
func TestScanCallsEachObjectOnce(t *testing.T) {
	const perRegion = 110
	regions := []string{"eu-west-1", "us-east-1"}
	want := estate(callerID, regions...)
	for _, r := range want.Regions {
		group := r.Clusters[1]
		for i := range perRegion - 2 {
			c := clone(t, &snapshot.Account{Regions: []*snapshot.Region{{Clusters: []*snapshot.Cluster{group}}}}).Regions[0].Clusters[0]
			c.Cluster.Id = aws.String(fmt.Sprintf("j-%s-%03d", r.Name, i))
			if i%2 == 1 {
				c.Cluster.SecurityConfiguration = aws.String("second")
			}
			ids := []string{fmt.Sprintf("sg-1%04d", 2*i), fmt.Sprintf("sg-1%04d", 2*i+1)}
			c.Cluster.Ec2InstanceAttributes.AdditionalMasterSecurityGroups = ids
			for _, id := range ids {
				r.SecurityGroups = append(r.SecurityGroups, ec2types.SecurityGroup{GroupId: aws.String(id), VpcId: aws.String("vpc-01")})
			}
			r.Clusters = append(r.Clusters, c)
		}
		r.SecurityConfigurations = append(r.SecurityConfigurations, &snapshot.SecurityConfiguration{Name: "second", Document: r.SecurityConfigurations[0].Document, CreationDateTime: aws.Time(created)})
	}
	srv := newEstateServer(t, want)
	var last Progress
	snap, err := Scan(context.Background(), srv.Config("eu-west-1"), Options{Regions: regions, Now: fixedNow, Progress: func(p Progress) { last = p }})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range snap.Accounts[0].Regions {
		if len(r.Clusters) != perRegion || len(r.SecurityGroups) != 4+2*(perRegion-2) || len(r.Failures) != 0 {
			t.Errorf("region %s: %d clusters, %d groups, failures %+v", r.Name, len(r.Clusters), len(r.SecurityGroups), r.Failures)
		}
	}
	n := len(regions)
	listPages := (perRegion + 49) / 50 // EMR's page size
	wantCalls := map[string]int{
		"emr.GetBlockPublicAccessConfiguration": n,
		"emr.ListClusters":                      n * listPages,
		"emr.DescribeCluster":                   n * perRegion,
		"emr.ListInstances":                     n * perRegion,
		"emr.DescribeSecurityConfiguration":     n * 2,
		"ec2.DescribeSubnets":                   n,
		"ec2.DescribeRouteTables":               n,
		"ec2.DescribeVpcEndpoints":              n,
		"ec2.DescribeImages":                    n,
		"cloudtrail.GetTrailStatus":             1,
		"cloudtrail.GetEventSelectors":          1,
		"kms.DescribeKey":                       n * 3,
		"s3.GetObject":                          n,
		"s3.GetBucketLogging":                   1,
		"iam.GetRole":                           5,
		"iam.GetInstanceProfile":                1,
		"sts.GetCallerIdentity":                 1,
	}
	// The fixture's 4 groups and 2 for each added cluster.
	groups := 4 + 2*(perRegion-2)
	wantCalls["ec2.DescribeSecurityGroups"] = n * ((groups + ec2Batch - 1) / ec2Batch)
	counts := srv.CallCounts()
	for op, w := range wantCalls {
		if counts[op] != w {
			t.Errorf("%s: %d calls, want %d", op, counts[op], w)
		}
	}
	total := 0
	for _, c := range counts {
		total += c
	}
	if last.Calls != total || last.Retries != 0 || last.Clusters != n*perRegion {
		t.Errorf("progress %+v: want %d calls (the server's count), no retries, %d clusters", last, total, n*perRegion)
	}
}
