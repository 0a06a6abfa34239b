package awstest

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	ectypes "github.com/aws/aws-sdk-go-v2/service/emrcontainers/types"
	smithytime "github.com/aws/smithy-go/time"

	"github.com/emrguard/emrguard/source/snapshot"
)

// emrContainersOp names an emr-containers request by method and path.
func emrContainersOp(c *call) string {
	p := c.path
	if c.r.Method != http.MethodGet || len(p) == 0 || p[0] != "virtualclusters" {
		return c.r.Method + "Unknown"
	}
	switch {
	case len(p) == 1:
		return "ListVirtualClusters"
	case len(p) == 2:
		return "DescribeVirtualCluster"
	case len(p) == 3 && p[2] == "endpoints":
		return "ListManagedEndpoints"
	case len(p) == 4 && p[2] == "endpoints":
		return "DescribeManagedEndpoint"
	case len(p) == 3 && p[2] == "jobruns":
		return "ListJobRuns"
	}
	return c.r.Method + "Unknown"
}

// emrContainers serves EMR on EKS (restJson1: lower-camel members, ISO
// 8601 timestamps) from the region's virtual clusters, managed endpoints
// and job runs.
func (s *Server) emrContainers(c *call) {
	r := s.region(c)
	q := c.r.URL.Query()
	states := q["states"]
	after, before := isoParam(q, "createdAfter"), isoParam(q, "createdBefore")
	created := func(t *time.Time) bool {
		return (after.IsZero() || (t != nil && !t.Before(after))) && (before.IsZero() || (t != nil && !t.After(before)))
	}
	var vc *snapshot.VirtualCluster
	if len(c.path) > 1 {
		for _, v := range r.VirtualClusters {
			if v.ID == c.path[1] {
				vc = v
			}
		}
		if vc == nil {
			c.fail(400, "ResourceNotFoundException", "Virtual cluster "+c.path[1]+" doesn't exist.")
			return
		}
	}
	switch c.op {
	case "ListVirtualClusters":
		var out []any
		for _, v := range r.VirtualClusters {
			if (len(states) == 0 || slices.Contains(states, v.State)) && created(v.CreatedAt) &&
				(q.Get("containerProviderId") == "" || q.Get("containerProviderId") == v.EKSCluster) {
				out = append(out, virtualCluster(v))
			}
		}
		s.restPage(c, "virtualClusters", out, 50)
	case "DescribeVirtualCluster":
		c.reply(map[string]any{"virtualCluster": virtualCluster(vc)})
	case "ListManagedEndpoints":
		types := q["types"]
		var out []any
		for _, e := range r.ManagedEndpoints {
			if deref(e.VirtualClusterId) == vc.ID && (len(states) == 0 || slices.Contains(states, string(e.State))) &&
				(len(types) == 0 || slices.Contains(types, deref(e.Type))) && created(e.CreatedAt) {
				out = append(out, toJSON(e, emrcJSON))
			}
		}
		s.restPage(c, "endpoints", out, 50)
	case "DescribeManagedEndpoint":
		for _, e := range r.ManagedEndpoints {
			if deref(e.VirtualClusterId) == vc.ID && deref(e.Id) == c.path[3] {
				c.reply(map[string]any{"endpoint": toJSON(e, emrcJSON)})
				return
			}
		}
		c.fail(400, "ResourceNotFoundException", "Managed endpoint "+c.path[3]+" doesn't exist.")
	case "ListJobRuns":
		var out []any
		for _, j := range r.JobRuns {
			if deref(j.VirtualClusterId) == vc.ID && (len(states) == 0 || slices.Contains(states, string(j.State))) &&
				created(j.CreatedAt) && (q.Get("name") == "" || q.Get("name") == deref(j.Name)) {
				out = append(out, toJSON(j, emrcJSON))
			}
		}
		s.restPage(c, "jobRuns", out, 50)
	default:
		c.fail(404, "UnknownOperationException", "awstest: emr-containers "+c.r.Method+" "+c.r.URL.Path+" is not served")
	}
}

// virtualCluster writes our flat VirtualCluster in the API's nested shape.
func virtualCluster(v *snapshot.VirtualCluster) any {
	provider := ectypes.ContainerProvider{Id: ptr(v.EKSCluster), Type: ectypes.ContainerProviderType(v.ProviderType)}
	out := toJSON(ectypes.VirtualCluster{Id: ptr(v.ID), Name: ptr(v.Name), Arn: ptr(v.Arn), State: ectypes.VirtualClusterState(v.State),
		ContainerProvider: &provider, CreatedAt: v.CreatedAt, Tags: v.Tags, SecurityConfigurationId: ptr(v.SecurityConfigurationID)}, emrcJSON).(map[string]any)
	if v.Namespace != "" { // the union the SDK type cannot hold without its member type
		out["containerProvider"].(map[string]any)["info"] = map[string]any{"eksInfo": map[string]any{"namespace": v.Namespace}}
	}
	for _, k := range []string{"name", "arn", "securityConfigurationId"} {
		if out[k] == "" {
			delete(out, k)
		}
	}
	return out
}

