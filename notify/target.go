package notify

import (
	"cmp"
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
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	securityhubsdk "github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Env is what Open needs to build sinks.
type Env struct {
	Stdout io.Writer
	// AWS returns the SDK configuration for a region (SNS topics are
	// published to in their own region).
	AWS  func(region string) (aws.Config, error)
	HTTP *http.Client
	// Version is the tool version Security Hub findings carry.
	Version string
	// Policy is applied to each sink; its SpoolDir, when set, gets one
	// sub-folder per target.
	Policy Policy
}

// Open builds the sink for each --notify target, each wrapped in Retrying:
// "stdout"; "sns:ARN" (or an SNS topic ARN); "slack:URL" and "teams:URL"
// (incoming webhooks; a plain URL of hooks.slack.com, or of a Teams
// webhook host — *.webhook.office.com, *.logic.azure.com,
// *.environment.api.powerplatform.com — is recognised too);
// "eventbridge:BUS" (a bus name or ARN; "eventbridge:" alone is the
// default bus of the configuration's region); "securityhub" or
// "securityhub:REGION"; and "https://…", a generic JSON webhook. http://
// is accepted only for loopback hosts, for tests. A target it cannot use is an error
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
	case strings.HasPrefix(t, "slack:") || isSlack(t):
		return "slack"
	case strings.HasPrefix(t, "teams:") || isTeams(t):
		return "teams"
	case strings.HasPrefix(t, "eventbridge:"):
		return "eventbridge"
	case strings.HasPrefix(t, "securityhub"):
		return "securityhub"
	case strings.HasPrefix(t, "http"):
		return "webhook"
	}
	return "sns"
}

func host(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return strings.ToLower(p.Hostname())
}

func isSlack(u string) bool { return host(u) == "hooks.slack.com" }

func isTeams(u string) bool {
	h := host(u)
	for _, suffix := range []string{".webhook.office.com", ".logic.azure.com", ".environment.api.powerplatform.com"} {
		if strings.HasSuffix(h, suffix) {
			return true
		}
	}
	return false
}

// webhookURL checks a webhook target's URL: https, or http to loopback.
func webhookURL(t string) error {
	u, err := url.Parse(t)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("not a URL")
	}
	if u.Scheme == "http" && u.Hostname() != "localhost" && u.Hostname() != "127.0.0.1" && u.Hostname() != "::1" {
		return fmt.Errorf("webhooks must use https (http only to localhost)")
	}
	return nil
}

// awsConfig is env's SDK configuration for region.
func awsConfig(env Env, region string) (aws.Config, error) {
	if env.AWS == nil {
		return aws.Config{}, fmt.Errorf("no AWS configuration to send with")
	}
	cfg, err := env.AWS(region)
	if err != nil {
		return aws.Config{}, fmt.Errorf("AWS configuration for %s: %w", cmp.Or(region, "the default region"), err)
	}
	return cfg, nil
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
		cfg, err := awsConfig(env, p[3])
		if err != nil {
			return nil, err
		}
		return &SNS{TopicARN: arn, Client: sns.NewFromConfig(cfg)}, nil
	case strings.HasPrefix(t, "eventbridge:"):
		bus := strings.TrimPrefix(t, "eventbridge:")
		region := ""
		if strings.HasPrefix(bus, "arn:") {
			p := strings.SplitN(bus, ":", 6)
			if len(p) != 6 || p[2] != "events" || p[3] == "" || !strings.HasPrefix(p[5], "event-bus/") {
				return nil, fmt.Errorf("want an event bus name or ARN, arn:aws:events:REGION:ACCOUNT:event-bus/NAME")
			}
			region = p[3]
		}
		cfg, err := awsConfig(env, region)
		if err != nil {
			return nil, err
		}
		return &EventBridge{Bus: bus, Client: eventbridge.NewFromConfig(cfg)}, nil
	case t == "securityhub" || strings.HasPrefix(t, "securityhub:"):
		cfg, err := awsConfig(env, strings.TrimPrefix(strings.TrimPrefix(t, "securityhub"), ":"))
		if err != nil {
			return nil, err
		}
		if cfg.Region == "" {
			return nil, fmt.Errorf("no region: give securityhub:REGION or set AWS_REGION")
		}
		return &SecurityHub{Client: securityhubsdk.NewFromConfig(cfg), STS: sts.NewFromConfig(cfg), Region: cfg.Region, Version: env.Version}, nil
	}
	hook := t
	for _, p := range []string{"slack:", "teams:"} {
		hook = strings.TrimPrefix(hook, p)
	}
	if !strings.HasPrefix(hook, "https://") && !strings.HasPrefix(hook, "http://") {
		return nil, fmt.Errorf("unknown target: want stdout, sns:TOPIC-ARN, slack:URL, teams:URL, eventbridge:BUS, securityhub[:REGION] or https://URL")
	}
	if err := webhookURL(hook); err != nil {
		return nil, err
	}
	c := env.HTTP
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	switch kind(t) {
	case "slack":
		return &Slack{URL: hook, Client: c}, nil
	case "teams":
		return &Teams{URL: hook, Client: c}, nil
	}
	return &Webhook{URL: hook, Client: c}, nil
}

// Describe names the kind of sink s delivers to (under its Retrying
// wrapper): "*notify.Slack", "*notify.SNS", …
func Describe(s Sink) string {
	if r, ok := s.(*Retrier); ok {
		s = r.inner
	}
	return fmt.Sprintf("%T", s)
}
