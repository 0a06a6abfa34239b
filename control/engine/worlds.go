package engine

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
)

// settle judges each world of each alternative (a Terraform root read
// once per way the unknowns deciding its counts can go) and replaces the
// root's results that the first reading left unknown by what the worlds
// agree on, per control and resource: among the worlds where the
// resource has results, the same verdict, not unknown. Where they
// disagree the result is unknown and says what each world gives. A
// result the first reading decided is left as it is (the worlds only
// decide what it could not), but for a pass some world fails: that one
// becomes unknown, saying where it fails. An unknown of the first reading that no world
// repeats, about a resource the worlds judge, was settled by results
// about other resources (a cluster's group, unknown until its count was)
// that the worlds add.
//
// A root and its worlds are judged with the namespaces the user declared
// EMR's (--emr-namespace), which belong to no root; other roots' resources
// are not in them (a world's links are within its root).
func (o Options) settle(base []control.Result, alts []*model.Alternatives, declared []*model.EMRNamespace, controls []*control.Control, source control.SourceKind, cfg control.Config) []control.Result {
	withDeclared := func(ev *model.Evidence) *model.Evidence {
		if len(declared) == 0 {
			return ev
		}
		out := &model.Evidence{}
		out.Merge(ev)
		out.EMRNamespaces = append(out.EMRNamespaces, declared...)
		return out
	}
	// The index of the results by key is built once and kept up to date,
	// and the results sorted once: per root, the work is the root's, not
	// the whole run's (a run of many roots with unknowns was quadratic).
	all := map[resultKey][]int{}
	for i, r := range base {
		all[keyOf(r)] = append(all[keyOf(r)], i)
	}
	n := len(base)
	drop := map[int]bool{}
	for _, alt := range alts {
		if alt.Base == nil {
			continue
		}
		// Which results are this root's: a module two roots call gives
		// both the same addresses and files; such results are left alone.
		own := map[resultKey]int{}
		for _, r := range o.Evaluate(controls, withDeclared(alt.Base), source, cfg) {
			own[keyOf(r)]++
		}
		mine := func(k resultKey) bool { return own[k] == len(all[k]) }
		if len(alt.Worlds) == 0 {
			tooMany(base, all, own, alt, mine)
			continue
		}
		worlds := make([]map[resultKey][]control.Result, len(alt.Worlds))
		judged := map[[2]string]bool{} // resources with results in some world
		var keys []resultKey           // the worlds' keys, in order
		seen := map[resultKey]bool{}
		for i, w := range alt.Worlds {
			worlds[i] = map[resultKey][]control.Result{}
			for _, r := range o.Evaluate(controls, withDeclared(w.Evidence), source, cfg) {
				k := keyOf(r)
				worlds[i][k] = append(worlds[i][k], r)
				judged[[2]string{k.id, k.file}] = true
				if !seen[k] {
					seen[k] = true
					keys = append(keys, k)
				}
			}
		}
		undecided := func(k resultKey) bool {
			for _, i := range all[k] {
				if base[i].Verdict != control.Unknown {
					return false
				}
			}
			return mine(k)
		}
		var add []control.Result
		remove := func(k resultKey) {
			for _, i := range all[k] {
				drop[i] = true
			}
			delete(all, k)
		}
		for _, k := range keys {
			if !mine(k) {
				continue
			}
			if !undecided(k) {
				// A pass or an n/a of the first reading must hold in
				// every world: one where it fails makes it unknown.
				also, made := failsIn(k, alt, worlds), false
				for _, i := range all[k] {
					if v := base[i].Verdict; also != "" && (v == control.Passed || v == control.NotApplicable) {
						base[i].Verdict = control.Unknown
						base[i].Message += also
						made = true
					}
				}
				if each := forEvery(k, alt, worlds, base, all[k]); each != "" && !made {
					for _, i := range all[k] {
						base[i].Message += each
					}
				}
				continue
			}
			rs, also, ok := decide(k, alt, worlds)
			switch {
			case !ok && len(all[k]) == 0:
				// New in the worlds and not decided by them (a group's
				// own unknown, once its count is): keep it unknown.
				add = append(add, withMessage(worlds, k, "")...)
				continue
			case !ok:
				continue
			case rs == nil: // the worlds disagree: say how
				if len(all[k]) == 0 {
					add = append(add, withMessage(worlds, k, also)...)
				}
				for _, i := range all[k] {
					base[i].Message += also
				}
				continue
			}
			remove(k)
			add = append(add, rs...)
		}
		for k := range own {
			if !seen[k] && len(all[k]) > 0 && undecided(k) && judged[[2]string{k.id, k.file}] {
				remove(k)
			}
		}
		for _, r := range add {
			k := keyOf(r)
			all[k] = append(all[k], len(base))
			base = append(base, r)
		}
	}
	if len(drop) == 0 && len(base) == n {
		return base
	}
	kept := base[:0:0]
	for i, r := range base {
		if !drop[i] {
			kept = append(kept, r)
		}
	}
	SortResults(kept)
	return kept
}

