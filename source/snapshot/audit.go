package snapshot

import (
	"fmt"
	"slices"
	"strings"

	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/emrguard/emrguard/model"
)

// Ref kinds of the live audit objects.
const (
	RegionKind = "aws:region"
	TrailKind  = "cloudtrail:trail"
	BucketKind = "s3:bucket"
)

// accountRegion is the region as a whole: its trails are complete when
// DescribeTrails and every trail's status and selectors were read.
func (m *mapper) accountRegion(r *Region) {
	ar := &model.AccountRegion{Ref: m.ref(RegionKind, m.a.ID+"/"+r.Name, "", r.Name), TrailsComplete: known(true)}
	var whys []string
	if w, ok := m.f.why("cloudtrail", "DescribeTrails", r.Name, ""); ok {
		whys = append(whys, w)
	}
	for _, t := range r.Trails {
		if t.Status == nil {
			whys = append(whys, m.trailWhy(r, t, "GetTrailStatus"))
		}
		if !t.SelectorsRead && !defaultSelectors(t) {
			whys = append(whys, m.trailWhy(r, t, "GetEventSelectors"))
		}
	}
	if len(whys) > 0 {
		ar.TrailsComplete = unknown[bool](strings.Join(whys, "; "))
	}
	m.ev.AccountRegions = append(m.ev.AccountRegions, ar)
}

// trailWhy says why a trail's op was not read: its failure, or that the
// live scan did not make the call.
func (m *mapper) trailWhy(r *Region, t *Trail, op string) string {
	for _, id := range []string{deref(t.Trail.TrailARN), deref(t.Trail.Name)} {
		if w, ok := m.f.why("cloudtrail", op, r.Name, id); ok && id != "" {
			return w
		}
	}
	if w, ok := m.f.why("cloudtrail", op, r.Name, ""); ok {
		return w
	}
	return fmt.Sprintf("the live scan did not read trail %s (%s)", deref(t.Trail.Name), op)
}

// defaultSelectors reports whether DescribeTrails says the trail keeps
// the selectors it was created with: every management event, read and
// write (HasCustomEventSelectors false).
func defaultSelectors(t *Trail) bool {
	return t.Trail.HasCustomEventSelectors != nil && !*t.Trail.HasCustomEventSelectors
}

func (m *mapper) trails(r *Region) {
	for _, t := range r.Trails {
		x := &t.Trail
		id := deref(x.TrailARN)
		if id == "" {
			id = deref(x.Name)
		}
		tr := &model.Trail{Ref: m.ref(TrailKind, id, deref(x.Name), r.Name), Name: str(x.Name), ARN: str(x.TrailARN),
			HomeRegion: str(x.HomeRegion), MultiRegion: boolean(x.IsMultiRegionTrail), Organization: boolean(x.IsOrganizationTrail)}
		if t.Status != nil {
			tr.Logging = boolean(t.Status.IsLogging)
			if tr.Logging.IsAbsent() {
				tr.Logging = unknown[bool](fmt.Sprintf("GetTrailStatus of trail %s gave no IsLogging", deref(x.Name)))
			}
			tr.LatestDeliveryError = str(t.Status.LatestDeliveryError)
		} else {
			why := m.trailWhy(r, t, "GetTrailStatus")
			tr.Logging, tr.LatestDeliveryError = unknown[bool](why), unknown[string](why)
		}
		switch {
		case t.SelectorsRead:
			tr.ManagementWrites = known(managementWrites(t))
		case defaultSelectors(t):
			tr.ManagementWrites = known(true)
		default:
			tr.ManagementWrites = unknown[bool](m.trailWhy(r, t, "GetEventSelectors"))
		}
		m.ev.Trails = append(m.ev.Trails, tr)
	}
}

// emrSource is the event source of EMR's API calls.
const emrSource = "elasticmapreduce.amazonaws.com"

// managementWrites reports whether a trail's selectors record EMR's
// management write events: a basic selector including management events
// (the API's default) of type All or WriteOnly, or an advanced selector
// on eventCategory Management that neither keeps read-only events only
// nor leaves EMR's event source out. A trail whose selectors were never
// customised records every management event.
func managementWrites(t *Trail) bool {
	if len(t.EventSelectors) == 0 && len(t.AdvancedEventSelectors) == 0 {
		return defaultSelectors(t)
	}
	for _, s := range t.EventSelectors {
		include := s.IncludeManagementEvents == nil || *s.IncludeManagementEvents
		rw := s.ReadWriteType == "" || s.ReadWriteType == cttypes.ReadWriteTypeAll || s.ReadWriteType == cttypes.ReadWriteTypeWriteOnly
		if include && rw {
			return true
		}
	}
	for _, s := range t.AdvancedEventSelectors {
		if advancedManagementWrites(s) {
			return true
		}
	}
	return false
}

func advancedManagementWrites(s cttypes.AdvancedEventSelector) bool {
	management := false
	for _, f := range s.FieldSelectors {
		switch deref(f.Field) {
		case "eventCategory":
			management = slices.Contains(f.Equals, "Management")
		case "readOnly":
			if slices.Contains(f.Equals, "true") || slices.Contains(f.NotEquals, "false") {
				return false
			}
		case "eventSource":
			if len(f.Equals) > 0 && !slices.Contains(f.Equals, emrSource) || slices.Contains(f.NotEquals, emrSource) {
				return false
			}
		}
	}
	return management
}

// buckets maps the account's log buckets, and a log bucket a cluster
// names that the snapshot lacks to one whose access logging is Unknown.
func (m *mapper) buckets() {
	seen := map[string]bool{}
	for _, b := range m.a.Buckets {
		seen[b.Name] = true
		mb := &model.Bucket{Ref: m.ref(BucketKind, b.Name, b.Name, ""), Name: known(b.Name)}
		switch {
		case !b.LoggingRead:
			mb.AccessLogging = unknown[bool](m.bucketWhy(b.Name))
		case b.Logging != nil:
			mb.AccessLogging = known(true)
			mb.LogTarget = str(b.Logging.TargetBucket)
		default:
			mb.AccessLogging = known(false)
		}
		m.ev.Buckets = append(m.ev.Buckets, mb)
	}
	var want []string
	for b := range m.bucketsWanted {
		if !seen[b] {
			want = append(want, b)
		}
	}
	slices.Sort(want)
	for _, b := range want {
		m.ev.Buckets = append(m.ev.Buckets, &model.Bucket{Ref: m.ref(BucketKind, b, b, ""), Name: known(b), AccessLogging: unknown[bool](m.bucketWhy(b))})
	}
}

func (m *mapper) bucketWhy(name string) string {
	if w, ok := m.f.why("s3", "GetBucketLogging", "", name); ok {
		return w
	}
	for _, r := range m.a.Regions {
		if w, ok := m.f.why("s3", "GetBucketLogging", r.Name, name); ok {
			return w
		}
	}
	return fmt.Sprintf("the live scan did not read the access logging of bucket %s (GetBucketLogging)", name)
}

// logBucketName returns the bucket of an s3:// (s3n://, s3a://) URI.
func logBucketName(uri string) (string, bool) {
	for _, scheme := range []string{"s3://", "s3n://", "s3a://"} {
		if rest, ok := strings.CutPrefix(uri, scheme); ok {
			name, _, _ := strings.Cut(rest, "/")
			return name, name != ""
		}
	}
	return "", false
}
