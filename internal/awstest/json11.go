package awstest

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/emrguard/emrguard/source/snapshot"
)

// cloudtrail serves DescribeTrails, GetTrailStatus and GetEventSelectors
// from the region's Trails (awsJson1_1: lower-camel wrappers, PascalCase
// trail members, epoch-second timestamps).
func (s *Server) cloudtrail(c *call) {
	r := c.acct.regions[c.region]
	if r == nil {
		r = &snapshot.Region{Name: c.region}
	}
	find := func(ref string) *snapshot.Trail {
		for _, t := range r.Trails {
			if deref(t.Trail.Name) == ref || deref(t.Trail.TrailARN) == ref {
				return t
			}
		}
		c.fail(400, "TrailNotFoundException", "Unknown trail: "+ref+" for the user: "+c.acct.snap.ID)
		return nil
	}
	switch c.op {
	case "DescribeTrails":
		names := strs(c.in, "trailNameList")
		shadows, set := c.in["includeShadowTrails"].(bool)
		out := []any{}
		for _, t := range r.Trails {
			if len(names) > 0 && !slices.Contains(names, deref(t.Trail.Name)) && !slices.Contains(names, deref(t.Trail.TrailARN)) {
				continue
			}
			if set && !shadows && t.Trail.HomeRegion != nil && *t.Trail.HomeRegion != c.region {
				continue
			}
			out = append(out, toJSON(t.Trail, awsJSON))
		}
		c.reply(map[string]any{"trailList": out})
	case "GetTrailStatus":
		if t := find(str(c.in, "Name")); t != nil {
			st := t.Status
			if st == nil {
				st = &snapshot.TrailStatus{}
			}
			c.reply(toJSON(st, awsJSON))
		}
	case "GetEventSelectors":
		if t := find(str(c.in, "TrailName")); t != nil {
			c.reply(toJSON(struct {
				TrailARN               *string
				EventSelectors         any
				AdvancedEventSelectors any
			}{t.Trail.TrailARN, t.EventSelectors, t.AdvancedEventSelectors}, awsJSON))
		}
	default:
		c.fail(400, "UnknownOperationException", "awstest: CloudTrail "+c.op+" is not served")
	}
}

// kms serves DescribeKey and GetKeyRotationStatus from the region's
// KMSKeys; a key is named by its ID, its ARN, an alias (alias/x) or an
// alias ARN, matched against the key's Ref and metadata.
func (s *Server) kms(c *call) {
	r := c.acct.regions[c.region]
	if r == nil {
		r = &snapshot.Region{Name: c.region}
	}
	ref := str(c.in, "KeyId")
	var key *snapshot.KMSKey
	for _, k := range r.KMSKeys {
		if kmsMatch(k, ref) {
			key = k
			break
		}
	}
	if key == nil || key.Metadata == nil {
		c.fail(400, "NotFoundException", fmt.Sprintf("Key '%s' does not exist", ref))
		return
	}
	switch c.op {
	case "DescribeKey":
		c.reply(map[string]any{"KeyMetadata": toJSON(key.Metadata, awsJSON)})
	case "GetKeyRotationStatus":
		c.reply(map[string]any{"KeyRotationEnabled": key.RotationEnabled != nil && *key.RotationEnabled, "KeyId": deref(key.Metadata.Arn)})
	default:
		c.fail(400, "UnknownOperationException", "awstest: KMS "+c.op+" is not served")
	}
}

func kmsMatch(k *snapshot.KMSKey, ref string) bool {
	if ref == "" {
		return false
	}
	if k.Ref == ref || (k.Metadata != nil && (deref(k.Metadata.KeyId) == ref || deref(k.Metadata.Arn) == ref)) {
		return true
	}
	// An alias ARN names the same key as its alias name, and back.
	alias := func(s string) string {
		if i := strings.Index(s, ":alias/"); i >= 0 {
			return s[i+1:]
		}
		return s
	}
	return strings.HasPrefix(alias(ref), "alias/") && alias(ref) == alias(k.Ref)
}

// organizations serves ListAccounts from SetOrganization's accounts.
func (s *Server) organizations(c *call) {
	if c.op != "ListAccounts" {
		c.fail(400, "UnknownOperationException", "awstest: Organizations "+c.op+" is not served")
		return
	}
	s.mu.Lock()
	org := s.org
	mgmt := s.callerLocked()
	s.mu.Unlock()
	if org == nil {
		c.fail(400, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
		return
	}
	ids := make([]string, 0, len(org))
	for id := range org {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	from, to, next, ok := s.page(c, len(ids), str(c.in, "NextToken"), num(c.in, "MaxResults"), 20)
	if !ok {
		return
	}
	joined := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []orgtypes.Account
	for _, id := range ids[from:to] {
		out = append(out, orgtypes.Account{Id: ptr(id), Arn: ptr("arn:aws:organizations::" + mgmt + ":account/o-exampleorg/" + id),
			Name: ptr("account-" + id), Email: ptr("aws+" + id + "@example.com"), Status: orgtypes.AccountStatus(org[id]),
			JoinedMethod: "CREATED", JoinedTimestamp: &joined})
	}
	c.reply(withMarker(map[string]any{"Accounts": toJSON(nonNil(out), awsJSON)}, "NextToken", next))
}
