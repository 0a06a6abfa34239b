package monitor

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/control/engine"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/notify"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/event"
	"github.com/emrguard/emrguard/source/tree"
)

// MaxEventSize is the largest event Handle reads: EventBridge's own limit.
const MaxEventSize = 256 << 10

// DefaultAlertOn are the controls that raise an alert by default: a
// cluster without a security configuration, and the AWS pattern's check,
// in-transit encryption; block public access turned off or opened; an
// EMR on EKS execution role with wildcard grants or loose trust, and a
// managed endpoint open to the internet (AlertOnByEvent, per event).
var DefaultAlertOn = []string{"EMR101", "EMR102", "EMR201", "EMR202", "EKS101", "EKS102", "EKS201", "EKS202"}

// Config configures a Monitor.
type Config struct {
	Controls []*control.Control // evaluated when they take source E
	Control  control.Config
	// AlertOn are the control IDs whose failure raises an alert; every
	// other failing control is reported in the same alert.
	AlertOn []string
	// AlertOnUnknown also alerts when an alerting control is unknown
	// (the configuration could not be read): an unverified launch is not
	// a compliant one.
	AlertOnUnknown bool
	Fetcher        Fetcher // nil: NoFetcher
	// Reader reads the execution roles, managed endpoints and clusters
	// events only name; nil: they are unknown, for want of credentials.
	Reader Reader
	Sink   notify.Sink // nil: results only, no alerts
	// Ledger, when set, decides across instances who sends an event's
	// alert (see DynamoLedger); nil: deduplication is per process only,
	// and copies handled by different instances may each alert.
	Ledger Ledger
	// RaisedBy names this host in alerts; in Lambda the invoked function's
	// ARN is used instead.
	RaisedBy string
	// DedupSize bounds the event IDs remembered (default 100000).
	DedupSize int
	Log       *slog.Logger
}

// Monitor evaluates events. It is safe for concurrent use.
type Monitor struct {
	cfg   Config
	alert map[string]bool
	seen  *dedup
	log   *slog.Logger
}

// New returns a Monitor; an unknown control in AlertOn is an error.
func New(cfg Config) (*Monitor, error) {
	m := &Monitor{cfg: cfg, alert: map[string]bool{}, seen: newDedup(cmpInt(cfg.DedupSize, 100000)), log: cfg.Log}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	if m.cfg.Fetcher == nil {
		m.cfg.Fetcher = NoFetcher{}
	}
	ids := cfg.AlertOn
	if len(ids) == 0 {
		ids = DefaultAlertOn
	}
	for _, id := range ids {
		id = strings.ToUpper(strings.TrimSpace(id))
		i := slices.IndexFunc(cfg.Controls, func(c *control.Control) bool { return c.ID == id })
		if i < 0 {
			return nil, fmt.Errorf("alert on %s: no such control", id)
		}
		if cfg.Controls[i].Sources&control.Event == 0 {
			return nil, fmt.Errorf("alert on %s: the control cannot judge launch events (sources %s)", id, cfg.Controls[i].Sources)
		}
		m.alert[id] = true
	}
	return m, nil
}

func cmpInt(a, def int) int {
	if a > 0 {
		return a
	}
	return def
}

// Kind says what Handle did with an event.
type Kind uint8

// The kinds of Outcome.
const (
	Evaluated  Kind = iota // controls ran; Alert is set when one was raised
	FailedCall             // the call failed (errorCode): nothing was launched or changed
	Ignored                // an EMR call the monitor does not judge
	Duplicate              // this event ID was handled already
	// Unverified: the event names a successful launch but cannot be read
	// (no requestParameters, or not an object); the alerting controls
	// are unknown, and an unverified launch is not a compliant one.
	Unverified
)

var kindNames = [...]string{"evaluated", "failed call", "ignored", "duplicate", "unverified"}

// ErrInFlight is the error for a copy of an event whose first copy is
// still being handled. It is not a duplicate yet: the first copy may still
// fail to alert, and this copy must then survive. The caller leaves it
// for redelivery (by then the first copy's outcome is known).
var ErrInFlight = errors.New("another copy of this event is being handled; left for redelivery")

