package harden_test

import (
	"strings"
	"testing"

	"github.com/emrguard/emrguard/controls"
)

// fixedBy is the harden command that fixes each control it addresses.
var fixedBy = map[string]string{
	"EMR101": "emrguard harden secconf", "EMR102": "emrguard harden certs", "EMR103": "emrguard harden secconf",
	"EMR104": "emrguard harden secconf", "EMR105": "emrguard harden secconf", "EMR106": "emrguard harden secconf",
	"EMR107": "emrguard harden secconf", "EMR108": "emrguard harden secconf", "EMR109": "emrguard harden certs",
	"EMR110": "emrguard harden keys", "EMR401": "emrguard harden secconf", "EMR403": "emrguard harden secconf",
	"EMR501": "emrguard harden iam", "EMR502": "emrguard harden iam", "EMR601": "emrguard harden iam",
	"EMR602": "emrguard harden iam", "EKS101": "emrguard harden iam", "EKS102": "emrguard harden iam",
}

// TestRemediationNamesHarden: the remediation of every control a harden
// command fixes names that command, and no other control names one.
func TestRemediationNamesHarden(t *testing.T) {
	left := map[string]bool{}
	for id := range fixedBy {
		left[id] = true
	}
	for _, c := range controls.All() {
		text := c.Remediation.Text
		want, ok := fixedBy[c.ID]
		switch {
		case ok && !strings.Contains(text, want):
			t.Errorf("%s: remediation does not name `%s`: %s", c.ID, want, text)
		case !ok && strings.Contains(text, "emrguard harden"):
			t.Errorf("%s: remediation names a harden command that does not fix it: %s", c.ID, text)
		}
		delete(left, c.ID)
	}
	for id := range left {
		t.Errorf("%s is no control", id)
	}
}
