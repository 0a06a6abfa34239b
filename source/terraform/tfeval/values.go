package tfeval

import (
	"math/big"
	"strconv"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
)

// Reader is one goroutine's reading of instances: where the diagnostics
// of what it evaluates go and, for the linkers a flat reading reads ahead
// (flat.go), whether it records the arguments read, or replays them.
type Reader struct {
	Diags  *source.Diagnostics
	record bool     // linkers read ahead: keep the arguments read (flat.go)
	missed []string // arguments a replayed linker asked for and did not read ahead
}

// Value is one evaluated argument and the line of its attribute.
type Value struct {
	V   cty.Value
	At  model.Loc
	OK  bool // the argument is written
	Key string
	// Part is an unknown template's text known in part, every literal
	// kept ("arn:aws:iam::${…}:role/EMR_DefaultRole"); cty's refinement
	// keeps only the known start.
	Part model.Partial
}

// arg evaluates a top-level argument of an instance (memoised, as other
// resources may refer to it too).
func (r *Reader) arg(in *Instance, name string) Value {
	if in.replay != nil && !r.record {
		x, ok := in.replay[name]
		if !ok {
			// A linker read an argument it did not read ahead: a bug,
			// said so rather than read as absent.
			r.missed = append(r.missed, in.addr+"."+name)
		}
		return x
	}
	x := Value{Key: name}
	if e, rng, ok := in.res.content().expr(name); in.res.broken != "" {
		x = Value{V: unknown(in.res.broken, ""), At: in.res.at, OK: true, Key: name}
	} else if ok {
		x = Value{V: in.res.m.instAttr(in, name), At: loc(rng), OK: true, Key: name}
		x.Part = in.res.m.partOf(e, x.V, in)
	}
	if r.record {
		if in.replay == nil {
			in.replay = map[string]Value{}
		}
		in.replay[name] = x
	}
	return x
}

// sub evaluates an argument of a nested block.
func (r *Reader) sub(in *Instance, c content, name string) Value {
	x, rng, ok := c.expr(name)
	if !ok {
		return Value{Key: name}
	}
	v := in.res.m.eval(x, in)
	return Value{V: v, At: loc(rng), OK: true, Key: name, Part: in.res.m.partOf(x, v, in)}
}

// partOf renders an unknown template argument part by part (see
// Value.Part), "" when v is known or e is not a template.
func (m *module) partOf(e hcl.Expression, v cty.Value, in *Instance) model.Partial {
	if v.IsWhollyKnown() {
		return ""
	}
	t, ok := unwrap(e).(*hclsyntax.TemplateExpr)
	if !ok || t.IsStringLiteral() {
		return ""
	}
	p, ok := templatePartial(t.Parts, func(x hcl.Expression) cty.Value { return m.eval(x, in) })
	if !ok {
		return ""
	}
	return p
}

func (x Value) Absent() bool { return !x.OK || (x.V.IsKnown() && x.V.IsNull()) }

// Scalar renders a known primitive as Terraform would convert it to a
// string; ok is false for anything else, null and unknown included.
func Scalar(v cty.Value) (string, bool) {
	if v.IsMarked() { // marks sit on a primitive itself: no deep walk
		v, _ = v.Unmark()
	}
	if !v.IsKnown() || v.IsNull() {
		return "", false
	}
	switch v.Type() {
	case cty.String:
		return v.AsString(), true
	case cty.Bool:
		if v.True() {
			return "true", true
		}
		return "false", true
	case cty.Number:
		return numberText(v.AsBigFloat()), true
	}
	return "", false
}

// numberText formats f as Terraform does (no exponent, no trailing
// zeros), whole numbers without big.Float's decimal conversion: that
// conversion was 7 % of reading a corpus's modules, all ports and counts.
func numberText(f *big.Float) string {
	if f.IsInt() {
		if n, acc := f.Int64(); acc == big.Exact {
			return strconv.FormatInt(n, 10)
		}
	}
	return f.Text('f', -1)
}
