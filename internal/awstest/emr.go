package awstest

import (
	"fmt"
	"slices"
	"time"

	emrtypes "github.com/aws/aws-sdk-go-v2/service/emr/types"

	"github.com/emrguard/emrguard/source/snapshot"
)

// emr serves EMR's awsJson1_1 operations from the region's snapshot.
func (s *Server) emr(c *call) {
	r := s.region(c)
	switch c.op {
	case "ListClusters":
		states := strs(c.in, "ClusterStates")
		after, before := epoch(c.in, "CreatedAfter"), epoch(c.in, "CreatedBefore")
		var out []emrtypes.ClusterSummary
		for _, cl := range r.Clusters {
			k := cl.Cluster
			if len(states) > 0 && (k.Status == nil || !slices.Contains(states, string(k.Status.State))) {
				continue
			}
			var created time.Time
			if k.Status != nil && k.Status.Timeline != nil && k.Status.Timeline.CreationDateTime != nil {
				created = *k.Status.Timeline.CreationDateTime
			}
			if (!after.IsZero() && created.Before(after)) || (!before.IsZero() && created.After(before)) {
				continue
			}
			out = append(out, emrtypes.ClusterSummary{Id: k.Id, Name: k.Name, Status: k.Status,
				NormalizedInstanceHours: k.NormalizedInstanceHours, ClusterArn: k.ClusterArn, OutpostArn: k.OutpostArn})
		}
		from, to, next, ok := s.page(c, len(out), str(c.in, "Marker"), 0, 50)
		if ok {
			c.reply(withMarker(map[string]any{"Clusters": toJSON(nonNil(out[from:to]), awsJSON)}, "Marker", next))
		}
	case "DescribeCluster":
		cl := findCluster(r, str(c.in, "ClusterId"))
		if cl == nil {
			c.fail(400, "InvalidRequestException", fmt.Sprintf("Cluster id '%s' is not valid.", str(c.in, "ClusterId")))
			return
		}
		c.reply(map[string]any{"Cluster": toJSON(cl.Cluster, awsJSON)})
	case "ListInstances":
		cl := findCluster(r, str(c.in, "ClusterId"))
		if cl == nil {
			c.fail(400, "InvalidRequestException", fmt.Sprintf("Cluster id '%s' is not valid.", str(c.in, "ClusterId")))
			return
		}
		// Only the primary node's group or fleet is in the snapshot.
		groups, fleet := strs(c.in, "InstanceGroupTypes"), str(c.in, "InstanceFleetType")
		var out []emrtypes.Instance
		if (len(groups) == 0 || slices.Contains(groups, "MASTER")) && (fleet == "" || fleet == "MASTER") {
			out = cl.Primary
		}
		from, to, next, ok := s.page(c, len(out), str(c.in, "Marker"), 0, 50)
		if ok {
			c.reply(withMarker(map[string]any{"Instances": toJSON(nonNil(out[from:to]), awsJSON)}, "Marker", next))
		}
	case "DescribeSecurityConfiguration":
		name := str(c.in, "Name")
		for _, sc := range r.SecurityConfigurations {
			if sc.Name == name {
				c.reply(toJSON(struct {
					Name, SecurityConfiguration string
					CreationDateTime            *time.Time
				}{sc.Name, sc.Document, sc.CreationDateTime}, awsJSON))
				return
			}
		}
		c.fail(400, "InvalidRequestException", fmt.Sprintf("Security configuration with name '%s' does not exist.", name))
	case "ListSecurityConfigurations":
		out := make([]emrtypes.SecurityConfigurationSummary, len(r.SecurityConfigurations))
		for i, sc := range r.SecurityConfigurations {
			out[i] = emrtypes.SecurityConfigurationSummary{Name: &sc.Name, CreationDateTime: sc.CreationDateTime}
		}
		from, to, next, ok := s.page(c, len(out), str(c.in, "Marker"), 0, 50)
		if ok {
			c.reply(withMarker(map[string]any{"SecurityConfigurations": toJSON(out[from:to], awsJSON)}, "Marker", next))
		}
	case "GetBlockPublicAccessConfiguration":
		bpa := r.BlockPublicAccess
		if bpa == nil { // a new account's default
			one := int32(22)
			bpa = &emrtypes.BlockPublicAccessConfiguration{BlockPublicSecurityGroupRules: ptr(true),
				PermittedPublicSecurityGroupRuleRanges: []emrtypes.PortRange{{MinRange: &one, MaxRange: &one}}}
		}
		created := time.Date(2019, 7, 1, 0, 0, 0, 0, time.UTC)
		c.reply(map[string]any{
			"BlockPublicAccessConfiguration": toJSON(bpa, awsJSON),
			"BlockPublicAccessConfigurationMetadata": toJSON(emrtypes.BlockPublicAccessConfigurationMetadata{
				CreationDateTime: &created, CreatedByArn: ptr("arn:aws:iam::" + c.acct.snap.ID + ":root")}, awsJSON),
		})
	default:
		c.fail(400, "UnknownOperationException", "awstest: EMR "+c.op+" is not served")
	}
}

func findCluster(r *snapshot.Region, id string) *snapshot.Cluster {
	for _, cl := range r.Clusters {
		if cl.Cluster.Id != nil && *cl.Cluster.Id == id {
			return cl
		}
	}
	return nil
}

// ptr returns a pointer to v, as aws.String and aws.Bool do.
func ptr[T any](v T) *T { return &v }

// nonNil makes an empty page an empty list, as AWS writes it.
func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func withMarker(m map[string]any, name, token string) map[string]any {
	if token != "" {
		m[name] = token
	}
	return m
}
