package compliance

import "github.com/emrguard/emrguard/control"

// RequirementStatus is one requirement's roll-up over the results of the
// controls mapped to it.
type RequirementStatus struct {
	Requirement
	Verdict control.Verdict
	// Results counts the mapped results by verdict (index: control.Verdict).
	Results [4]int
}

// Report is a framework's requirement-level status for one run.
type Report struct {
	Framework    *Framework
	Requirements []RequirementStatus // in the framework's order
	// Counts counts requirements by verdict (index: control.Verdict).
	Counts [4]int
}

// Evaluate rolls results up to f's requirements. A requirement fails if
// any mapped result fails, is unknown if any is unknown and none fails,
// passes if at least one applies and all that apply pass, and is n/a when
// none applies (no mapped result, or only n/a ones). Suppressed results
// count as what they are: a suppression accepts a risk, it does not meet
// a requirement.
func Evaluate(f *Framework, results []control.Result) Report {
	byControl := map[string]*[4]int{}
	for _, id := range f.Controls() {
		byControl[id] = &[4]int{}
	}
	for i := range results {
		if n := byControl[results[i].Control.ID]; n != nil && int(results[i].Verdict) < len(n) {
			n[results[i].Verdict]++
		}
	}
	rep := Report{Framework: f}
	for _, r := range f.Requirements {
		s := RequirementStatus{Requirement: r}
		for _, id := range r.Controls {
			for v, n := range byControl[id] {
				s.Results[v] += n
			}
		}
		s.Verdict = rollUp(s.Results)
		rep.Counts[s.Verdict]++
		rep.Requirements = append(rep.Requirements, s)
	}
	return rep
}

func rollUp(n [4]int) control.Verdict {
	switch {
	case n[control.Failed] > 0:
		return control.Failed
	case n[control.Unknown] > 0:
		return control.Unknown
	case n[control.Passed] > 0:
		return control.Passed
	}
	return control.NotApplicable
}
