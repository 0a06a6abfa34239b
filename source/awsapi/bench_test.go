package awsapi

import (
	"context"
	"fmt"
	"net/http"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/source/snapshot"
)

// benchRegions are 17 commercial regions.
var benchRegions = []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3",
	"eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "sa-east-1"}

// BenchmarkScan scans awstest.GenerateAccount estates with 20 ms of
// latency on every call: one account with 1,000 clusters in each of 1, 4
// and 17 regions, and 10, 100 and 1,000 accounts of 10 clusters in one
// region reached through AssumeRole. It reports the peak memory of the
// process (the test AWS and its estate included), the calls made and
// the minimum the estate needs (minCalls), and their ratio.
func BenchmarkScan(b *testing.B) {
	for _, n := range []int{1, 4, 17} {
		b.Run(fmt.Sprintf("regions=%d/clusters=1000", n), func(b *testing.B) {
			benchScan(b, benchRegions[:n], 1000, 0)
		})
	}
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("accounts=%d/clusters=10", n), func(b *testing.B) {
			benchScan(b, benchRegions[:1], 10, n)
		})
	}
}

// benchScan serves one generated account with clusters per region, or
// roles accounts of them reached through AssumeRole (the caller's own
// then holds nothing), and scans it b.N times.
func benchScan(b *testing.B, regions []string, clusters, roles int) {
	srv := awstest.New()
	defer srv.Close()
	opt := Options{Regions: regions, Now: fixedNow}
	var accts []*snapshot.Account
	if roles == 0 {
		accts = append(accts, awstest.GenerateAccount(callerID, regions, clusters))
	} else {
		srv.LoadAccounts(&snapshot.Account{ID: callerID, Partition: "aws"})
		for i := range roles {
			id := fmt.Sprintf("%012d", 100000000000+i)
			accts = append(accts, awstest.GenerateAccount(id, regions, clusters))
			opt.RoleARNs = append(opt.RoleARNs, roleARN(id))
		}
	}
	srv.LoadAccounts(accts...)
	zip := certZipOf(b)
	for _, a := range accts {
		for _, r := range regions {
			srv.PutObject(a.ID+"-emr-certs", r+"/certs.zip", zip)
		}
	}
	srv.SetLatency(20 * time.Millisecond)
	cfg := srv.Config(regions[0])
	// One test server stands for every regional endpoint: keep as many
	// connections to it as AWS would keep to the many hosts it replaces
	// (net/http keeps 2 a host by default, and would open a connection a
	// call).
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 1024
	cfg.HTTPClient = &http.Client{Transport: tr}

	debug.FreeOSMemory() // what earlier benchmarks left is not this one's
	peak := watchPeak()
	base := memHeld()
	b.ResetTimer()
	var snap *snapshot.Snapshot
	for range b.N {
		var err error
		if snap, err = Scan(context.Background(), cfg, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	top := peak()
	made := 0
	for _, c := range srv.CallCounts() {
		made += c
	}
	made /= b.N
	least := minCalls(b, snap)
	b.ReportMetric(float64(top)/(1<<20), "peak-MiB")
	b.ReportMetric(float64(base)/(1<<20), "before-MiB") // the test AWS and its estate, before the scan
	b.ReportMetric(float64(made), "calls/op")
	b.ReportMetric(float64(least), "min-calls/op")
	b.ReportMetric(float64(made)/float64(least), "calls/min")
}

// watchPeak samples the process's memory (runtime/metrics
// /memory/classes/total:bytes less the released pages, i.e. what the
// runtime holds) until the returned function is called, which gives the
// peak.
func watchPeak() func() uint64 {
	var mu sync.Mutex
	var top uint64
	read := func() {
		v := memHeld()
		mu.Lock()
		top = max(top, v)
		mu.Unlock()
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				read()
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		read()
		return top
	}
}

// minCalls is the fewest calls that read snap, a complete scan (no
// failure), one call per object or per page:
//
//	scan:    1 GetCallerIdentity + 1 AssumeRole per account reached through a role
//	account: IAM: per role GetRole + ListAttachedRolePolicies + ListRolePolicies
//	         + one GetRolePolicy per inline policy; GetInstanceProfile per
//	         profile; GetPolicy + GetPolicyVersion per customer policy; one
//	         ListEntitiesForPolicy per holder list; GetBucketLogging per
//	         bucket; GetTrailStatus + GetEventSelectors per distinct trail
//	region:  GetBlockPublicAccessConfiguration + ceil(clusters/50)
//	         ListClusters + clusters × (DescribeCluster + ListInstances)
//	         + one DescribeSecurityConfiguration per configuration;
//	         ceil(ids/200) DescribeSecurityGroups, DescribeSubnets and
//	         DescribeImages, ceil(VPCs/200) DescribeRouteTables and
//	         DescribeVpcEndpoints (when there are IDs); one
//	         DescribeLaunchTemplateVersions per template; DescribeTrails;
//	         DescribeKey per key + GetKeyRotationStatus per customer
//	         symmetric key; GetObject per certificate zip;
//	         ListVirtualClusters + (ListManagedEndpoints + ListJobRuns) per
//	         virtual cluster + ListNodegroups per EKS cluster +
//	         DescribeNodegroup per nodegroup.
func minCalls(b *testing.B, snap *snapshot.Snapshot) int {
	pages := func(n, size int) int { return (n + size - 1) / size }
	n := 1
	for _, a := range snap.Accounts {
		if len(a.Failures) > 0 {
			b.Fatalf("account %s failed: %+v", a.ID, a.Failures)
		}
		if a.Via != "" {
			n++
		}
		if a.IAM != nil {
			for _, r := range a.IAM.Roles {
				n += 3 + len(r.InlinePolicies)
			}
			n += len(a.IAM.InstanceProfiles) + 2*len(a.IAM.Policies) + len(a.IAM.Holders)
		}
		n += len(a.Buckets)
		trails := set{}
		for _, r := range a.Regions {
			if len(r.Failures) > 0 {
				b.Fatalf("account %s region %s failed: %+v", a.ID, r.Name, r.Failures)
			}
			need := ec2NeedsOf(r)
			vpcs, eks := set{}, set{}
			for _, s := range r.Subnets {
				vpcs.addp(s.VpcId)
			}
			for _, v := range r.VirtualClusters {
				eks.add(v.EKSCluster)
			}
			n += 1 + pages(max(1, len(r.Clusters)), 50) + 2*len(r.Clusters) + len(r.SecurityConfigurations)
			n += pages(len(need.groups), ec2Batch) + pages(len(need.subnets), ec2Batch) + pages(len(need.images), ec2Batch)
			n += 2*pages(len(vpcs), ec2Batch) + len(need.templates)
			n += 1 + len(r.Certificates) + 1 + 2*len(r.VirtualClusters) + len(eks) + len(r.Nodegroups)
			for _, k := range r.KMSKeys {
				n++
				if k.RotationEnabled != nil {
					n++
				}
			}
			for _, t := range r.Trails {
				trails.addp(t.Trail.TrailARN)
			}
		}
		n += 2 * len(trails)
	}
	return n
}

// memHeld is the memory the Go runtime holds from the OS now.
func memHeld() uint64 {
	samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(samples)
	return samples[0].Value.Uint64() - samples[1].Value.Uint64()
}
