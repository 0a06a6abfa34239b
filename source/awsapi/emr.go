package awsapi

import (
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/emr"
	emrtypes "github.com/aws/aws-sdk-go-v2/service/emr/types"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/secconf"
	"github.com/emrguard/emrguard/source/snapshot"
	"github.com/emrguard/emrguard/source/tree"
)

// emrAPI is what the EMR collector calls.
type emrAPI interface {
	ListClusters(context.Context, *emr.ListClustersInput, ...func(*emr.Options)) (*emr.ListClustersOutput, error)
	DescribeCluster(context.Context, *emr.DescribeClusterInput, ...func(*emr.Options)) (*emr.DescribeClusterOutput, error)
	ListInstances(context.Context, *emr.ListInstancesInput, ...func(*emr.Options)) (*emr.ListInstancesOutput, error)
	DescribeSecurityConfiguration(context.Context, *emr.DescribeSecurityConfigurationInput, ...func(*emr.Options)) (*emr.DescribeSecurityConfigurationOutput, error)
}

// activeStates are the cluster states a live scan reads; terminating and
// terminated clusters run nothing left to protect.
var activeStates = []emrtypes.ClusterState{
	emrtypes.ClusterStateStarting, emrtypes.ClusterStateBootstrapping,
	emrtypes.ClusterStateRunning, emrtypes.ClusterStateWaiting,
}

// liveInstanceStates leave out primary nodes already terminated (a
// replaced primary keeps its record, and its old public address).
var liveInstanceStates = []emrtypes.InstanceState{
	emrtypes.InstanceStateAwaitingFulfillment, emrtypes.InstanceStateProvisioning,
	emrtypes.InstanceStateBootstrapping, emrtypes.InstanceStateRunning,
}

// emrResult is one region's clusters and security configurations, with
// the KMS keys and certificate zips the configurations and clusters name.
type emrResult struct {
	clusters      []*snapshot.Cluster
	secconfs      []*snapshot.SecurityConfiguration
	keyRefs       set
	certLocations set
}

// emrCollector gathers one region's clusters: each listed cluster is
// described and its primary nodes listed as soon as its page arrives,
// and each security configuration is described the first time a cluster
// names it.
type emrCollector struct {
	api    emrAPI
	region string
	cnt    *counters
	fs     *failures

	mu     sync.Mutex
	res    emrResult
	named  map[string]bool // security configurations asked for
	scWait sync.WaitGroup
}

// collectEMR reads the region's active clusters with at most limit
// clusters in hand at once. A failed ListClusters page is recorded and
// the clusters already listed are still read.
func collectEMR(ctx context.Context, api emrAPI, region string, limit int, cnt *counters, fs *failures) *emrResult {
	c := &emrCollector{api: api, region: region, cnt: cnt, fs: fs, named: map[string]bool{},
		res: emrResult{keyRefs: set{}, certLocations: set{}}}
	p := newPool(limit)
	pg := emr.NewListClustersPaginator(api, &emr.ListClustersInput{ClusterStates: activeStates})
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			fs.add("emr", "ListClusters", region, "", err)
			break
		}
		for _, s := range page.Clusters {
			id := aws.ToString(s.Id)
			p.Go(func() { c.cluster(ctx, id) })
		}
	}
	p.Wait()
	c.scWait.Wait()
	sort.Slice(c.res.clusters, func(i, j int) bool {
		return aws.ToString(c.res.clusters[i].Cluster.Id) < aws.ToString(c.res.clusters[j].Cluster.Id)
	})
	sort.Slice(c.res.secconfs, func(i, j int) bool { return c.res.secconfs[i].Name < c.res.secconfs[j].Name })
	return &c.res
}

