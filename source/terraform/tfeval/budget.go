package tfeval

import (
	"bytes"
	"fmt"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// The bounds of hostile input. A file under the size limit must not make
// a scan use gigabytes or minutes: forty locals each doubling a string,
// a for over a for over a for, a join of one large string repeated.
const (
	// maxString bounds one evaluated string (1 MiB).
	maxString = 1 << 20
	// maxElems bounds the elements of one evaluated value, nested ones
	// included.
	maxElems = 100_000
	// maxBytes bounds the bytes of the strings of one evaluated value,
	// each use counted: a list of 1,000 uses of one 1 MiB string is
	// small in memory but a gigabyte once joined or encoded.
	maxBytes = 16 << 20
)

// budget is a root's evaluation work, shared by the copies of its loader
// (a flat module's readers evaluate in parallel).
type budget struct {
	used     atomic.Int64
	reported atomic.Bool
}

// spend charges n units; false once the budget is spent.
func (b *budget) spend(n int64) bool {
	if b == nil {
		return true
	}
	return b.used.Add(n) <= Tune.MaxWork
}

// first tells whether this is the first time the spent budget is told:
// only that is an error, what is evaluated after it is unknown, saying
// why (an error for every call of a loop was itself a flood).
func (b *budget) first() bool {
	return b.reported.CompareAndSwap(false, true)
}

const workSpent = "the evaluation work of the module exceeds its budget of for-expression elements and function arguments; the value is not evaluated"

// oversize says why v is over the value bounds, or "" when it is within.
func oversize(v cty.Value) string {
	elems, bytes := 0, 0
	var walk func(v cty.Value) string
	walk = func(v cty.Value) string {
		if v.IsMarked() {
			v, _ = v.Unmark()
		}
		if !v.IsKnown() || v.IsNull() {
			return ""
		}
		t := v.Type()
		switch {
		case t == cty.String:
			n := len(v.AsString())
			if n > maxString {
				return fmt.Sprintf("the value is a string of %d bytes, over the limit of %d", n, maxString)
			}
			if bytes += n; bytes > maxBytes {
				return fmt.Sprintf("the value's strings add up to more than %d bytes", maxBytes)
			}
		case t.IsCollectionType() || t.IsTupleType() || t.IsObjectType():
			if elems += v.LengthInt(); elems > maxElems {
				return fmt.Sprintf("the value has more than %d elements", maxElems)
			}
			for it := v.ElementIterator(); it.Next(); {
				_, e := it.Element()
				if msg := walk(e); msg != "" {
					return msg
				}
			}
		}
		return ""
	}
	return walk(v)
}

// bounded is v, or an unknown value saying why when v is over the value
// bounds, the error reported at rng.
func (m *module) bounded(v cty.Value, rng hcl.Range) cty.Value {
	if plainString(v) && len(v.AsString()) <= maxString {
		return v
	}
	msg := oversize(v)
	if msg == "" {
		return v
	}
	return m.tooLarge(msg, rng)
}

// tooLarge reports at rng that a value is over the bounds, and gives the
// unknown value that stands for it.
func (m *module) tooLarge(msg string, rng hcl.Range) cty.Value {
	m.ld.diags.Errorf(loc(rng), "%s", "the expression's value is too large: "+msg)
	return unknown("the value is too large: "+msg, "")
}

// workFunc is the name, not one HCL can spell, under which a root's
// function table holds its budget: a for-expression's collection finds
// it in the evaluation context.
const workFunc = "\x00work"

// spendFunc charges its argument to b: true while b lasts.
func spendFunc(b *budget) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "n", Type: cty.Number}},
		Type:   function.StaticReturnType(cty.Number),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			n, _ := args[0].AsBigFloat().Int64()
			switch {
			case b.spend(n):
				return cty.NumberIntVal(1), nil
			case b.first():
				return cty.NumberIntVal(0), nil
			}
			return cty.NumberIntVal(-1), nil
		},
	})
}

// spendIn charges n to the budget of ctx's function table: 1 while it
// lasts, 0 the first time it is spent, -1 after. A context with no
// budget (no functions) is not charged: eval gives one to every
// expression with a for in it.
func spendIn(ctx *hcl.EvalContext, n int) int {
	for c := ctx; c != nil; c = c.Parent() {
		if f, ok := c.Functions[workFunc]; ok {
			v, err := f.Call([]cty.Value{cty.NumberIntVal(int64(n))})
			if err != nil {
				return 1
			}
			r, _ := v.AsBigFloat().Int64()
			return int(r)
		}
	}
	return 1
}

