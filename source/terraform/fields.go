package terraform

import (
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/terraform/tfeval"
)

// block returns the first nested block of type t, written or built by a
// dynamic block, or ok false. A dynamic block whose for_each is unknown
// gives a block with why set and no content.
func (r *rd) block(in attrs, p *nested, t string, inner ...string) (nested, bool) {
	if h, ok := in.(hclRes); ok && p == nil {
		// The evaluator's blocks as they are: nestedIn's copy is an
		// allocation for every cluster (bench/README.md, 2026-12-07).
		bs := h.in.Blocks(r.Reader, nil, t, inner...)
		if len(bs) == 0 {
			return nested{}, false
		}
		return nestedOf(bs[0]), true
	}
	bs := in.nestedIn(r, p, t, inner...)
	if len(bs) == 0 {
		return nested{}, false
	}
	return bs[0], true
}

func (r *rd) str(x tfeval.Value) model.Field[string] {
	switch {
	case x.Absent():
		return model.Field[string]{}
	case !x.V.IsWhollyKnown():
		why := tfeval.ReasonOf(x.V)
		if x.Part != "" {
			return model.PartlyKnown(x.Part, why, x.At)
		}
		if p := tfeval.PartialOf(x.V, why); p != "" {
			return model.PartlyKnown(p, why, x.At) // "s3://${module.logs.bucket}/"
		}
		return model.Unresolved[string](why, x.At)
	}
	s, ok := tfeval.Scalar(x.V)
	if !ok {
		r.Diags.Errorf(x.At, "%s is a %s, want a string", x.Key, x.V.Type().FriendlyName())
		return model.Unresolved[string](x.Key+" is not a string", x.At)
	}
	return model.Known(s, x.At)
}

// link reads an argument naming another resource: a known value as is
// (an AWS ID, a name, or the address an id evaluates to), an unknown
// attribute of one resource (aws_iam_role.r.arn) as that resource's
// address.
func (r *rd) link(x tfeval.Value) model.Field[string] {
	if !x.Absent() && !x.V.IsWhollyKnown() {
		if addr, ok := linkFrom(x.V); ok {
			return model.Known(addr, x.At)
		}
	}
	return r.str(x)
}

// linkTo returns the resource of type typ an unknown value is an
// attribute of, wherever the reference was written: a module's
// var.security_configuration given aws_emr_security_configuration.sc.name
// by its caller, whose name is known only in part.
func (r *rd) linkTo(x tfeval.Value, typ string) string {
	if x.Absent() || x.V.IsWhollyKnown() {
		return ""
	}
	if addr, ok := tfeval.FromOf(x.V); ok && localType(addr) == typ {
		return addr
	}
	return ""
}

// linkFrom returns the resource an unknown value is an attribute of. Not
// a data source: what it reads is not among the inputs, and the value is
// unknown for that reason (data.aws_region.x.region in a role's ARN).
func linkFrom(v cty.Value) (string, bool) {
	addr, ok := tfeval.FromOf(v)
	if !ok || strings.HasPrefix(localType(addr), "data.") {
		return "", false
	}
	return addr, true
}

// kmsKey reads a KMS key argument. An ARN known only after apply is a
// key all the same when it comes from a KMS key (or alias) of the inputs:
// the field is that resource's address.
func (r *rd) kmsKey(x tfeval.Value) model.Field[string] {
	if !x.Absent() && !x.V.IsWhollyKnown() {
		if addr, ok := tfeval.FromOf(x.V); ok && kmsTypes[localType(addr)] {
			return model.Known(addr, x.At)
		}
	}
	return r.str(x)
}

var kmsTypes = map[string]bool{"aws_kms_key": true, "aws_kms_replica_key": true, "aws_kms_external_key": true,
	"aws_kms_replica_external_key": true, "aws_kms_alias": true, "data.aws_kms_key": true, "data.aws_kms_alias": true}

// links reads a list of links; a comma-separated string is split (the
// additional_*_security_groups of aws_emr_cluster).
func (r *rd) links(x tfeval.Value, comma bool) model.Field[[]string] {
	if x.Absent() {
		return model.Field[[]string]{}
	}
	if !x.V.IsKnown() {
		if addr, ok := linkFrom(x.V); ok {
			return model.Known([]string{addr}, x.At)
		}
		return model.Unresolved[[]string](tfeval.ReasonOf(x.V), x.At)
	}
	v, _ := x.V.Unmark()
	t := v.Type()
	if t == cty.String {
		s := v.AsString()
		if !comma {
			return model.Known([]string{s}, x.At)
		}
		var out []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return model.Known(out, x.At)
	}
	if !(t.IsListType() || t.IsSetType() || t.IsTupleType()) {
		r.Diags.Errorf(x.At, "%s is a %s, want a list", x.Key, t.FriendlyName())
		return model.Unresolved[[]string](x.Key+" is not a list", x.At)
	}
	out := []string{}
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		f := r.link(tfeval.Value{V: e, At: x.At, OK: true, Key: x.Key})
		if f.IsUnknown() {
			return model.Unresolved[[]string](f.Why, x.At)
		}
		if f.IsSet() {
			out = append(out, f.Val)
		}
	}
	return model.Known(out, x.At)
}

func (r *rd) integer(x tfeval.Value) model.Field[int] {
	switch {
	case x.Absent():
		return model.Field[int]{}
	case !x.V.IsWhollyKnown():
		return model.Unresolved[int](tfeval.ReasonOf(x.V), x.At)
	}
	v, _ := x.V.Unmark()
	n, err := tfeval.ConvertNumber(v)
	if err != nil {
		r.Diags.Errorf(x.At, "%s %s", x.Key, err)
		return model.Unresolved[int](x.Key+" is not a whole number", x.At)
	}
	return model.Known(n, x.At)
}

func (r *rd) boolean(x tfeval.Value) model.Field[bool] {
	switch {
	case x.Absent():
		return model.Field[bool]{}
	case !x.V.IsWhollyKnown():
		return model.Unresolved[bool](tfeval.ReasonOf(x.V), x.At)
	}
	v, _ := x.V.Unmark()
	switch {
	case v.Type() == cty.Bool:
		return model.Known(v.True(), x.At)
	case v.Type() == cty.String && (v.AsString() == "true" || v.AsString() == "false"):
		return model.Known(v.AsString() == "true", x.At)
	}
	r.Diags.Errorf(x.At, "%s is a %s, want true or false", x.Key, v.Type().FriendlyName())
	return model.Unresolved[bool](x.Key+" is not a boolean", x.At)
}
