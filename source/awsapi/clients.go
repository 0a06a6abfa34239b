package awsapi

import (
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/emr"
	"github.com/aws/aws-sdk-go-v2/service/emrcontainers"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
)

// apiOptions are a client's API options with the scan's instrument added:
// a fresh bound of Concurrency calls in flight for that one client (so
// per service, account and region, as clients are made per account and
// region) and the call counters. The slice is copied: clients made from
// one configuration must not append into a shared array.
func (s *scanner) apiOptions(have []func(*middleware.Stack) error) []func(*middleware.Stack) error {
	return append(slices.Clip(have), s.cnt.instrument(s.opt.Concurrency))
}

// regionClients are the clients of one account in one region.
type regionClients struct {
	emr *emr.Client
	ec2 *ec2.Client
	kms *kms.Client
	s3  *s3.Client
	ct  *cloudtrail.Client
	ec  *emrcontainers.Client
	eks *eks.Client
}

func (s *scanner) regionClients(cfg aws.Config, region string) *regionClients {
	cfg = cfg.Copy()
	cfg.Region = region
	return &regionClients{
		emr: emr.NewFromConfig(cfg, func(o *emr.Options) { o.APIOptions = s.apiOptions(o.APIOptions) }),
		ec2: ec2.NewFromConfig(cfg, func(o *ec2.Options) { o.APIOptions = s.apiOptions(o.APIOptions) }),
		kms: kms.NewFromConfig(cfg, func(o *kms.Options) { o.APIOptions = s.apiOptions(o.APIOptions) }),
		s3:  s.s3(cfg),
		ct:  cloudtrail.NewFromConfig(cfg, func(o *cloudtrail.Options) { o.APIOptions = s.apiOptions(o.APIOptions) }),
		ec:  emrcontainers.NewFromConfig(cfg, func(o *emrcontainers.Options) { o.APIOptions = s.apiOptions(o.APIOptions) }),
		eks: eks.NewFromConfig(cfg, func(o *eks.Options) { o.APIOptions = s.apiOptions(o.APIOptions) }),
	}
}

// s3 is an S3 client for cfg's region; with an endpoint override it
// addresses buckets by path, as test servers and private endpoints
// expect.
func (s *scanner) s3(cfg aws.Config) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.APIOptions = s.apiOptions(o.APIOptions)
		o.UsePathStyle = cfg.BaseEndpoint != nil
		// An object uploaded without a checksum (most PEM zips) makes the
		// SDK log a line to stderr on every GetObject; the report is
		// where emrguard speaks.
		o.DisableLogOutputChecksumValidationSkipped = true
	})
}

func (s *scanner) iam(cfg aws.Config) *iam.Client {
	return iam.NewFromConfig(cfg, func(o *iam.Options) { o.APIOptions = s.apiOptions(o.APIOptions) })
}