// forColl is a for-expression's collection, charged to the budget: the
// elements a for iterates over are its work, and a for over a for over a
// for over range(1024) a billion elements. Once the budget is spent a
// for is not evaluated: its collection is unknown, saying why.
type forColl struct {
	*hclsyntax.ParenthesesExpr
}

// around is e in a node that walks show e itself: a wrapper embedding
// e would show only e's children (Variables would miss a reference).
func around(e hclsyntax.Expression) *hclsyntax.ParenthesesExpr {
	return &hclsyntax.ParenthesesExpr{Expression: e, SrcRange: e.Range()}
}

func (e *forColl) Value(ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	v, hd := e.Expression.Value(ctx)
	if hd.HasErrors() {
		return v, hd
	}
	u, _ := v.Unmark()
	if !u.IsKnown() || u.IsNull() || !(u.CanIterateElements()) {
		return v, hd
	}
	switch spendIn(ctx, u.LengthInt()) {
	case -1:
		return cty.DynamicVal.Mark(why(workSpent)), hd
	case 0:
		return cty.DynamicVal.Mark(why(workSpent)), append(hd, &hcl.Diagnostic{
			Severity: hcl.DiagError, Summary: "Evaluation budget exceeded", Detail: workSpent,
			Subject: e.Range().Ptr(), Expression: e.Expression, EvalContext: ctx,
		})
	}
	return v, hd
}

// guardParts bounds what a template joins: each part that may be a new
// string (a call, a conditional, a nested template) is checked and
// charged, and so are references when there are more than a few (each
// is within the bounds, but a million of them is not). The template
// shortcut still reads the common template of a few references.
func guardParts(e *hclsyntax.TemplateExpr) {
	refs := 0
	for _, p := range e.Parts {
		if _, ok := p.(*hclsyntax.ScopeTraversalExpr); ok {
			refs++
		}
	}
	for i, p := range e.Parts {
		switch p.(type) {
		case *hclsyntax.LiteralValueExpr, *sized:
			continue
		case *hclsyntax.ScopeTraversalExpr:
			if refs <= maxRefParts {
				continue
			}
		}
		e.Parts[i] = &sized{around(p)}
	}
}

// maxRefParts is how many references a template joins unchecked: 16 of
// the largest strings are 16 MiB.
const maxRefParts = 16

// sized is an expression whose value is checked against the bounds and
// its strings charged to the budget before what holds it uses it.
type sized struct {
	*hclsyntax.ParenthesesExpr
}

func (e *sized) Value(ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	v, hd := e.Expression.Value(ctx)
	if hd.HasErrors() {
		return v, hd
	}
	msg := oversize(v)
	r := 0 // over the bounds: an error
	if msg == "" {
		r = spendIn(ctx, 1+elems(v)+strBytes(v)/256)
		msg = workSpent
	}
	switch r {
	case 1:
		return v, hd
	case -1:
		return cty.DynamicVal.Mark(why(msg)), hd
	}
	summary := "The expression's value is too large"
	if msg == workSpent {
		summary = "Evaluation budget exceeded"
	}
	return cty.DynamicVal.Mark(why(msg)), append(hd, &hcl.Diagnostic{
		Severity: hcl.DiagError, Summary: summary, Detail: msg,
		Subject: e.Range().Ptr(), Expression: e.Expression, EvalContext: ctx,
	})
}

// strBytes adds up the bytes of v's strings, each use counted, stopping
// past maxBytes.
func strBytes(v cty.Value) int {
	n := 0
	var walk func(v cty.Value)
	walk = func(v cty.Value) {
		if v.IsMarked() {
			v, _ = v.Unmark()
		}
		switch {
		case n > maxBytes || !v.IsKnown() || v.IsNull():
		case v.Type() == cty.String:
			n += len(v.AsString())
		case v.CanIterateElements():
			for it := v.ElementIterator(); it.Next() && n <= maxBytes; {
				_, e := it.Element()
				walk(e)
			}
		}
	}
	walk(v)
	return n
}

