package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/emrguard/emrguard/control"
)

// ASFFSchemaVersion is the AWS Security Finding Format version written.
const ASFFSchemaVersion = "2018-10-08"

// ASFFFinding is one finding in the shape BatchImportFindings takes (the
// fields emrguard fills; JSON names as in the ASFF reference).
type ASFFFinding struct {
	SchemaVersion string            `json:"SchemaVersion"`
	Id            string            `json:"Id"`
	ProductArn    string            `json:"ProductArn"`
	ProductName   string            `json:"ProductName"`
	CompanyName   string            `json:"CompanyName"`
	GeneratorId   string            `json:"GeneratorId"`
	AwsAccountId  string            `json:"AwsAccountId"`
	Region        string            `json:"Region"`
	Types         []string          `json:"Types"`
	CreatedAt     string            `json:"CreatedAt"`
	UpdatedAt     string            `json:"UpdatedAt"`
	Severity      ASFFSeverity      `json:"Severity"`
	Title         string            `json:"Title"`
	Description   string            `json:"Description"`
	Remediation   ASFFRemediation   `json:"Remediation"`
	ProductFields map[string]string `json:"ProductFields"`
	Resources     []ASFFResource    `json:"Resources"`
	Compliance    ASFFCompliance    `json:"Compliance"`
	Workflow      ASFFWorkflow      `json:"Workflow"`
	RecordState   string            `json:"RecordState"`
}

// ASFFSeverity is the finding's severity label and emrguard's own name.
type ASFFSeverity struct {
	Label    string `json:"Label"`
	Original string `json:"Original"`
}

// ASFFRemediation points at the fix.
type ASFFRemediation struct {
	Recommendation struct {
		Text string `json:"Text"`
		Url  string `json:"Url,omitempty"`
	} `json:"Recommendation"`
}

// ASFFResource is the resource a finding is about.
type ASFFResource struct {
	Type      string `json:"Type"`
	Id        string `json:"Id"`
	Partition string `json:"Partition"`
	Region    string `json:"Region"`
	Details   struct {
		Other map[string]string `json:"Other"`
	} `json:"Details"`
}

// ASFFCompliance carries the verdict.
type ASFFCompliance struct {
	Status              string   `json:"Status"`
	RelatedRequirements []string `json:"RelatedRequirements,omitempty"`
}

// ASFFWorkflow is NEW, or SUPPRESSED for an accepted risk.
type ASFFWorkflow struct {
	Status string `json:"Status"`
}

