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

// Config holds the data controls read besides evidence.
type Config struct {
	Releases *release.Table
}

// Pass is what one control sees for one evaluation.
type Pass struct {
	Control  *Control
	Evidence *model.Evidence
	Source   SourceKind
	Config   Config
	report   func(Result)
}

// Result is one verdict of one control on one resource.
type Result struct {
	Control  *Control
	Resource model.Ref
	Verdict  Verdict
	Message  string
	At       model.Loc // the attribute at fault, else the resource
	Evidence []string
	// Suppressed is set when an accepted risk covers this result (package
	// suppress); the verdict stays as judged and every report shows both.
	Suppressed *Suppression
}

// Location returns where the result points: its attribute, else the resource.
func (r Result) Location() model.Loc { return r.At.Or(r.Resource.Loc) }

func (p *Pass) emit(v Verdict, ref model.Ref, at model.Loc, format string, args []any) {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	if !at.IsValid() {
		at = ref.Loc
	}
	p.report(Result{Control: p.Control, Resource: ref, Verdict: v, Message: msg, At: at})
}

// Failf reports that ref violates the control, pointing at at.
func (p *Pass) Failf(ref model.Ref, at model.Loc, format string, args ...any) {
	p.emit(Failed, ref, at, format, args)
}

// Passf reports that ref meets the control.
func (p *Pass) Passf(ref model.Ref, at model.Loc, format string, args ...any) {
	p.emit(Passed, ref, at, format, args)
}

// Unknownf reports that the evidence needed for ref is missing; the message
// says why.
func (p *Pass) Unknownf(ref model.Ref, at model.Loc, format string, args ...any) {
	p.emit(Unknown, ref, at, format, args)
}

// NAf reports that the control does not apply to ref.
func (p *Pass) NAf(ref model.Ref, at model.Loc, format string, args ...any) {
	p.emit(NotApplicable, ref, at, format, args)
}
