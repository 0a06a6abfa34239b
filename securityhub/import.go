package securityhub

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	sh "github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/emrguard/emrguard/report"
	"github.com/emrguard/emrguard/source"
)

// BatchSize is the most findings BatchImportFindings takes in one call.
const BatchSize = 100

// API is the one Security Hub call emrguard makes.
type API interface {
	BatchImportFindings(ctx context.Context, in *sh.BatchImportFindingsInput, opts ...func(*sh.Options)) (*sh.BatchImportFindingsOutput, error)
}

// Summary counts what an import did.
type Summary struct {
	Sent     int // findings sent
	Imported int // findings Security Hub accepted
	Failed   int // findings rejected, or in a batch whose call failed
	Batches  int
}

// Import sends findings in batches of BatchSize. It returns a diagnostic
// for each batch whose call failed (after the client's retries) and for
// each finding Security Hub rejected, and goes on with the next batch.
func Import(ctx context.Context, api API, findings []report.ASFFFinding) (Summary, source.Diagnostics) {
	var sum Summary
	var diags source.Diagnostics
	total := (len(findings) + BatchSize - 1) / BatchSize
	for start := 0; start < len(findings); start += BatchSize {
		batch := findings[start:min(start+BatchSize, len(findings))]
		sum.Batches++
		sum.Sent += len(batch)
		call := fmt.Sprintf("securityhub BatchImportFindings (batch %d of %d)", sum.Batches, total)
		in := &sh.BatchImportFindingsInput{Findings: make([]types.AwsSecurityFinding, len(batch))}
		for i, f := range batch {
			in.Findings[i] = ToSDK(f)
		}
		out, err := api.BatchImportFindings(ctx, in)
		if err != nil {
			sum.Failed += len(batch)
			diags = append(diags, source.Diagnostic{Call: call, Msg: fmt.Sprintf("%d findings not imported: %v", len(batch), err)})
			if ctx.Err() != nil {
				break
			}
			continue
		}
		sum.Imported += int(aws.ToInt32(out.SuccessCount))
		failed := int(aws.ToInt32(out.FailedCount))
		sum.Failed += failed
		for _, ff := range out.FailedFindings {
			diags = append(diags, source.Diagnostic{Call: call, Msg: fmt.Sprintf("finding %s rejected: %s: %s",
				aws.ToString(ff.Id), aws.ToString(ff.ErrorCode), aws.ToString(ff.ErrorMessage))})
		}
		if failed > len(out.FailedFindings) {
			diags = append(diags, source.Diagnostic{Call: call, Msg: fmt.Sprintf("%d findings rejected without details", failed-len(out.FailedFindings))})
		}
	}
	return sum, diags
}

// ToSDK converts a finding to the SDK's type.
func ToSDK(f report.ASFFFinding) types.AwsSecurityFinding {
	out := types.AwsSecurityFinding{
		SchemaVersion: aws.String(f.SchemaVersion),
		Id:            aws.String(f.Id),
		ProductArn:    aws.String(f.ProductArn),
		ProductName:   aws.String(f.ProductName),
		CompanyName:   aws.String(f.CompanyName),
		GeneratorId:   aws.String(f.GeneratorId),
		AwsAccountId:  aws.String(f.AwsAccountId),
		Region:        aws.String(f.Region),
		Types:         f.Types,
		CreatedAt:     aws.String(f.CreatedAt),
		UpdatedAt:     aws.String(f.UpdatedAt),
		Severity:      &types.Severity{Label: types.SeverityLabel(f.Severity.Label), Original: aws.String(f.Severity.Original)},
		Title:         aws.String(f.Title),
		Description:   aws.String(f.Description),
		Remediation: &types.Remediation{Recommendation: &types.Recommendation{
			Text: aws.String(f.Remediation.Recommendation.Text), Url: nilIfEmpty(f.Remediation.Recommendation.Url)}},
		ProductFields: f.ProductFields,
		Compliance:    &types.Compliance{Status: types.ComplianceStatus(f.Compliance.Status), RelatedRequirements: f.Compliance.RelatedRequirements},
		Workflow:      &types.Workflow{Status: types.WorkflowStatus(f.Workflow.Status)},
		RecordState:   types.RecordState(f.RecordState),
	}
	for _, r := range f.Resources {
		out.Resources = append(out.Resources, types.Resource{
			Type: aws.String(r.Type), Id: aws.String(r.Id), Partition: types.Partition(r.Partition), Region: aws.String(r.Region),
			Details: &types.ResourceDetails{Other: r.Details.Other},
		})
	}
	return out
}

func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
