package control

import (
	"fmt"
	"strings"
)

// Severity ranks how much a failing control matters.
type Severity uint8

// The severities, lowest first.
const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

// String returns the lower-case name: "low", "medium", …
func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return fmt.Sprintf("severity(%d)", s)
}

// MarshalText returns the lower-case name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// ParseSeverity reads a severity name in any case.
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(n, name) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want one of %s)", name, strings.Join(severityNames[:], ", "))
}

// SourceKind is a bit set of the kinds of evidence a control can judge.
type SourceKind uint8

// The source kinds of CONTROLS.md: I, L and E.
const (
	IaC   SourceKind = 1 << iota // templates, plans, request and configuration files
	Live                         // an AWS account through its APIs, or a snapshot of it
	Event                        // a launch event (CloudTrail record)
)

// String returns the letters of CONTROLS.md, e.g. "I L E".
func (k SourceKind) String() string {
	var s []string
	for _, x := range []struct {
		k SourceKind
		n string
	}{{IaC, "I"}, {Live, "L"}, {Event, "E"}} {
		if k&x.k != 0 {
			s = append(s, x.n)
		}
	}
	return strings.Join(s, " ")
}

// Verdict is the outcome of one control on one resource.
type Verdict uint8

// The four verdicts. (DESIGN.md names them Fail and Pass; Passed avoids a
// clash with the type Pass, and Failed keeps the pair symmetric.)
const (
	Failed        Verdict = iota // the evidence shows the violation
	Passed                       // the evidence shows the control is met
	Unknown                      // the evidence needed is missing, unreadable or denied
	NotApplicable                // the control does not apply to the resource
)

var verdictNames = [...]string{"fail", "pass", "unknown", "n/a"}

// String returns "fail", "pass", "unknown" or "n/a".
func (v Verdict) String() string {
	if int(v) < len(verdictNames) {
		return verdictNames[v]
	}
	return fmt.Sprintf("verdict(%d)", v)
}

// MarshalText returns the verdict's name.
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// ParseVerdict reads "fail", "pass", "unknown" or "n/a".
func ParseVerdict(s string) (Verdict, error) {
	for i, n := range verdictNames {
		if n == s {
			return Verdict(i), nil
		}
	}
	return 0, fmt.Errorf("unknown verdict %q", s)
}

// Remediation says how to fix a failing control, per medium, in Markdown.
type Remediation struct {
	Text           string // what to change, whatever the medium
	CLI            string
	CloudFormation string
	Terraform      string
}
