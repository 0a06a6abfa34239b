package awsapi

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/emrguard/emrguard/source/snapshot"
)

// trailAPI is the part of *cloudtrail.Client collectTrails calls.
type trailAPI interface {
	DescribeTrails(ctx context.Context, params *cloudtrail.DescribeTrailsInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error)
	GetTrailStatus(ctx context.Context, params *cloudtrail.GetTrailStatusInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error)
	GetEventSelectors(ctx context.Context, params *cloudtrail.GetEventSelectorsInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.GetEventSelectorsOutput, error)
}

// trailCache holds the status and selectors of an account's trails by
// trail ARN, so that a multi-region trail, which DescribeTrails shows in
// every region, is asked about once for the whole account. It is shared
// by the account's regions and safe for concurrent use.
type trailCache struct {
	mu      sync.Mutex
	entries map[string]*trailEntry
}

// trailEntry is one trail's status and selectors, fetched once.
type trailEntry struct {
	once          sync.Once
	status        *snapshot.TrailStatus
	selectorsRead bool
	selectors     []cttypes.EventSelector
	advanced      []cttypes.AdvancedEventSelector
}

// newTrailCache returns an empty cache for one account.
func newTrailCache() *trailCache {
	return &trailCache{entries: map[string]*trailEntry{}}
}

// entry returns the entry of a trail ARN, creating it.
func (c *trailCache) entry(arn string) *trailEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[arn]
	if e == nil {
		e = &trailEntry{}
		c.entries[arn] = e
	}
	return e
}

// collectTrails lists the trails that log region (its own, and the
// multi-region and organization trails of other home regions, which
// DescribeTrails shows as shadow trails) with their status and event
// selectors. When DescribeTrails fails it returns nil and the failure
// in fs, so the region's trail controls are unknown, never "no trail".
//
// GetTrailStatus and GetEventSelectors are called with the trail ARN,
// once per ARN for the account, in whichever region meets the trail
// first. AWS documents the ARN as required for a shadow or organization
// trail's status, so asked outside the home region; for GetEventSelectors
// it documents the ARN but not the region (prowler asks it from every
// region; moto 5.2.1 answers it only in the home region, TrailNotFound
// elsewhere). A failure of either call is recorded once, in the region
// that asked, and leaves Status nil or SelectorsRead false on the trail
// in every region. AWS documents GetTrailStatus as answering for one
// region: IsLogging is a setting of the trail (StartLogging and
// StopLogging act in the home region only), so one answer holds for all;
// the delivery error and time are those seen from the region asked.
func collectTrails(ctx context.Context, api trailAPI, region string, cache *trailCache, fs *failures) []*snapshot.Trail {
	out, err := api.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
	if err != nil {
		fs.add("cloudtrail", "DescribeTrails", region, "", fmt.Errorf("cloudtrail DescribeTrails in %s: %w", region, err))
		return nil
	}
	trails := make([]*snapshot.Trail, len(out.TrailList))
	boundedEach(len(out.TrailList), 4, func(i int) {
		t := out.TrailList[i]
		id := aws.ToString(t.TrailARN)
		if id == "" {
			id = aws.ToString(t.Name)
		}
		e := cache.entry(id)
		e.once.Do(func() { e.fetch(ctx, api, region, id, fs) })
		st := &snapshot.Trail{Trail: t, SelectorsRead: e.selectorsRead, EventSelectors: e.selectors, AdvancedEventSelectors: e.advanced}
		if e.status != nil {
			copied := *e.status
			st.Status = &copied
		}
		trails[i] = st
	})
	return trails
}

// fetch reads a trail's status and selectors, recording failures.
func (e *trailEntry) fetch(ctx context.Context, api trailAPI, region, id string, fs *failures) {
	status, err := api.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(id)})
	if err != nil {
		fs.add("cloudtrail", "GetTrailStatus", region, id, fmt.Errorf("cloudtrail GetTrailStatus %s in %s: %w", id, region, err))
	} else {
		e.status = &snapshot.TrailStatus{IsLogging: status.IsLogging, LatestDeliveryError: status.LatestDeliveryError, LatestDeliveryTime: status.LatestDeliveryTime}
	}
	sel, err := api.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(id)})
	if err != nil {
		fs.add("cloudtrail", "GetEventSelectors", region, id, fmt.Errorf("cloudtrail GetEventSelectors %s in %s: %w", id, region, err))
		return
	}
	e.selectorsRead, e.selectors, e.advanced = true, sel.EventSelectors, sel.AdvancedEventSelectors
}
