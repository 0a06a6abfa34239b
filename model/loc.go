package model

import "strings"

import "fmt"

// Loc is a position in an input file. It is valid when Line > 0.
type Loc struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
	EndLine int    `json:"end_line,omitempty"`
}

// IsValid reports whether l names a line in a file.
func (l Loc) IsValid() bool { return l.Line > 0 }

// String formats l like go/token.Position: file:line:col, file:line, file, or "-".
func (l Loc) String() string {
	switch {
	case l.File == "" && !l.IsValid():
		return "-"
	case !l.IsValid():
		return l.File
	case l.Col > 0:
		return fmt.Sprintf("%s:%d:%d", l.File, l.Line, l.Col)
	default:
		return fmt.Sprintf("%s:%d", l.File, l.Line)
	}
}

// Or returns l when it is valid, else fallback.
func (l Loc) Or(fallback Loc) Loc {
	if l.IsValid() {
		return l
	}
	return fallback
}

// Ref identifies a resource wherever it came from: Kind is the resource type
// ("AWS::EMR::Cluster", "aws_emr_cluster", "emr:cluster"), ID the logical ID,
// Terraform address or AWS ID, Name the human name when one is known.
type Ref struct {
	Kind    string
	ID      string
	Name    string
	Account string
	Region  string
	Loc     Loc
	// Event is the CloudTrail record the resource was read from, when it
	// came from a launch event or a log archive.
	Event *Event
	// Origin says what kind of source described the resource, so that
	// only controls able to judge that kind of evidence run on it.
	Origin Origin
}

// Origin is the kind of source a resource was learned from.
type Origin uint8

const (
	// FromIaC: infrastructure code, a request or a configuration file (the zero value).
	FromIaC Origin = iota
	// FromLive: an AWS API reply, or a snapshot of one.
	FromLive
	// FromEvent: a CloudTrail record, as a launch event or from a log archive.
	FromEvent
)

// Event identifies the CloudTrail record behind a resource.
type Event struct {
	ID        string // CloudTrail eventID
	Time      string // RFC 3339
	Name      string // eventName, e.g. RunJobFlow
	Source    string // eventSource
	Account   string
	Region    string
	Principal string // who made the call: userIdentity.arn as CloudTrail records it
	Issuer    string // for an assumed role, the role that issued the session
	File      string // the log file it was read from, if any
}

// Who says who made the call for people: the issuing role and the session
// name for an assumed role (the role is what a reader recognises; the
// session ARN names neither its path nor its account's role directly),
// the principal otherwise.
func (e Event) Who() string {
	if e.Issuer == "" {
		return e.Principal
	}
	if i := strings.LastIndexByte(e.Principal, '/'); i >= 0 && strings.Contains(e.Principal, ":assumed-role/") {
		return e.Issuer + " (session " + e.Principal[i+1:] + ")"
	}
	return e.Issuer
}

// String returns the resource's kind and ID, e.g. "cluster nightly-etl".
func (r Ref) String() string {
	id := r.ID
	if id == "" {
		id = r.Name
	}
	if r.Kind == "" {
		return id
	}
	return r.Kind + " " + id
}