// tooMany says, on each unknown of a root that was not read per world
// because its counts hang on too many unknowns, which are and what the
// bound is. Only the unknowns an unknown count or condition caused
// ("count of … is unknown", Terraform's instances.go; "condition IsX is
// unknown", CloudFormation's cond.go) could have been decided by the
// worlds.
func tooMany(base []control.Result, all map[resultKey][]int, own map[resultKey]int, alt *model.Alternatives, mine func(resultKey) bool) {
	why := fmt.Sprintf("; not judged per case: too many unknown conditions (%d: %s; at most %d are)",
		len(alt.Unknowns), strings.Join(alt.Unknowns, ", "), alt.Bound)
	for k := range own {
		if !mine(k) {
			continue
		}
		for _, i := range all[k] {
			if r := base[i]; r.Verdict == control.Unknown && caused(r.Message, alt) {
				base[i].Message += why
			}
		}
	}
}

// forEvery says " (for every element of var.x)" for a result the first
// reading decided on one instance standing for each of a for_each over an
// unknown collection: the worlds where it exists are those where the
// collection has elements, and each gives the first reading's verdict.
func forEvery(k resultKey, alt *model.Alternatives, worlds []map[resultKey][]control.Result, base []control.Result, idx []int) string {
	var in []model.World
	for i, w := range worlds {
		rs := w[k]
		if len(rs) == 0 {
			continue
		}
		for _, r := range rs {
			for _, j := range idx {
				if r.Verdict != base[j].Verdict {
					return ""
				}
			}
		}
		in = append(in, alt.Worlds[i])
	}
	if len(in) == 0 {
		return ""
	}
	if text := existsText(alt, in); strings.HasPrefix(text, "for every element of ") {
		return " (" + text + ")"
	}
	return ""
}

// caused tells whether an unknown's message names an unknown count
// ("count of aws_x.y is unknown", Terraform's instances.go), an unknown
// condition ("condition IsX is unknown", CloudFormation's) or one of
// alt's unknowns.
func caused(msg string, alt *model.Alternatives) bool {
	if strings.Contains(msg, "count of ") || unknownCondition.MatchString(msg) {
		return true
	}
	for _, u := range alt.Unknowns {
		if strings.Contains(msg, u) {
			return true
		}
	}
	return false
}

var unknownCondition = regexp.MustCompile(`\bcondition [A-Za-z0-9]+ is unknown`)

