package control

import (
	"fmt"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/release"
)

// Control is one check of the catalogue, as a value: its metadata and the
// function that judges evidence. Run is nil for a control that is declared
// but whose sources are not built yet; the engine skips it.
type Control struct {
	ID           string // stable, e.g. EMR102
	Title        string // what fails, e.g. "In-transit encryption is not enabled"
	Severity     Severity
	BestPractice string     // e.g. "BP 3.1"
	Sources      SourceKind // kinds of evidence it can judge
	Remediation  Remediation
	URL          string // AWS documentation
	Doc          string // rationale; first line is the title
	Run          func(p *Pass)
}

// Implemented reports whether c has its logic.
func (c *Control) Implemented() bool { return c.Run != nil }

// Config holds the data and settings controls read besides evidence. A
// zero setting means its default (the Default* constants), so a zero
// Config is valid.
type Config struct {
	Releases *release.Table
	// UseCaseTagKey is the cluster tag whose value names a cluster's use
	// case (EMR502; .emrguard.yaml use-case-tag-key).
	UseCaseTagKey string
	// SharedRoleLimit is how many clusters one role or instance profile may
	// serve when none of them carries the use-case tag (EMR502;
	// .emrguard.yaml shared-role-limit).
	SharedRoleLimit int
	// AMIAgeLimitDays is the age past which a custom AMI fails EMR803
	// (.emrguard.yaml ami-age-limit-days).
	AMIAgeLimitDays int
}

// The defaults of Config's settings.
const (
	DefaultUseCaseTagKey   = "use-case"
	DefaultSharedRoleLimit = 3
	DefaultAMIAgeLimitDays = 90
)

// TagKey returns UseCaseTagKey, or its default.
func (c Config) TagKey() string {
	if c.UseCaseTagKey == "" {
		return DefaultUseCaseTagKey
	}
	return c.UseCaseTagKey
}

// RoleLimit returns SharedRoleLimit, or its default.
func (c Config) RoleLimit() int {
	if c.SharedRoleLimit <= 0 {
		return DefaultSharedRoleLimit
	}
	return c.SharedRoleLimit
}

// AMIAgeLimit returns AMIAgeLimitDays, or its default.
func (c Config) AMIAgeLimit() int {
	if c.AMIAgeLimitDays <= 0 {
		return DefaultAMIAgeLimitDays
	}
	return c.AMIAgeLimitDays
}

// Pass is what one control sees for one evaluation.
type Pass struct {
	Control  *Control
	Evidence *model.Evidence
	Source   SourceKind
	Config   Config
	report   func(Result)
}

// NewPass returns what c sees of one evaluation, its results going to
// report: how an engine (package control/engine) runs a control.
func NewPass(c *Control, ev *model.Evidence, source SourceKind, cfg Config, report func(Result)) *Pass {
	return &Pass{Control: c, Evidence: ev, Source: source, Config: cfg, report: report}
}

// Result is one verdict of one control on one resource.
type Result struct {
	Control  *Control
	Resource model.Ref
	Verdict  Verdict
	Message  string
	At       model.Loc // the attribute at fault, else the resource
	// Subject names what within the resource the verdict is about when a
	// control judges several things there (a role, a rule, a namespace):
	// short, taken from the input, never from a position. It is part of
	// the result's identity (Identify).
	Subject  string
	Evidence []string
	// Suppressed is set when an accepted risk covers this result (package
	// suppress); the verdict stays as judged and every report shows both.
	Suppressed *Suppression
}

// Location returns where the result points: its attribute, else the resource.
func (r Result) Location() model.Loc { return r.At.Or(r.Resource.Loc) }

func (p *Pass) emit(v Verdict, ref model.Ref, subject string, at model.Loc, format string, args []any) {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, cutArgs(args)...)
	}
	ref = cutRef(ref)
	if !at.IsValid() {
		at = ref.Loc
	}
	p.report(Result{Control: p.Control, Resource: ref, Subject: Cut(subject), Verdict: v, Message: msg, At: at})
}

// Failf reports that ref violates the control, pointing at at.
func (p *Pass) Failf(ref model.Ref, at model.Loc, format string, args ...any) {
	p.emit(Failed, ref, "", at, format, args)
}

// Passf reports that ref meets the control.
func (p *Pass) Passf(ref model.Ref, at model.Loc, format string, args ...any) {
	p.emit(Passed, ref, "", at, format, args)
}

// Unknownf reports that the evidence needed for ref is missing; the message
// says why.
func (p *Pass) Unknownf(ref model.Ref, at model.Loc, format string, args ...any) {
	p.emit(Unknown, ref, "", at, format, args)
}

// NAf reports that the control does not apply to ref.
func (p *Pass) NAf(ref model.Ref, at model.Loc, format string, args ...any) {
	p.emit(NotApplicable, ref, "", at, format, args)
}

// On returns the reporting helpers of p for one subject within a
// resource: what a control uses when it judges several things on one
// resource (each rule of a group, each role of a cluster), so that each
// result has an identity of its own. The subject should be short and
// read from the input (a role's name, a rule's protocol, ports and
// source), never a position.
func (p *Pass) On(subject string) Subject { return Subject{p, subject} }

// Subject reports results about one subject within a resource (Pass.On).
type Subject struct {
	p    *Pass
	name string
}

// Failf is Pass.Failf for the subject.
func (s Subject) Failf(ref model.Ref, at model.Loc, format string, args ...any) {
	s.p.emit(Failed, ref, s.name, at, format, args)
}

// Passf is Pass.Passf for the subject.
func (s Subject) Passf(ref model.Ref, at model.Loc, format string, args ...any) {
	s.p.emit(Passed, ref, s.name, at, format, args)
}

// Unknownf is Pass.Unknownf for the subject.
func (s Subject) Unknownf(ref model.Ref, at model.Loc, format string, args ...any) {
	s.p.emit(Unknown, ref, s.name, at, format, args)
}

// NAf is Pass.NAf for the subject.
func (s Subject) NAf(ref model.Ref, at model.Loc, format string, args ...any) {
	s.p.emit(NotApplicable, ref, s.name, at, format, args)
}
