package tfeval

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// preCheck says why a call of the function name on args would make a
// value over the bounds, before it makes it: the arguments, together,
// must be within them, and the functions whose result can be much
// larger than their arguments are checked on their own estimate. ""
// means the call may go ahead (its result is still checked after).
func preCheck(name string, args []cty.Value) string {
	if msg := oversize(cty.TupleVal(args)); msg != "" {
		return "the arguments are too large: " + msg
	}
	known := func(i int, t cty.Type) (cty.Value, bool) {
		if i >= len(args) {
			return cty.NilVal, false
		}
		v, _ := args[i].UnmarkDeep()
		if !v.IsWhollyKnown() || v.IsNull() || v.Type() != t && t != cty.DynamicPseudoType {
			return cty.NilVal, false
		}
		return v, true
	}
	num := func(i int) (float64, bool) {
		v, ok := known(i, cty.Number)
		if !ok {
			return 0, false
		}
		f, _ := v.AsBigFloat().Float64()
		return f, true
	}
	str := func(i int) (string, bool) {
		v, ok := known(i, cty.String)
		if !ok {
			return "", false
		}
		return v.AsString(), true
	}
	length := func(i int) (int, bool) {
		v, ok := known(i, cty.DynamicPseudoType)
		if !ok || !v.CanIterateElements() {
			return 0, false
		}
		return v.LengthInt(), true
	}
	est := 0.0 // the result's estimated size, elements or bytes
	switch name {
	case "range":
		var start, limit, step float64 = 0, 0, 1
		ok := true
		switch len(args) {
		case 1:
			limit, ok = num(0)
		case 2, 3:
			var ok1, ok2 bool
			start, ok1 = num(0)
			limit, ok2 = num(1)
			ok = ok1 && ok2
			if len(args) == 3 {
				var ok3 bool
				step, ok3 = num(2)
				ok = ok && ok3
			}
		}
		if ok && step != 0 {
			est = math.Abs((limit - start) / step)
		}
		if est > maxElems {
			return fmt.Sprintf("the result would have %.0f elements, over the limit of %d", est, maxElems)
		}
	case "setproduct":
		est = 1
		for i := range args {
			n, _ := length(i)
			est *= float64(n)
		}
		if est > maxElems {
			return fmt.Sprintf("the result would have %.0f elements, over the limit of %d", est, maxElems)
		}
	case "join":
		sep, _ := str(0)
		for i := 1; i < len(args); i++ {
			n, _ := length(i)
			est += float64(len(sep)) * float64(n)
		}
	case "format", "formatlist":
		f, _ := str(0)
		est = float64(len(f)) + widths(f)
		if name == "formatlist" {
			most := 1
			for i := 1; i < len(args); i++ {
				if n, ok := length(i); ok && n > most {
					most = n
				}
			}
			est *= float64(most)
		}
	case "indent":
		n, _ := num(0)
		s, _ := str(1)
		est = n * float64(strings.Count(s, "\n")+1)
	case "replace":
		s, _ := str(0)
		sub, _ := str(1)
		repl, _ := str(2)
		matches := float64(len(s) + 1) // at most one a byte
		if sub != "" && (len(sub) < 2 || sub[0] != '/' || sub[len(sub)-1] != '/') {
			matches = float64(strings.Count(s, sub))
		}
		per := float64(len(repl))
		if strings.Contains(repl, "$") { // $1 may be the whole input
			per *= float64(len(s) + 1)
		}
		est = float64(len(s)) + matches*per
	}
	if est > maxString {
		return fmt.Sprintf("the result would be about %.0f bytes, over the limit of %d", est, maxString)
	}
	return ""
}

var widthRe = regexp.MustCompile(`%[-+# 0]*(\d*)(?:\.(\d+))?`)

// widths adds up the widths and precisions a format string asks for.
func widths(f string) float64 {
	if !strings.Contains(f, "%") {
		return 0
	}
	sum := 0.0
	for _, m := range widthRe.FindAllStringSubmatch(f, -1) {
		for _, d := range m[1:] {
			var n float64
			fmt.Sscan(d, &n)
			sum += n
		}
	}
	return sum
}
