package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sh "github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/report"
	"github.com/emrguard/emrguard/securityhub"
)

// SecurityHub imports each alert's findings into Security Hub with
// BatchImportFindings, as the ASFF report writes them (report.ASFFFindings:
// the same Id recipe, so a launch's finding and a later scan's of the same
// resource are one finding). The importing account is learned once with
// STS GetCallerIdentity: it owns the ProductArn, while AwsAccountId stays
// the resource's (a central monitor imports for its members, which
// Security Hub accepts from the administrator account).
type SecurityHub struct {
	Client securityhub.API
	STS    interface {
		GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, opts ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
	}
	Region  string
	Version string // the tool version findings carry
	Now     func() time.Time

	mu                 sync.Mutex
	account, partition string
}

// Send imports a's findings in one BatchImportFindings call (an alert
// has far fewer than its 100). A finding Security Hub refuses refuses the
// alert for good (*RejectedError); a failed call may pass later.
func (s *SecurityHub) Send(ctx context.Context, a Alert) error {
	account, partition, err := s.caller(ctx)
	if err != nil {
		return err
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	fs, err := ASFF(a, now(), s.Version)
	if err != nil {
		return &RejectedError{fmt.Errorf("securityhub: %w", err)}
	}
	in := &sh.BatchImportFindingsInput{}
	for _, f := range fs {
		f.ProductArn = fmt.Sprintf("arn:%s:securityhub:%s:%s:product/%s/default", partition, s.Region, account, account)
		in.Findings = append(in.Findings, securityhub.ToSDK(f))
	}
	out, err := s.Client.BatchImportFindings(ctx, in)
	if err != nil {
		err = fmt.Errorf("securityhub BatchImportFindings in %s: %w", s.Region, err)
		var ae smithy.APIError
		if errors.As(err, &ae) && ae.ErrorCode() == "InvalidInputException" {
			return &RejectedError{err}
		}
		return err
	}
	if n := aws.ToInt32(out.FailedCount); n > 0 {
		var why []string
		for _, f := range out.FailedFindings {
			why = append(why, aws.ToString(f.Id)+": "+aws.ToString(f.ErrorCode)+": "+aws.ToString(f.ErrorMessage))
		}
		return &RejectedError{fmt.Errorf("securityhub BatchImportFindings in %s: %d of %d findings rejected: %s", s.Region, n, len(fs), strings.Join(why, "; "))}
	}
	return nil
}

// caller returns the importing account and partition, asked once.
func (s *SecurityHub) caller(ctx context.Context) (string, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.account != "" {
		return s.account, s.partition, nil
	}
	out, err := s.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", "", fmt.Errorf("securityhub: sts GetCallerIdentity (the account findings are imported into): %w", err)
	}
	s.account, s.partition = aws.ToString(out.Account), "aws"
	if p := strings.SplitN(aws.ToString(out.Arn), ":", 3); len(p) == 3 && p[1] != "" {
		s.partition = p[1]
	}
	return s.account, s.partition, nil
}

// ASFF returns a's findings in ASFF, made by report.ASFFFindings from
// results rebuilt from the alert (control ID, title and severity; the
// resource and event).
func ASFF(a Alert, now time.Time, version string) ([]report.ASFFFinding, error) {
	ev := &model.Event{ID: a.Event.ID, Time: a.Event.Time, Name: a.Event.Name, Source: a.Event.Source, Account: a.Resource.Account, Region: a.Resource.Region, Principal: a.Event.Principal}
	ref := model.Ref{Kind: a.Resource.Kind, ID: a.Resource.ID, Name: a.Resource.Name, Account: a.Resource.Account, Region: a.Resource.Region, Event: ev, Origin: model.FromEvent}
	run := &report.Run{Tool: report.Tool{Name: "emrguard", Version: version}, Time: now, Account: a.Resource.Account, Region: a.Resource.Region}
	for _, f := range a.Findings {
		sev, err := control.ParseSeverity(f.Severity)
		if err != nil {
			sev = control.High
		}
		v := control.Unknown
		switch f.Verdict {
		case control.Failed.String():
			v = control.Failed
		case control.Passed.String():
			v = control.Passed
		}
		c := &control.Control{ID: f.Control, Title: f.Title, Severity: sev}
		run.Results = append(run.Results, control.Result{Control: c, Resource: ref, Verdict: v, Message: f.Message})
	}
	return report.ASFFFindings(run)
}
