package harden_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/controls"
)

// fixedBy are the harden commands that fix each control they address.
var fixedBy = map[string][]string{
	"EMR101": {"emrguard harden secconf", "emrguard harden fix"}, "EMR102": {"emrguard harden certs", "emrguard harden secconf", "emrguard harden fix"},
	"EMR103": {"emrguard harden secconf"}, "EMR104": {"emrguard harden secconf"}, "EMR105": {"emrguard harden secconf"},
	"EMR106": {"emrguard harden secconf", "emrguard harden keys", "emrguard harden fix"},
	"EMR107": {"emrguard harden keys", "emrguard harden secconf"},
	"EMR108": {"emrguard harden secconf"}, "EMR109": {"emrguard harden certs"}, "EMR110": {"emrguard harden keys"},
	"EMR201": {"emrguard harden environment", "emrguard harden fix"},
	"EMR203": {"emrguard harden fix"}, "EMR204": {"emrguard harden fix", "emrguard harden environment"}, "EMR205": {"emrguard harden fix"},
	"EMR301": {"emrguard harden environment"}, "EMR303": {"emrguard harden environment"},
	"EMR401": {"emrguard harden secconf", "emrguard harden fix"}, "EMR403": {"emrguard harden secconf", "emrguard harden fix"},
	"EMR501": {"emrguard harden iam"}, "EMR502": {"emrguard harden iam"}, "EMR601": {"emrguard harden iam"},
	"EMR602": {"emrguard harden iam"}, "EMR703": {"emrguard harden environment"}, "EMR801": {"emrguard harden fix"},
	"EKS101": {"emrguard harden iam"}, "EKS102": {"emrguard harden iam"},
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
		wants, ok := fixedBy[c.ID]
		for _, want := range wants {
			if !strings.Contains(text, want) {
				t.Errorf("%s: remediation does not name `%s`: %s", c.ID, want, text)
			}
		}
		for _, m := range regexp.MustCompile("emrguard harden [a-z]+").FindAllString(text, -1) {
			if !ok || !slices.Contains(wants, m) {
				t.Errorf("%s: remediation names `%s`, which does not fix it: %s", c.ID, m, text)
			}
		}
		delete(left, c.ID)
	}
	for id := range left {
		t.Errorf("%s is no control", id)
	}
}
