package monitor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/emrguard/emrguard/model"
)

// Accounts gives the AWS configuration that reads an account's EMR
// objects: the monitor's own credentials for its own account, and for a
// member account (an event whose recipientAccountId is another account,
// forwarded to a central monitor) the role RoleName of that account,
// assumed with STS AssumeRole. Assumed credentials are cached per account
// and renewed as they expire; a refused AssumeRole is remembered for
// NegativeTTL so that a burst of events does not hammer STS.
type Accounts struct {
	Base aws.Config
	// Own is the monitor's account; when empty and RoleName is set, it is
	// learned once with STS GetCallerIdentity.
	Own string
	// RoleName is the read-only role deployed in every member account
	// (the org template's); empty: only Own is read, and any account when
	// Own is empty too (the monitor does not know whose credentials it has).
	RoleName    string
	NegativeTTL time.Duration // default 1 minute
	Now         func() time.Time

	mu      sync.Mutex
	members map[string]*member
	own     string
	ownDone bool
}

type member struct {
	ready chan struct{} // closed once cfg or err is set
	cfg   aws.Config
	err   error
	until time.Time // for a refusal: when to ask again
}

// AssumeError is an account the monitor could not read: no role to
// assume there, or AssumeRole refused.
type AssumeError struct {
	Account, RoleARN string
	Err              error
}

func (e *AssumeError) Error() string {
	if e.RoleARN == "" {
		return fmt.Sprintf("account %s: %v", e.Account, e.Err)
	}
	return fmt.Sprintf("sts AssumeRole %s (to read account %s): %v", e.RoleARN, e.Account, e.Err)
}

func (e *AssumeError) Unwrap() error { return e.Err }

// Why says, for a verdict, why the account's objects were not read.
func (e *AssumeError) Why() string {
	if e.RoleARN == "" {
		return fmt.Sprintf("account %s could not be read: %v", e.Account, e.Err)
	}
	reason := e.Err.Error()
	var ae smithy.APIError
	if errors.As(e.Err, &ae) {
		reason = ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	return fmt.Sprintf("account %s could not be read: AssumeRole of %s was refused (%s)", e.Account, e.RoleARN, reason)
}

func (a *Accounts) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// Config returns the configuration that reads account ("" means the
// monitor's own). Its error is an *AssumeError.
func (a *Accounts) Config(ctx context.Context, account string) (aws.Config, error) {
	own, err := a.ownAccount(ctx)
	switch {
	case err != nil:
		return aws.Config{}, &AssumeError{Account: account, Err: fmt.Errorf("the monitor's own account is unknown: %w", err)}
	case account == "" || own == "" || account == own:
		return a.Base, nil
	case a.RoleName == "":
		return aws.Config{}, &AssumeError{Account: account, Err: fmt.Errorf("this monitor's credentials read account %s only, and no --assume-role-name is set", own)}
	}
	a.mu.Lock()
	m := a.members[account]
	if m != nil {
		a.mu.Unlock()
		<-m.ready
		if m.err == nil || a.now().Before(m.until) {
			return m.cfg, m.err
		}
		a.mu.Lock()
		if a.members[account] == m { // expired refusal: ask again
			delete(a.members, account)
		}
		a.mu.Unlock()
		return a.Config(ctx, account)
	}
	// One AssumeRole per account at a time, outside the lock: the other
	// accounts' events go on meanwhile, this account's wait for it.
	m = &member{ready: make(chan struct{})}
	if a.members == nil {
		a.members = map[string]*member{}
	}
	a.members[account] = m
	a.mu.Unlock()
	defer close(m.ready)
	arn := fmt.Sprintf("arn:%s:iam::%s:role/%s", model.PartitionOf(a.Base.Region), account, a.RoleName)
	creds := aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(a.Base), arn, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "emrguard-monitor"
	}))
	// Asked now, not at the first call that needs it: a refusal is then
	// one clear reason, not an error inside every EMR and IAM call.
	if _, err := creds.Retrieve(ctx); err != nil {
		m.err = &AssumeError{Account: account, RoleARN: arn, Err: err}
		m.until = a.now().Add(cmpOr(a.NegativeTTL, time.Minute))
		if ctx.Err() != nil {
			m.until = time.Time{} // this caller gave up; the next asks again
		}
	} else {
		m.cfg = a.Base.Copy()
		m.cfg.Credentials = creds
	}
	return m.cfg, m.err
}

// ownAccount returns Own, or asks STS once when a role is to be assumed.
func (a *Accounts) ownAccount(ctx context.Context) (string, error) {
	if a.Own != "" || a.RoleName == "" {
		return a.Own, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.ownDone {
		out, err := sts.NewFromConfig(a.Base).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return "", fmt.Errorf("sts GetCallerIdentity: %w", err) // asked again next time
		}
		a.own, a.ownDone = aws.ToString(out.Account), true
	}
	return a.own, nil
}
