package event

import (
	"fmt"
	"strings"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/tree"
)

// DetailType is the EventBridge detail-type of CloudTrail-sourced events.
const DetailType = "AWS API Call via CloudTrail"

// The CloudTrail event sources read here.
const (
	SourceEMR = "elasticmapreduce.amazonaws.com"
	SourceEKS = "emr-containers.amazonaws.com"
)

// Record is one CloudTrail record of an EMR call, with what the monitor
// needs besides the evidence.
type Record struct {
	Event model.Event
	// EnvelopeID is the EventBridge event id (not the CloudTrail eventID);
	// empty for a bare record.
	EnvelopeID string
	// ErrorCode and ErrorMessage are set for a failed call.
	ErrorCode, ErrorMessage string
	// Params and Response are requestParameters and responseElements (nil
	// when absent or null).
	Params, Response *tree.Node
	// At is where the record starts.
	At model.Loc
}

// Failed reports whether the call failed, so that it created nothing.
func (r *Record) Failed() bool { return r.ErrorCode != "" }

// Key returns the identity used to drop duplicate deliveries: the
// CloudTrail eventID, else the EventBridge id.
func (r *Record) Key() string {
	if r.Event.ID != "" {
		return r.Event.ID
	}
	return r.EnvelopeID
}

// Detect reports whether a JSON document is an EventBridge CloudTrail
// event or a bare CloudTrail record of EMR or EMR on EKS.
func Detect(root *tree.Node) bool {
	if root == nil || root.Kind != tree.Object {
		return false
	}
	if dt, _ := root.Get("detail-type").Str(); dt == DetailType {
		return true
	}
	src, _ := root.Get("eventSource").Str()
	return (src == SourceEMR || src == SourceEKS) && root.Get("eventName") != nil
}

// InputError is an event that cannot be read: malformed, of another
// service, or missing what its call needs. Retrying it cannot help.
type InputError struct {
	At  model.Loc
	ID  string // the event's ID, when it was read
	Msg string
}

func (e *InputError) Error() string {
	var b strings.Builder
	if e.At.File != "" || e.At.IsValid() {
		b.WriteString(e.At.String() + ": ")
	}
	if e.ID != "" {
		b.WriteString("event " + e.ID + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrOtherService is the message of an InputError for an event that is not
// an EMR API call.
const otherService = "not an EMR API call via CloudTrail"

// IsOtherService reports whether err says the event is of another service
// (or another kind of event), which a monitor skips quietly.
func IsOtherService(err error) bool {
	ie, ok := err.(*InputError)
	return ok && strings.HasPrefix(ie.Msg, otherService)
}

// Read returns the record in root: the detail of an EventBridge envelope,
// or root itself when it is a bare record. file names the input in Event.File.
func Read(file string, root *tree.Node) (*Record, error) {
	if root == nil || root.Kind != tree.Object {
		at := model.Loc{File: file}
		if root != nil {
			at = root.At
		}
		return nil, &InputError{At: at, Msg: "event is not a JSON object"}
	}
	rec := &Record{At: root.At}
	ct := root
	envAccount, envRegion, envTime := "", "", ""
	if root.Get("detail") != nil || root.Get("detail-type") != nil {
		rec.EnvelopeID, _ = root.Get("id").Str()
		dt, _ := root.Get("detail-type").Str()
		if dt != DetailType {
			return nil, &InputError{At: root.At, ID: rec.EnvelopeID, Msg: fmt.Sprintf("%s: detail-type is %q, want %q", otherService, dt, DetailType)}
		}
		ct = root.Get("detail")
		if ct == nil || ct.Kind != tree.Object {
			return nil, &InputError{At: root.At, ID: rec.EnvelopeID, Msg: "event has no detail object"}
		}
		envAccount, _ = root.Get("account").Str()
		envRegion, _ = root.Get("region").Str()
		envTime, _ = root.Get("time").Str()
	}
	e := &rec.Event
	e.File = file
	e.ID, _ = ct.Get("eventID").Str()
	e.Name, _ = ct.Get("eventName").Str()
	e.Source, _ = ct.Get("eventSource").Str()
	e.Time = firstOf(str(ct, "eventTime"), envTime)
	e.Region = firstOf(str(ct, "awsRegion"), envRegion)
	e.Account = firstOf(str(ct, "recipientAccountId"), envAccount, str(ct.Get("userIdentity"), "accountId"))
	e.Principal, e.Issuer = Principal(ct.Get("userIdentity"))
	id := rec.Key()
	if e.Source != SourceEMR && e.Source != SourceEKS {
		return nil, &InputError{At: ct.At, ID: id, Msg: fmt.Sprintf("%s: eventSource is %q", otherService, e.Source)}
	}
	if e.Name == "" {
		return nil, &InputError{At: ct.At, ID: id, Msg: "record has no eventName"}
	}
	rec.ErrorCode = str(ct, "errorCode")
	rec.ErrorMessage = str(ct, "errorMessage")
	if p := ct.Get("requestParameters"); p != nil && p.Kind != tree.Null {
		if p.Kind != tree.Object {
			return nil, &InputError{At: p.At, ID: id, Msg: fmt.Sprintf("requestParameters is a %s, want an object", p.Kind)}
		}
		rec.Params = p
	}
	if r := ct.Get("responseElements"); r != nil && r.Kind == tree.Object {
		rec.Response = r
	}
	return rec, nil
}

// Principal says who made the call, as CloudTrail records it: the
// identity's ARN (for an assumed role, the session's), else the invoking
// service, the principal ID or the identity type; and for an assumed role
// the issuing role's ARN, which people recognise (aws-emr-facts.md §4.2:
// model.Event.Who joins the two).
func Principal(u *tree.Node) (principal, issuer string) {
	if u == nil || u.Kind != tree.Object {
		return "", ""
	}
	typ := str(u, "type")
	if typ == "AssumedRole" {
		issuer = str(u.Get("sessionContext").Get("sessionIssuer"), "arn")
	}
	if typ == "AWSService" {
		if s := str(u, "invokedBy"); s != "" {
			return s, issuer
		}
	}
	return firstOf(str(u, "arn"), str(u, "principalId"), str(u, "invokedBy"), typ), issuer
}

func str(n *tree.Node, key string) string {
	s, _ := n.Get(key).Str()
	return s
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