// cluster describes one cluster and lists its primary nodes. A cluster
// that cannot be described is left out: its failure names it, and a
// half-known cluster would read as one with nothing configured.
func (c *emrCollector) cluster(ctx context.Context, id string) {
	out, err := c.api.DescribeCluster(ctx, &emr.DescribeClusterInput{ClusterId: aws.String(id)})
	if err != nil {
		c.fs.add("emr", "DescribeCluster", c.region, id, err)
		return
	}
	if out.Cluster == nil {
		return
	}
	c.cnt.clusters.Add(1)
	cl := &snapshot.Cluster{Cluster: *out.Cluster}
	if name := aws.ToString(cl.Cluster.SecurityConfiguration); name != "" {
		c.secconf(ctx, name)
	}
	cl.Primary, cl.PrimaryRead = c.primary(ctx, &cl.Cluster)
	c.mu.Lock()
	c.res.clusters = append(c.res.clusters, cl)
	c.res.keyRefs.addp(cl.Cluster.LogEncryptionKmsKeyId)
	c.mu.Unlock()
}

// primary lists the cluster's primary nodes: its MASTER instance group,
// or its MASTER fleet. read is false when a page failed.
func (c *emrCollector) primary(ctx context.Context, cl *emrtypes.Cluster) (nodes []emrtypes.Instance, read bool) {
	in := &emr.ListInstancesInput{ClusterId: cl.Id, InstanceStates: liveInstanceStates}
	if cl.InstanceCollectionType == emrtypes.InstanceCollectionTypeInstanceFleet {
		in.InstanceFleetType = emrtypes.InstanceFleetTypeMaster
	} else {
		in.InstanceGroupTypes = []emrtypes.InstanceGroupType{emrtypes.InstanceGroupTypeMaster}
	}
	pg := emr.NewListInstancesPaginator(c.api, in)
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			c.fs.add("emr", "ListInstances", c.region, aws.ToString(cl.Id), err)
			return nil, false
		}
		nodes = append(nodes, page.Instances...)
	}
	return nodes, true
}

// secconf describes the security configuration name once per region
// (names are per region: the same name elsewhere is another object).
func (c *emrCollector) secconf(ctx context.Context, name string) {
	c.mu.Lock()
	if c.named[name] {
		c.mu.Unlock()
		return
	}
	c.named[name] = true
	c.mu.Unlock()
	c.scWait.Go(func() {
		out, err := c.api.DescribeSecurityConfiguration(ctx, &emr.DescribeSecurityConfigurationInput{Name: aws.String(name)})
		if err != nil {
			c.fs.add("emr", "DescribeSecurityConfiguration", c.region, name, err)
			return
		}
		sc := &snapshot.SecurityConfiguration{Name: name, Document: aws.ToString(out.SecurityConfiguration), CreationDateTime: out.CreationDateTime}
		if n := aws.ToString(out.Name); n != "" {
			sc.Name = n
		}
		keys, cert := secconfRefs(sc.Document, name, c.region)
		c.mu.Lock()
		c.res.secconfs = append(c.res.secconfs, sc)
		c.res.keyRefs.add(keys...)
		c.res.certLocations.add(cert)
		c.mu.Unlock()
	})
}

// secconfRefs reads, with the project's one decoder, the KMS keys a
// security configuration names and the S3 location of its PEM zip ("" if
// it uses none). A document that does not decode names nothing here; the
// mapping reports it.
func secconfRefs(doc, name, region string) (keys []string, cert string) {
	sc, _ := secconf.Decode(&tree.Node{Kind: tree.String, Text: doc}, model.Ref{Kind: secconf.Kind, Name: name, Region: region})
	for _, k := range []model.Field[string]{sc.S3KMSKey, sc.LocalDiskKMSKey} {
		if k.IsSet() && k.Val != "" {
			keys = append(keys, k.Val)
		}
	}
	if sc.TLSProvider.IsSet() && strings.EqualFold(sc.TLSProvider.Val, "PEM") &&
		sc.TLSCertificates.IsSet() && strings.HasPrefix(sc.TLSCertificates.Val, "s3://") {
		cert = sc.TLSCertificates.Val
	}
	return keys, cert
}

// logBucket is the bucket of a cluster's LogUri (s3:// or s3n://), or "".
func logBucket(uri string) string {
	for _, scheme := range []string{"s3://", "s3n://", "s3a://"} {
		if rest, ok := strings.CutPrefix(uri, scheme); ok {
			b, _, _ := strings.Cut(rest, "/")
			return b
		}
	}
	return ""
}