// ASFFFindings converts r's results to findings. The recipe of a finding's
// Id is fixed (changing it would orphan every finding already imported):
//
//	emrguard/v1/<control ID>/<account>/<region>/<resource key>[/s:<subject key>][/#<n>]
//
// where the resource key is the first 32 hex digits of SHA-256 over the
// resource kind, ID and file, NUL-separated (file as given on the command
// line, slash-separated; empty for live resources), and the tail is that
// of the result's control.Identity: the subject key when the control
// judged several things on the resource (each role of a cluster, each
// rule of a group), and an ordinal for results that would still share an
// Id. A result with neither keeps the Id of the first version, so
// findings imported before keep theirs (before subjects, two findings on
// one resource shared an Id and Security Hub kept only one). Scan from
// the same folder (the repository root) for Ids to match between runs.
//
// Compliance.RelatedRequirements names the requirements of every known
// framework the control maps to, as Security Hub writes them
// ("NIST.800-53.r5 SC-8", "PCI DSS v4.0.1/1.4.4"; at most 32).
//
// Verdicts: fail → Compliance.Status FAILED with the control's severity;
// pass → PASSED, severity INFORMATIONAL (it resolves an earlier FAILED
// finding of the same Id); unknown → NOT_AVAILABLE, INFORMATIONAL; n/a is
// not emitted. A suppressed result has Workflow.Status SUPPRESSED.
//
// Account and region come from the resource, else from r.Account and
// r.Region; ASFFFindings fails when neither names them, since Security Hub
// requires both.
func ASFFFindings(r *Run) ([]ASFFFinding, error) {
	partition := r.Partition
	if partition == "" {
		partition = "aws"
	}
	ts := r.Time
	if ts.IsZero() {
		return nil, fmt.Errorf("asff: the run has no time")
	}
	stamp := ts.UTC().Format("2006-01-02T15:04:05.000Z")
	out := []ASFFFinding{}
	related := memo(func(id string) []string { return relatedRequirements(r, id) })
	identity := r.identities()
	for i, res := range r.Results {
		if res.Verdict == control.NotApplicable {
			continue
		}
		account, region := firstOf(res.Resource.Account, eventField(res, true), r.Account), firstOf(res.Resource.Region, eventField(res, false), r.Region)
		if account == "" || region == "" {
			return nil, fmt.Errorf("asff: %s on %s: the AWS account and region are not known; pass --aws-account and --region (or use --security-hub)", res.Control.ID, res.Resource)
		}
		c, id := res.Control, identity(i)
		f := ASFFFinding{
			SchemaVersion: ASFFSchemaVersion,
			Id:            fmt.Sprintf("emrguard/v1/%s/%s/%s/%s%s", c.ID, account, region, id.Resource, id.Tail()),
			ProductArn:    fmt.Sprintf("arn:%s:securityhub:%s:%s:product/%s/default", partition, region, account, account),
			ProductName:   "emrguard", CompanyName: "emrguard",
			GeneratorId:  "emrguard-" + c.ID,
			AwsAccountId: account, Region: region,
			Types:     []string{"Software and Configuration Checks/AWS Security Best Practices"},
			CreatedAt: stamp, UpdatedAt: stamp,
			Severity:    ASFFSeverity{Label: "INFORMATIONAL", Original: c.Severity.String()},
			Title:       clip(c.ID+" "+c.Title, 256),
			Description: clip(res.Message, 1024),
			ProductFields: map[string]string{
				"emrguard/ControlId": c.ID, "emrguard/Verdict": res.Verdict.String(), "emrguard/ToolVersion": r.Tool.Version,
			},
			Compliance:  ASFFCompliance{Status: asffStatus(res.Verdict)},
			Workflow:    ASFFWorkflow{Status: "NEW"},
			RecordState: "ACTIVE",
		}
		if res.Verdict == control.Failed {
			f.Severity.Label = asffLabel(c.Severity)
		}
		f.Compliance.RelatedRequirements = related(c.ID)
		if c.BestPractice != "" {
			f.ProductFields["emrguard/BestPractice"] = c.BestPractice
		}
		if loc := res.Location(); loc.File != "" {
			f.ProductFields["emrguard/Location"] = loc.String()
		}
		if res.Subject != "" {
			f.ProductFields["emrguard/Subject"] = clip(res.Subject, 1024)
		}
		if s := res.Suppressed; s != nil {
			f.Workflow.Status = "SUPPRESSED"
			f.ProductFields["emrguard/Suppression"] = clip(suppressionText(s), 1024)
		}
		f.Remediation.Recommendation.Text = clip(c.Remediation.Text, 512)
		f.Remediation.Recommendation.Url = c.URL
		rs := ASFFResource{Type: asffResourceType(res.Resource.Kind), Id: clip(firstOf(res.Resource.ID, res.Resource.Name, "unnamed"), 512), Partition: partition, Region: region}
		rs.Details.Other = map[string]string{"kind": res.Resource.Kind}
		for k, v := range map[string]string{"name": res.Resource.Name, "file": res.Resource.Loc.File} {
			if v != "" {
				rs.Details.Other[k] = clip(v, 1024)
			}
		}
		if res.Resource.Loc.Line > 0 {
			rs.Details.Other["line"] = strconv.Itoa(res.Resource.Loc.Line)
		}
		f.Resources = []ASFFResource{rs}
		out = append(out, f)
	}
	return out, nil
}

// ASFF writes r as a JSON array of findings, the shape of
// `aws securityhub batch-import-findings --findings file://…` (which takes
// at most 100; --security-hub batches for you).
func ASFF(w io.Writer, r *Run) error {
	fs, err := ASFFFindings(r)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(fs)
}

func asffStatus(v control.Verdict) string {
	switch v {
	case control.Failed:
		return "FAILED"
	case control.Passed:
		return "PASSED"
	}
	return "NOT_AVAILABLE"
}

func asffLabel(s control.Severity) string {
	return [...]string{"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"}[min(int(s), 4)]
}

// asffResourceType maps a resource kind to an ASFF resource type: the
// typed ones where ASFF has them, Other for the rest.
func asffResourceType(kind string) string {
	k := strings.ToLower(kind)
	switch {
	case strings.Contains(k, "securitygroup") || strings.Contains(k, "security_group") || strings.Contains(k, "security-group"):
		return "AwsEc2SecurityGroup"
	case strings.Contains(k, "iam") && strings.Contains(k, "role"):
		return "AwsIamRole"
	}
	return "Other"
}

func eventField(res control.Result, account bool) string {
	e := res.Resource.Event
	if e == nil {
		return ""
	}
	if account {
		return e.Account
	}
	return e.Region
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// clip shortens s to at most n bytes on a rune boundary, as ASFF limits
// field lengths.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n-3]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1] // drop the rune the cut split
	}
	return s + "..."
}
