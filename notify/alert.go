package notify

import (
	"context"
	"fmt"
	"strings"
)

// Sink delivers alerts. Send returns nil once the alert is delivered (or,
// for Retrying with a spool, durably kept for a later delivery).
type Sink interface {
	Send(ctx context.Context, a Alert) error
}

// Alert is one launch-monitor alert: one per event, naming the resource,
// every violated control and who did it. Its JSON form is what the
// webhook and stdout sinks write and the spool keeps.
type Alert struct {
	// ID identifies the alert for deduplication: the CloudTrail eventID.
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Resource Resource  `json:"resource"`
	Event    Event     `json:"event"`
	Findings []Finding `json:"findings"`
	// RaisedBy is the ARN of the Lambda function, or the host, that raised it.
	RaisedBy string `json:"raised_by"`
}

// Resource is what the event launched or changed.
type Resource struct {
	Kind    string `json:"kind"`
	ID      string `json:"id"`
	Name    string `json:"name,omitempty"`
	Account string `json:"account"`
	Region  string `json:"region"`
}

// Event is the CloudTrail record behind the alert.
type Event struct {
	ID        string `json:"id"`
	Time      string `json:"time"`
	Name      string `json:"name"`
	Source    string `json:"source"`
	Principal string `json:"principal"` // userIdentity.arn
	Who       string `json:"who"`       // for people: the issuing role and session of an assumed role
}

// Finding is one failing (or, for an alerting control, unknown) result.
type Finding struct {
	Control  string `json:"control"`
	Severity string `json:"severity"`
	Verdict  string `json:"verdict"`
	Title    string `json:"title"`
	Message  string `json:"message"`
	// Alerting is true for the controls configured to raise alerts.
	Alerting bool `json:"alerting"`
}

// Controls returns the IDs of the findings, in order, comma-separated.
func (a Alert) Controls() string {
	ids := make([]string, 0, len(a.Findings))
	for _, f := range a.Findings {
		ids = append(ids, f.Control)
	}
	return strings.Join(ids, ",")
}

// Subject returns a one-line summary under 100 characters, printable
// ASCII, as SNS requires of a subject.
func (a Alert) Subject() string {
	var alerting []string
	for _, f := range a.Findings {
		if f.Alerting {
			alerting = append(alerting, f.Control)
		}
	}
	name := a.Resource.Name
	if name == "" {
		name = a.Resource.ID
	}
	s := fmt.Sprintf("emrguard: %s %s in %s: %s", a.Event.Name, name, a.Region(), strings.Join(alerting, " "))
	return asciiLine(s, 99)
}

// Region returns the resource's region.
func (a Alert) Region() string { return a.Resource.Region }

// asciiLine keeps printable ASCII, maps the rest to '?', and cuts to max
// bytes with an ellipsis.
func asciiLine(s string, max int) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 0x20 && r < 0x7f:
			b = append(b, byte(r))
		default:
			b = append(b, '?')
		}
	}
	if len(b) > max {
		b = append(b[:max-3], "..."...)
	}
	return string(b)
}

// Text renders the alert for people: the first line is the summary, then
// the facts and one line per finding. Slack shows it as is.
func (a Alert) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", a.Title)
	name := a.Resource.Name
	if name == "" {
		name = "-"
	}
	fmt.Fprintf(&b, "Resource:  %s %s (name %s)\n", a.Resource.Kind, a.Resource.ID, name)
	fmt.Fprintf(&b, "Account:   %s\nRegion:    %s\n", a.Resource.Account, a.Resource.Region)
	who := a.Event.Who
	if who == "" { // an alert spooled by an earlier version
		who = a.Event.Principal
	}
	fmt.Fprintf(&b, "Who:       %s\n", who)
	fmt.Fprintf(&b, "Event:     %s %s at %s\n", a.Event.Name, a.Event.ID, a.Event.Time)
	fmt.Fprintf(&b, "Raised by: %s\n\n", a.RaisedBy)
	for _, f := range a.Findings {
		mark := ""
		if f.Alerting {
			mark = " [alert]"
		}
		fmt.Fprintf(&b, "- %s %s (%s)%s: %s. %s\n", f.Control, strings.ToUpper(f.Verdict), f.Severity, mark, f.Title, f.Message)
	}
	return b.String()
}