func (k Kind) String() string { return kindNames[k] }

// Outcome is what Handle did with one event.
type Outcome struct {
	Kind    Kind
	Event   model.Event
	Results []control.Result
	Alert   *notify.Alert      // the alert raised and delivered (or spooled)
	Diags   source.Diagnostics // input warnings, lookups that failed
	Failure string             // FailedCall: errorCode and errorMessage
}

// Handle reads one event (an EventBridge envelope or a bare CloudTrail
// record, as JSON) and evaluates it. file names where it came from
// (empty for Lambda and SQS). A malformed event, one of another service or
// one missing what its call needs is an *event.InputError: retrying cannot
// help. Any other error is a delivery failure: the event was not marked
// seen, and the caller must let it be redelivered.
func (m *Monitor) Handle(ctx context.Context, file string, raw []byte) (Outcome, error) {
	if len(raw) > MaxEventSize {
		return Outcome{}, &event.InputError{At: model.Loc{File: file}, Msg: fmt.Sprintf("event is %d bytes, over EventBridge's %d-byte limit", len(raw), MaxEventSize)}
	}
	root, err := tree.ParseJSON(file, raw)
	if err != nil {
		var pe *tree.ParseError
		if errors.As(err, &pe) {
			return Outcome{}, &event.InputError{At: pe.At, Msg: pe.Msg}
		}
		return Outcome{}, &event.InputError{At: model.Loc{File: file}, Msg: err.Error()}
	}
	return m.HandleNode(ctx, file, root)
}

// HandleNode is Handle for an event already parsed.
func (m *Monitor) HandleNode(ctx context.Context, file string, root *tree.Node) (Outcome, error) {
	rec, readErr := event.Read(file, root)
	if readErr != nil {
		// An unreadable event that still names a successful launch is
		// alerted on as unverified, not skipped as bad input.
		if rec = unreadableLaunch(file, root, readErr); rec == nil {
			return Outcome{}, readErr
		}
	}
	out := Outcome{Event: rec.Event}
	key := rec.Key()
	if key != "" {
		switch m.seen.reserve(key) {
		case handled:
			out.Kind = Duplicate
			return out, nil
		case inFlight:
			return out, fmt.Errorf("event %s: %w", key, ErrInFlight)
		}
	}
	out, err := m.handle(ctx, rec, out, readErr)
	if key != "" {
		m.seen.finish(key, err == nil)
	}
	return out, err
}

// handle evaluates rec; readErr, when set, is why the record's
// parameters could not be read.
func (m *Monitor) handle(ctx context.Context, rec *event.Record, out Outcome, readErr error) (Outcome, error) {
	if name := rec.SecurityConfigurationName(); name != "" && !rec.Failed() {
		m.cfg.Fetcher.Forget(rec.Event.Account, rec.Event.Region, name)
	}
	switch {
	case rec.Failed():
		out.Kind = FailedCall
		out.Failure = rec.ErrorCode + ": " + rec.ErrorMessage
		return out, nil
	case !rec.Handled():
		out.Kind = Ignored
		return out, nil
	case rec.Event.Source == event.SourceEMR && rec.Event.Name == "DeleteSecurityConfiguration":
		return m.deleted(ctx, rec, out)
	}
	ev, diags, err := event.Evidence(rec)
	if err != nil {
		var ie *event.InputError
		if !errors.As(err, &ie) || !rec.Launch() {
			return out, err
		}
		if readErr != nil {
			err = readErr
			errors.As(err, &ie)
		}
		return m.unverified(ctx, rec, out, ie)
	}
	out.Diags = diags
	for _, c := range ev.Clusters {
		if !c.SecurityConfiguration.IsSet() {
			continue
		}
		sc, err := m.cfg.Fetcher.SecurityConfiguration(ctx, c.Ref.Account, c.Ref.Region, c.SecurityConfiguration.Val)
		if err != nil {
			out.Diags = append(out.Diags, source.Diagnostic{Call: "emr DescribeSecurityConfiguration", Level: source.Error, Msg: err.Error()})
		}
		ev.SecurityConfigurations = append(ev.SecurityConfigurations, sc)
	}
	out.Diags = append(out.Diags, m.enrich(ctx, rec, ev)...)
	out.Kind = Evaluated
	out.Results = engine.Evaluate(m.cfg.Controls, ev, control.Event, m.cfg.Control)
	return m.raise(ctx, rec, out)
}

