package snapshot

import (
	"fmt"
	"strings"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
)

// failed indexes the failures of one account (its own and its regions')
// by call, so that the objects that needed a call can say it failed.
type failed struct {
	account string
	byCall  map[callKey]*Failure
}

type callKey struct{ service, op, region, resource string }

func newFailed(a *Account) *failed {
	f := &failed{account: a.ID, byCall: map[callKey]*Failure{}}
	add := func(x *Failure) {
		k := callKey{x.Service, x.Operation, x.Region, x.Resource}
		if _, dup := f.byCall[k]; !dup {
			f.byCall[k] = x
		}
	}
	for i := range a.Failures {
		add(&a.Failures[i])
	}
	for _, r := range a.Regions {
		for i := range r.Failures {
			x := &r.Failures[i]
			if x.Region == "" {
				// A region's failure names its region, whatever the collector wrote.
				c := *x
				c.Region = r.Name
				x = &c
			}
			add(x)
		}
	}
	return f
}

// why returns the reason of a failed call about resource (or of the same
// call made for the whole region, resource ""), and whether there was one.
func (f *failed) why(service, op, region, resource string) (string, bool) {
	x := f.byCall[callKey{service, op, region, resource}]
	if x == nil && resource != "" {
		x = f.byCall[callKey{service, op, region, ""}]
	}
	if x == nil {
		return "", false
	}
	return reason(f.account, x), true
}

// whyAny is why for the first of ops that failed.
func (f *failed) whyAny(service string, ops []string, region, resource string) (string, bool) {
	for _, op := range ops {
		if w, ok := f.why(service, op, region, resource); ok {
			return w, true
		}
	}
	return "", false
}

// Call names a failed call the way reports print it:
// `emr DescribeSecurityConfiguration "hardened" in eu-west-1 (account 210987654321)`.
func Call(account string, x *Failure) string {
	var b strings.Builder
	b.WriteString(x.Service + " " + x.Operation)
	if x.Resource != "" {
		fmt.Fprintf(&b, " %q", x.Resource)
	}
	if x.Region != "" {
		b.WriteString(" in " + x.Region)
	}
	if account != "" {
		b.WriteString(" (account " + account + ")")
	}
	return b.String()
}

// errorText is the code and message of a failure: "AccessDeniedException:
// not authorized", or the transport error when AWS gave no code.
func errorText(x *Failure) string {
	switch {
	case x.Code == "":
		return x.Message
	case x.Message == "":
		return x.Code
	}
	return x.Code + ": " + x.Message
}

// reason is the Why of a field a failed call left unknown.
func reason(account string, x *Failure) string {
	return Call(account, x) + " failed: " + errorText(x)
}

// diagnose reports every failure of a once, as an Error-level diagnostic
// naming the call: the report lists it and the run ends with exit code 2.
func diagnose(a *Account, diags *source.Diagnostics) {
	who := a.ID
	emit := func(x Failure, region string) {
		if x.Region == "" {
			x.Region = region
		}
		call := Call(who, &x)
		if who == "" && a.Via != "" {
			call += " (account not reached through " + a.Via + ")"
		}
		*diags = append(*diags, source.Diagnostic{Call: call, Level: source.Error, Msg: errorText(&x)})
	}
	for _, x := range a.Failures {
		emit(x, "")
	}
	for _, r := range a.Regions {
		for _, x := range r.Failures {
			emit(x, r.Name)
		}
	}
	if a.ID == "" && len(a.Failures) == 0 {
		*diags = append(*diags, source.Diagnostic{Call: "account " + a.Via, Level: source.Error,
			Msg: "the account was not reached, and the snapshot does not say why"})
	}
}

// unknown returns an Unknown field with why and no location: live
// evidence has none.
func unknown[T any](why string) model.Field[T] { return model.Unresolved[T](why, model.Loc{}) }

// known returns a Set field with no location.
func known[T any](v T) model.Field[T] { return model.Known(v, model.Loc{}) }

// str is a Set field for a non-empty string, Absent otherwise.
func str(s *string) model.Field[string] {
	if s == nil || *s == "" {
		return model.Field[string]{}
	}
	return known(*s)
}

// boolean is a Set field for a present bool, Absent otherwise.
func boolean(b *bool) model.Field[bool] {
	if b == nil {
		return model.Field[bool]{}
	}
	return known(*b)
}
