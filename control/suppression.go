package control

import (
	"time"

	"github.com/emrguard/emrguard/model"
)

// Suppression records why a result is accepted as a risk: who may read the
// report sees the reason, the end date and where the suppression is written.
type Suppression struct {
	Reason string
	Until  time.Time // last day it applies (UTC); zero when it has no end
	Origin model.Loc // the comment, sidecar line or config entry
	// External is true for a suppression written outside the scanned file
	// (the config file or a sidecar), false for an inline comment.
	External bool
}
