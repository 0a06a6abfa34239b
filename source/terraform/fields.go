package terraform

import (
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/emrguard/emrguard/model"
)

// block returns the first nested block of type t, written or built by a
// dynamic block, or ok false. A dynamic block whose for_each is unknown
// gives a block with why set and no content.
func (r *rd) block(in attrs, p *nested, t string, inner ...string) (nested, bool) {
	bs := in.nestedIn(r, p, t, inner...)
	if len(bs) == 0 {
		return nested{}, false
	}
	return bs[0], true
}

func (r *rd) str(x val) model.Field[string] {
	switch {
	case x.absent():
		return model.Field[string]{}
	case !x.v.IsWhollyKnown():
		why := reasonOf(x.v)
		if x.part != "" {
			return model.PartlyKnown(x.part, why, x.at)
		}
		if p := partialOf(x.v, why); p != "" {
			return model.PartlyKnown(p, why, x.at) // "s3://${module.logs.bucket}/"
		}
		return model.Unresolved[string](why, x.at)
	}
	s, ok := scalar(x.v)
	if !ok {
		r.diags.Errorf(x.at, "%s is a %s, want a string", x.key, x.v.Type().FriendlyName())
		return model.Unresolved[string](x.key+" is not a string", x.at)
	}
	return model.Known(s, x.at)
}

// link reads an argument naming another resource: a known value as is
// (an AWS ID, a name, or the address an id evaluates to), an unknown
// attribute of one resource (aws_iam_role.r.arn) as that resource's
// address.
func (r *rd) link(x val) model.Field[string] {
	if !x.absent() && !x.v.IsWhollyKnown() {
		if addr, ok := linkFrom(x.v); ok {
			return model.Known(addr, x.at)
		}
	}
	return r.str(x)
}

// linkTo returns the resource of type typ an unknown value is an
// attribute of, wherever the reference was written: a module's
// var.security_configuration given aws_emr_security_configuration.sc.name
// by its caller, whose name is known only in part.
func (r *rd) linkTo(x val, typ string) string {
	if x.absent() || x.v.IsWhollyKnown() {
		return ""
	}
	if addr, ok := fromOf(x.v); ok && localType(addr) == typ {
		return addr
	}
	return ""
}

// linkFrom returns the resource an unknown value is an attribute of. Not
// a data source: what it reads is not among the inputs, and the value is
// unknown for that reason (data.aws_region.x.region in a role's ARN).
func linkFrom(v cty.Value) (string, bool) {
	addr, ok := fromOf(v)
	if !ok || strings.HasPrefix(localType(addr), "data.") {
		return "", false
	}
	return addr, true
}

// kmsKey reads a KMS key argument. An ARN known only after apply is a
// key all the same when it comes from a KMS key (or alias) of the inputs:
// the field is that resource's address.
func (r *rd) kmsKey(x val) model.Field[string] {
	if !x.absent() && !x.v.IsWhollyKnown() {
		if addr, ok := fromOf(x.v); ok && kmsTypes[localType(addr)] {
			return model.Known(addr, x.at)
		}
	}
	return r.str(x)
}

var kmsTypes = map[string]bool{"aws_kms_key": true, "aws_kms_replica_key": true, "aws_kms_external_key": true,
	"aws_kms_replica_external_key": true, "aws_kms_alias": true, "data.aws_kms_key": true, "data.aws_kms_alias": true}

// links reads a list of links; a comma-separated string is split (the
// additional_*_security_groups of aws_emr_cluster).
func (r *rd) links(x val, comma bool) model.Field[[]string] {
	if x.absent() {
		return model.Field[[]string]{}
	}
	if !x.v.IsKnown() {
		if addr, ok := linkFrom(x.v); ok {
			return model.Known([]string{addr}, x.at)
		}
		return model.Unresolved[[]string](reasonOf(x.v), x.at)
	}
	v, _ := x.v.Unmark()
	t := v.Type()
	if t == cty.String {
		s := v.AsString()
		if !comma {
			return model.Known([]string{s}, x.at)
		}
		var out []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return model.Known(out, x.at)
	}
	if !(t.IsListType() || t.IsSetType() || t.IsTupleType()) {
		r.diags.Errorf(x.at, "%s is a %s, want a list", x.key, t.FriendlyName())
		return model.Unresolved[[]string](x.key+" is not a list", x.at)
	}
	out := []string{}
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		f := r.link(val{v: e, at: x.at, ok: true, key: x.key})
		if f.IsUnknown() {
			return model.Unresolved[[]string](f.Why, x.at)
		}
		if f.IsSet() {
			out = append(out, f.Val)
		}
	}
	return model.Known(out, x.at)
}

func (r *rd) integer(x val) model.Field[int] {
	switch {
	case x.absent():
		return model.Field[int]{}
	case !x.v.IsWhollyKnown():
		return model.Unresolved[int](reasonOf(x.v), x.at)
	}
	v, _ := x.v.Unmark()
	n, err := convertNumber(v)
	if err != nil {
		r.diags.Errorf(x.at, "%s %s", x.key, err)
		return model.Unresolved[int](x.key+" is not a whole number", x.at)
	}
	return model.Known(n, x.at)
}

func (r *rd) boolean(x val) model.Field[bool] {
	switch {
	case x.absent():
		return model.Field[bool]{}
	case !x.v.IsWhollyKnown():
		return model.Unresolved[bool](reasonOf(x.v), x.at)
	}
	v, _ := x.v.Unmark()
	switch {
	case v.Type() == cty.Bool:
		return model.Known(v.True(), x.at)
	case v.Type() == cty.String && (v.AsString() == "true" || v.AsString() == "false"):
		return model.Known(v.AsString() == "true", x.at)
	}
	r.diags.Errorf(x.at, "%s is a %s, want true or false", x.key, v.Type().FriendlyName())
	return model.Unresolved[bool](x.key+" is not a boolean", x.at)
}
