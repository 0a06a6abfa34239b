package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// Env is what Open needs to build sinks.
type Env struct {
	Stdout io.Writer
	// AWS returns the SDK configuration for a region (SNS topics are
	// published to in their own region).
	AWS  func(region string) (aws.Config, error)
	HTTP *http.Client
	// Policy is applied to each sink; its SpoolDir, when set, gets one
	// sub-folder per target.
	Policy Policy
}

// Open builds the sink for each --notify target, each wrapped in Retrying:
// "stdout", "sns:ARN" (or an SNS topic ARN) and "https://…" (http:// only
// for loopback hosts, for tests). A target it cannot use is an error
// naming it, so that a misconfiguration stops the start, not the first
// alert.
func Open(ctx context.Context, targets []string, env Env) (Multi, error) {
	var out Multi
	for _, t := range targets {
		s, err := open(t, env)
		if err != nil {
			return nil, fmt.Errorf("--notify %q: %w", t, err)
		}
		p := env.Policy
		if p.SpoolDir != "" {
			sum := sha256.Sum256([]byte(t))
			p.SpoolDir = filepath.Join(p.SpoolDir, kind(t)+"-"+hex.EncodeToString(sum[:6]))
		}
		out = append(out, Retrying(s, p))
	}
	return out, nil
}

func kind(t string) string {
	switch {
	case t == "stdout":
		return "stdout"
	case strings.HasPrefix(t, "http"):
		return "webhook"
	}
	return "sns"
}

func open(t string, env Env) (Sink, error) {
	switch {
	case t == "stdout":
		return NewWriter(env.Stdout), nil
	case strings.HasPrefix(t, "sns:") || strings.HasPrefix(t, "arn:"):
		arn := strings.TrimPrefix(t, "sns:")
		p := strings.SplitN(arn, ":", 6)
		if len(p) != 6 || p[0] != "arn" || p[2] != "sns" || p[3] == "" || p[4] == "" || p[5] == "" {
			return nil, fmt.Errorf("want an SNS topic ARN, arn:aws:sns:REGION:ACCOUNT:TOPIC")
		}
		if env.AWS == nil {
			return nil, fmt.Errorf("no AWS configuration to publish with")
		}
		cfg, err := env.AWS(p[3])
		if err != nil {
			return nil, fmt.Errorf("AWS configuration for %s: %w", p[3], err)
		}
		return &SNS{TopicARN: arn, Client: sns.NewFromConfig(cfg)}, nil
	case strings.HasPrefix(t, "https://") || strings.HasPrefix(t, "http://"):
		u, err := url.Parse(t)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("not a URL")
		}
		if u.Scheme == "http" && u.Hostname() != "localhost" && u.Hostname() != "127.0.0.1" && u.Hostname() != "::1" {
			return nil, fmt.Errorf("webhooks must use https (http only to localhost)")
		}
		c := env.HTTP
		if c == nil {
			c = &http.Client{Timeout: 10 * time.Second}
		}
		return &Webhook{URL: t, Client: c}, nil
	}
	return nil, fmt.Errorf("unknown target: want stdout, sns:TOPIC-ARN or https://URL")
}
