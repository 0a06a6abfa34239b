package suppress

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
)

// Rule is one suppression. Controls lists the control IDs it covers ("*"
// for all); Resource, File, Account and Region are path.Match patterns
// ("" matches anything): Resource is matched against the resource's ID
// and its name, File against the slash-separated path of the result.
type Rule struct {
	Controls []string
	Resource string
	File     string
	Account  string
	Region   string
	Until    time.Time // last day it applies, UTC; zero: no end
	Reason   string
	Origin   model.Loc // where the rule is written
	External bool      // written outside the scanned file
}

// Expired reports whether r's end date is before now's day (UTC).
func (r *Rule) Expired(now time.Time) bool {
	return !r.Until.IsZero() && !now.UTC().Before(r.Until.AddDate(0, 0, 1))
}

// covers reports whether r names res's control and resource.
func (r *Rule) covers(res *control.Result) bool {
	idOK := false
	for _, id := range r.Controls {
		if id == "*" || strings.EqualFold(id, res.Control.ID) {
			idOK = true
			break
		}
	}
	if !idOK {
		return false
	}
	ref := res.Resource
	if r.Resource != "" && !match(r.Resource, ref.ID) && !match(r.Resource, ref.Name) {
		return false
	}
	if r.File != "" && !match(r.File, strings.ReplaceAll(res.Location().File, "\\", "/")) {
		return false
	}
	return (r.Account == "" || match(r.Account, ref.Account)) && (r.Region == "" || match(r.Region, ref.Region))
}

func match(pattern, s string) bool {
	if s == "" {
		return false
	}
	ok, err := path.Match(pattern, s)
	return err == nil && ok
}

// Validate checks r's fields: a reason, IDs known to known (when not nil),
// and well-formed patterns.
func (r *Rule) Validate(known func(id string) bool) error {
	if strings.TrimSpace(r.Reason) == "" {
		return fmt.Errorf("suppression of %s has no reason: every accepted risk needs reason=\"…\"", strings.Join(r.Controls, ","))
	}
	if len(r.Controls) == 0 {
		return fmt.Errorf("suppression names no control")
	}
	for _, id := range r.Controls {
		if id != "*" && known != nil && !known(strings.ToUpper(id)) {
			return fmt.Errorf("suppression names unknown control %q", id)
		}
	}
	for _, p := range []string{r.Resource, r.File, r.Account, r.Region} {
		if _, err := path.Match(p, ""); err != nil {
			return fmt.Errorf("suppression pattern %q: %v", p, err)
		}
	}
	return nil
}

func (r *Rule) suppression() *control.Suppression {
	return &control.Suppression{Reason: r.Reason, Until: r.Until, Origin: r.Origin, External: r.External}
}