// guardFors puts every for-expression's collection under the budget;
// run on each syntax tree as it is parsed, before anything shares it.
func guardFors(n hclsyntax.Node) {
	if n == nil {
		return
	}
	hclsyntax.VisitAll(n, func(n hclsyntax.Node) hcl.Diagnostics {
		switch e := n.(type) {
		case *hclsyntax.ForExpr:
			if _, done := e.CollExpr.(*forColl); !done {
				e.CollExpr = &forColl{around(e.CollExpr)}
			}
		case *hclsyntax.TemplateJoinExpr:
			if _, done := e.Tuple.(*sized); !done {
				e.Tuple = &sized{around(e.Tuple)}
			}
		case *hclsyntax.TemplateExpr:
			guardParts(e)
		}
		return nil
	})
}

// mayAmplify tells whether an expression's source may hold a for or a
// template part: those are guarded, and their evaluation needs the
// function table (where the budget is).
func mayAmplify(src []byte) bool {
	return bytes.Contains(src, []byte("for")) || bytes.Contains(src, []byte("${")) || bytes.Contains(src, []byte("%{"))
}

// needsBudget tells whether an expression's source may charge the
// budget though it calls no function: a for, or a template of more
// references than are joined unchecked (with fewer, each part is
// checked against the bounds, budget or not).
func needsBudget(src []byte) bool {
	return bytes.Contains(src, []byte("for")) || bytes.Contains(src, []byte("%{")) ||
		bytes.Count(src, []byte("${")) > maxRefParts
}

// parseConfig is hclsyntax.ParseConfig with its for-expressions guarded.
func parseConfig(src []byte, file string, at hcl.Pos) (*hcl.File, hcl.Diagnostics) {
	f, hd := hclsyntax.ParseConfig(src, file, at)
	if f != nil {
		if b, ok := f.Body.(*hclsyntax.Body); ok {
			guardFors(b)
		}
	}
	return f, hd
}

// parseExpression is hclsyntax.ParseExpression with its for-expressions
// guarded.
func parseExpression(src []byte, file string, at hcl.Pos) (hclsyntax.Expression, hcl.Diagnostics) {
	x, hd := hclsyntax.ParseExpression(src, file, at)
	if x != nil && mayAmplify(src) {
		guardFors(x)
	}
	return x, hd
}

// withBudget wraps every function of fs but try and can (whose work is
// their expressions', charged as any other) so that a call charges the
// elements of its arguments and its result to b, and a result over the
// value bounds is an error; fs gets the budget itself under workFunc.
func withBudget(fs map[string]function.Function, b *budget) map[string]function.Function {
	for name, f := range fs {
		if name == "try" || name == "can" {
			continue
		}
		fs[name] = budgeted(name, f, b)
	}
	fs[workFunc] = spendFunc(b)
	return fs
}

// budgeted is f charging its work to b. Its parameters take anything, as
// keepReasons', so that f itself decides what an unknown or marked
// argument gives (its refinements and marks kept).
func budgeted(name string, f function.Function, b *budget) function.Function {
	params, varParam := widened(f, true)
	return function.New(&function.Spec{
		Description: f.Description(),
		Params:      params,
		VarParam:    varParam,
		Type:        f.ReturnTypeForValues,
		Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
			n := 1
			for _, a := range args {
				n += elems(a) + strBytes(a)/256
			}
			if msg := preCheck(name, args); msg != "" {
				return cty.NilVal, fmt.Errorf("%s: %s", name, msg)
			}
			if !b.spend(int64(n)) {
				if b.first() {
					return cty.NilVal, fmt.Errorf("%s: %s", name, workSpent)
				}
				return cty.UnknownVal(ret).Mark(why(workSpent)), nil
			}
			v, err := f.Call(args)
			if err != nil {
				return v, err
			}
			if msg := oversize(v); msg != "" {
				return cty.NilVal, fmt.Errorf("%s: the result is too large: %s", name, msg)
			}
			b.spend(int64(elems(v) + strBytes(v)/256))
			return v, nil
		},
	})
}

// elems counts the elements of v, nested ones included, stopping past
// maxElems (a value over it is refused anyway).
func elems(v cty.Value) int {
	n := 0
	var walk func(v cty.Value)
	walk = func(v cty.Value) {
		if v.IsMarked() {
			v, _ = v.Unmark()
		}
		if n > maxElems || !v.IsKnown() || v.IsNull() || !v.CanIterateElements() {
			return
		}
		n += v.LengthInt()
		for it := v.ElementIterator(); it.Next() && n <= maxElems; {
			_, e := it.Element()
			walk(e)
		}
	}
	walk(v)
	return n
}
