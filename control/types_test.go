package control

import "testing"

// Ensure verdicts and severities print and parse by the names of the JSON contract.
func TestNames(t *testing.T) {
	for _, v := range []Verdict{Failed, Passed, Unknown, NotApplicable} {
		b, _ := v.MarshalText()
		back, err := ParseVerdict(string(b))
		if err != nil || back != v {
			t.Errorf("verdict %v round trip: %v %v", v, back, err)
		}
	}
	if NotApplicable.String() != "n/a" || Failed.String() != "fail" {
		t.Error("verdict names")
	}
	if s, err := ParseSeverity("HIGH"); err != nil || s != High {
		t.Errorf("ParseSeverity: %v %v", s, err)
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("ParseSeverity accepted severe")
	}
	if (IaC | Event).String() != "I E" {
		t.Errorf("sources %q", (IaC | Event).String())
	}
}
