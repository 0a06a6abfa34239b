package securityhub

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	sh "github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/emrguard/emrguard/internal/awshttp"
)

// Options says which account and endpoint to talk to.
type Options struct {
	Region      string // "" means the SDK's usual lookup (AWS_REGION, profile)
	Profile     string // "" means the default profile
	EndpointURL string // overrides the endpoint of every service (tests, private endpoints)
	MaxAttempts int    // per call, including the first; 0 means 5
}

// Target is a connected Security Hub client and where it imports to.
type Target struct {
	Client    *sh.Client
	Account   string
	Region    string
	Partition string
}

// Connect loads the AWS configuration (environment, shared config and
// credentials files, profile) and learns the account with STS
// GetCallerIdentity, since a finding's ProductArn names it.
func Connect(ctx context.Context, o Options) (*Target, error) {
	opts := []func(*config.LoadOptions) error{}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	attempts := o.MaxAttempts
	if attempts <= 0 {
		attempts = 5
	}
	opts = append(opts, config.WithRetryMaxAttempts(attempts))
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("aws config: %w", err)
	}
	awshttp.Use(&cfg)
	if cfg.Region == "" {
		return nil, fmt.Errorf("aws config: no region: pass --region or set AWS_REGION")
	}
	var endpoint *string
	if o.EndpointURL != "" {
		endpoint = aws.String(o.EndpointURL)
	}
	id, err := sts.NewFromConfig(cfg, func(so *sts.Options) { so.BaseEndpoint = endpoint }).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("sts GetCallerIdentity in %s: %w", cfg.Region, err)
	}
	t := &Target{
		Client:    sh.NewFromConfig(cfg, func(so *sh.Options) { so.BaseEndpoint = endpoint }),
		Account:   aws.ToString(id.Account),
		Region:    cfg.Region,
		Partition: partitionOf(aws.ToString(id.Arn)),
	}
	return t, nil
}

// partitionOf reads the partition from an ARN ("arn:aws-cn:…"), "aws" by default.
func partitionOf(arn string) string {
	if p := strings.Split(arn, ":"); len(p) > 2 && strings.HasPrefix(p[1], "aws") {
		return p[1]
	}
	return "aws"
}