// failsIn says in which worlds control and resource k fail, "" in none.
func failsIn(k resultKey, alt *model.Alternatives, worlds []map[resultKey][]control.Result) string {
	var parts []string
	for i, w := range worlds {
		for _, r := range w[k] {
			if r.Verdict == control.Failed {
				parts = append(parts, fmt.Sprintf("when %s: fail, %s", worldText(alt, alt.Worlds[i].Values), r.Message))
				break
			}
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "; but " + strings.Join(parts, "; ")
}

// withMessage is the first world's results for k, with also added.
func withMessage(worlds []map[resultKey][]control.Result, k resultKey, also string) []control.Result {
	for _, w := range worlds {
		if rs := w[k]; len(rs) > 0 {
			out := make([]control.Result, len(rs))
			for i, r := range rs {
				r.Verdict = control.Unknown
				r.Message += also
				out[i] = r
			}
			return out
		}
	}
	return nil
}

// resultKey is what a result is about, the same in every world.
type resultKey struct {
	control, id, file, subject string
}

func keyOf(r control.Result) resultKey {
	return resultKey{r.Control.ID, r.Resource.ID, r.Resource.Loc.File, r.Subject}
}

// decide judges control and resource k, unknown in the first reading,
// across the worlds. When the worlds where the resource exists agree on
// one verdict other than unknown it returns their results, saying so;
// when they disagree it returns no result and what each world gives, to
// add to the unknown's message; ok is false when they tell nothing new.
func decide(k resultKey, alt *model.Alternatives, worlds []map[resultKey][]control.Result) (_ []control.Result, also string, ok bool) {
	var got [][]control.Result
	var in []model.World // the worlds where the resource exists
	agree := true
	for i, w := range worlds {
		rs := w[k]
		if len(rs) == 0 {
			continue
		}
		for _, r := range rs[1:] {
			if r.Verdict != rs[0].Verdict {
				return nil, "", false // mixed within one world: left as it was
			}
		}
		if len(got) > 0 && rs[0].Verdict != got[0][0].Verdict {
			agree = false
		}
		got = append(got, rs)
		in = append(in, alt.Worlds[i])
	}
	if len(got) == 0 {
		return nil, "", false
	}
	if agree {
		if got[0][0].Verdict == control.Unknown {
			return nil, "", false
		}
		suffix := " (" + existsText(alt, in) + ")"
		if len(in) == len(alt.Worlds) {
			suffix = " (the same whether " + orText(alt) + ")"
		}
		out := make([]control.Result, len(got[0]))
		for i, r := range got[0] {
			r.Message += suffix
			out[i] = r
		}
		return out, "", true
	}
	parts := make([]string, len(got))
	for i, rs := range got {
		parts[i] = fmt.Sprintf("when %s: %s, %s", worldText(alt, in[i].Values), rs[0].Verdict, rs[0].Message)
	}
	return nil, "; the verdict depends on " + strings.Join(alt.Unknowns, " and ") + ": " + strings.Join(parts, "; "), true
}

// orText says "X is true or false" for each unknown, "N is 0 or more"
// for a count.
func orText(alt *model.Alternatives) string {
	parts := make([]string, len(alt.Unknowns))
	bools := 0
	for i, u := range alt.Unknowns {
		parts[i] = u + " is 0 or more"
		if alt.Kind(i) == model.Each {
			parts[i] = u + " is empty or not"
		}
		if alt.Kind(i) == model.Boolean {
			parts[i] = u + " is true or false"
			bools++
		}
	}
	if bools == len(parts) && bools > 1 {
		return strings.Join(alt.Unknowns, " and ") + " are each true or false"
	}
	return strings.Join(parts, " and ")
}

// existsText says in which worlds a resource exists: "in every case where
// it exists: when var.a is true, or when var.b is true"; when those
// worlds are every combination of some unknowns with the others fixed,
// only the fixed ones, and a for_each's collection not empty as "for
// every element of var.names".
func existsText(alt *model.Alternatives, in []model.World) string {
	var fixed []int
	for i := range alt.Unknowns {
		same := true
		for _, w := range in[1:] {
			same = same && w.Values[i] == in[0].Values[i]
		}
		if same {
			fixed = append(fixed, i)
		}
	}
	if len(fixed) > 0 && len(in) == 1<<(len(alt.Unknowns)-len(fixed)) {
		sub := &model.Alternatives{}
		var vals []bool
		var each []string
		for _, i := range fixed {
			if alt.Kind(i) == model.Each && in[0].Values[i] {
				each = append(each, "for every element of "+alt.Unknowns[i])
				continue
			}
			sub.Unknowns = append(sub.Unknowns, alt.Unknowns[i])
			sub.Kinds = append(sub.Kinds, alt.Kind(i))
			vals = append(vals, in[0].Values[i])
		}
		switch {
		case len(sub.Unknowns) == 0:
			return strings.Join(each, " and ")
		case len(each) > 0:
			return "in every case where it exists: when " + worldText(sub, vals) + ", " + strings.Join(each, " and ")
		}
		return "in every case where it exists: when " + worldText(sub, vals)
	}
	cases := make([]string, len(in))
	for i, w := range in {
		cases[i] = "when " + worldText(alt, w.Values)
	}
	return "in every case where it exists: " + strings.Join(cases, ", or ")
}

// worldText says the values of one world: "var.a is true and var.b is
// false", "var.n is at least 1".
func worldText(alt *model.Alternatives, vals []bool) string {
	parts := make([]string, len(alt.Unknowns))
	for i, u := range alt.Unknowns {
		switch {
		case alt.Kind(i) == model.Boolean:
			parts[i] = fmt.Sprintf("%s is %t", u, vals[i])
		case alt.Kind(i) == model.Each && vals[i]:
			parts[i] = u + " is not empty"
		case alt.Kind(i) == model.Each:
			parts[i] = u + " is empty"
		case vals[i]:
			parts[i] = u + " is at least 1"
		default:
			parts[i] = u + " is 0"
		}
	}
	return strings.Join(parts, " and ")
}