func isoParam(q url.Values, k string) time.Time {
	t, _ := smithytime.ParseDateTime(q.Get(k))
	return t
}

// restPage replies with one page of items under name, with nextToken.
func (s *Server) restPage(c *call, name string, items []any, apiMax int) {
	q := c.r.URL.Query()
	max, _ := strconv.Atoi(q.Get("maxResults"))
	from, to, next, ok := s.page(c, len(items), q.Get("nextToken"), max, apiMax)
	if ok {
		c.reply(withMarker(map[string]any{name: nonNil(items[from:to])}, "nextToken", next))
	}
}

// eksOp names an EKS request: GET /clusters/{name}/node-groups[/{ng}],
// GET /clusters/{name}/pod-identity-associations[/{id}].
func eksOp(c *call) string {
	p := c.path
	if c.r.Method == http.MethodGet && len(p) >= 3 && p[0] == "clusters" {
		switch {
		case p[2] == "node-groups" && len(p) == 3:
			return "ListNodegroups"
		case p[2] == "node-groups" && len(p) == 4:
			return "DescribeNodegroup"
		case p[2] == "pod-identity-associations" && len(p) == 3:
			return "ListPodIdentityAssociations"
		case p[2] == "pod-identity-associations" && len(p) == 4:
			return "DescribePodIdentityAssociation"
		}
	}
	return c.r.Method + "Unknown"
}

// eks serves ListNodegroups and DescribeNodegroup (restJson1, epoch-second
// timestamps) from the region's nodegroups, by their ClusterName, and the
// Pod Identity associations.
func (s *Server) eks(c *call) {
	r := s.region(c)
	if c.op == "ListPodIdentityAssociations" || c.op == "DescribePodIdentityAssociation" {
		s.podIdentity(c, r)
		return
	}
	var ngs []ekstypes.Nodegroup
	for _, ng := range r.Nodegroups {
		if deref(ng.ClusterName) == c.path[1] {
			ngs = append(ngs, ng)
		}
	}
	switch c.op {
	case "ListNodegroups":
		var names []any
		for _, ng := range ngs {
			names = append(names, deref(ng.NodegroupName))
		}
		s.restPage(c, "nodegroups", names, 100)
	case "DescribeNodegroup":
		for _, ng := range ngs {
			if deref(ng.NodegroupName) == c.path[3] {
				c.reply(map[string]any{"nodegroup": toJSON(ng, eksJSON)})
				return
			}
		}
		c.fail(404, "ResourceNotFoundException", "No node group found for name: "+c.path[3]+".")
	default:
		c.fail(404, "UnknownOperationException", "awstest: EKS "+c.r.Method+" "+c.r.URL.Path+" is not served")
	}
}

// podIdentity serves ListPodIdentityAssociations (summaries without the
// role, filtered by the namespace and serviceAccount query parameters) and
// DescribePodIdentityAssociation, by the cluster's name.
func (s *Server) podIdentity(c *call, r *snapshot.Region) {
	q := c.r.URL.Query()
	var in []ekstypes.PodIdentityAssociation
	for _, a := range r.PodIdentityAssociations {
		if deref(a.ClusterName) == c.path[1] {
			in = append(in, a)
		}
	}
	if c.op == "DescribePodIdentityAssociation" {
		for _, a := range in {
			if deref(a.AssociationId) == c.path[3] {
				c.reply(map[string]any{"association": toJSON(a, eksJSON)})
				return
			}
		}
		c.fail(404, "ResourceNotFoundException", "No Pod Identity Association found for id: "+c.path[3]+".")
		return
	}
	var items []any
	for _, a := range in {
		if ns := q.Get("namespace"); ns != "" && ns != deref(a.Namespace) {
			continue
		}
		if sa := q.Get("serviceAccount"); sa != "" && sa != deref(a.ServiceAccount) {
			continue
		}
		items = append(items, toJSON(ekstypes.PodIdentityAssociationSummary{ClusterName: a.ClusterName, Namespace: a.Namespace,
			ServiceAccount: a.ServiceAccount, AssociationArn: a.AssociationArn, AssociationId: a.AssociationId, OwnerArn: a.OwnerArn}, eksJSON))
	}
	s.restPage(c, "associations", items, 100)
}