// raise sends the alert out.Results call for, if any.
func (m *Monitor) raise(ctx context.Context, rec *event.Record, out Outcome) (Outcome, error) {
	a := m.alertFor(ctx, rec, out.Results)
	if a == nil || m.cfg.Sink == nil {
		return out, nil
	}
	dup, err := m.send(ctx, rec, *a, &out)
	switch {
	case errors.Is(err, ErrInFlight):
		return out, err
	case err != nil:
		return out, fmt.Errorf("alert for event %s: %w", rec.Key(), err)
	case dup:
		out.Kind = Duplicate
		return out, nil
	}
	out.Alert = a
	return out, nil
}

// alertFor builds the event's alert, or nil when no alerting control fails
// (or is unknown, with AlertOnUnknown).
func (m *Monitor) alertFor(ctx context.Context, rec *event.Record, rs []control.Result) *notify.Alert {
	var findings []notify.Finding
	var subject *model.Ref
	alerting := false
	for _, r := range rs {
		on := m.alert[r.Control.ID]
		if r.Verdict != control.Failed && !(r.Verdict == control.Unknown && on) {
			continue
		}
		if on && (r.Verdict == control.Failed || m.cfg.AlertOnUnknown) {
			alerting = true
		}
		if subject == nil {
			subject = &r.Resource
		}
		findings = append(findings, notify.Finding{Control: r.Control.ID, Severity: r.Control.Severity.String(), Verdict: r.Verdict.String(),
			Title: r.Control.Title, Message: r.Message, Alerting: on})
	}
	if !alerting {
		return nil
	}
	// Alerting findings first, then by severity.
	rank := func(f notify.Finding) int {
		sev, _ := control.ParseSeverity(f.Severity)
		r := -int(sev)
		if f.Alerting {
			r -= 100
		}
		return r
	}
	slices.SortStableFunc(findings, func(a, b notify.Finding) int { return rank(a) - rank(b) })
	e := rec.Event
	a := &notify.Alert{
		ID:       rec.Key(),
		Resource: notify.Resource{Kind: subject.Kind, ID: subject.ID, Name: subject.Name, Account: subject.Account, Region: subject.Region},
		Event:    alertEvent(e),
		Findings: findings,
		RaisedBy: m.raiser(ctx),
	}
	what := cmp.Or(titleOf[subject.Kind], "EMR cluster")
	name := subject.Name
	if name == "" {
		name = subject.ID
	} else if subject.ID != name {
		name += " (" + subject.ID + ")"
	}
	var failed, unknown []string
	for _, f := range findings {
		switch {
		case f.Alerting && f.Verdict == control.Failed.String():
			failed = append(failed, f.Control)
		case f.Alerting:
			unknown = append(unknown, f.Control)
		}
	}
	var verdict []string
	if len(failed) > 0 {
		verdict = append(verdict, "fails "+strings.Join(failed, ", "))
	}
	if len(unknown) > 0 {
		verdict = append(verdict, "cannot be verified for "+strings.Join(unknown, ", "))
	}
	a.Title = fmt.Sprintf("%s %s: %s by %s in %s %s", what, name, e.Name, shortPrincipal(e.Who()), subject.Account+"/"+subject.Region, strings.Join(verdict, " and "))
	return a
}

// raiser is who raises alerts: the invoked Lambda function, else RaisedBy.
func (m *Monitor) raiser(ctx context.Context) string {
	if lc, ok := lambdacontext.FromContext(ctx); ok && lc.InvokedFunctionArn != "" {
		return lc.InvokedFunctionArn
	}
	return m.cfg.RaisedBy
}

// alertEvent is the event an alert names.
func alertEvent(e model.Event) notify.Event {
	return notify.Event{ID: e.ID, Time: e.Time, Name: e.Name, Source: e.Source, Principal: e.Principal, Who: e.Who()}
}

func shortPrincipal(p string) string {
	if p == "" {
		return "unknown principal"
	}
	return p
}
