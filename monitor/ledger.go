package monitor

import (
	"context"
	"errors"
	"fmt"

	"github.com/emrguard/emrguard/notify"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/event"
)

// Ledger records, across every instance of the monitor, which events
// have been alerted on, so that one alert goes out per event however many
// copies EventBridge or SQS deliver and however many Lambda instances or
// daemons handle them. The in-process deduplication stays in front of it.
type Ledger interface {
	// Claim takes the right to send the alert of event id. It returns
	// ErrAlreadySent when another instance sent it, ErrClaimHeld when
	// another instance is sending it now, and any other error when the
	// ledger could not be asked. On success the caller sends, then calls
	// the returned done with whether the alert was delivered: a claim
	// whose alert failed is released, so a redelivery can send it.
	Claim(ctx context.Context, id string) (done func(ctx context.Context, sent bool) error, err error)
}

// ErrAlreadySent is Claim's answer for an event whose alert another
// instance delivered: the copy is a duplicate.
var ErrAlreadySent = errors.New("alert already sent by another instance")

// ErrClaimHeld is Claim's answer for an event another instance is
// alerting on now; like ErrInFlight, the copy is left for redelivery,
// since that instance may still fail.
var ErrClaimHeld = errors.New("another instance is sending this alert")

// send delivers a through the sink, under the ledger's claim when there
// is a ledger. dup reports a copy another instance already alerted on.
// When the ledger cannot be asked (down, throttled past the SDK's
// retries), the alert is sent all the same: losing an alert is worse than
// sending two. The warning says so.
func (m *Monitor) send(ctx context.Context, rec *event.Record, a notify.Alert, out *Outcome) (dup bool, err error) {
	if m.cfg.Ledger == nil {
		return false, m.cfg.Sink.Send(ctx, a)
	}
	done, err := m.cfg.Ledger.Claim(ctx, a.ID)
	switch {
	case errors.Is(err, ErrAlreadySent):
		return true, nil
	case errors.Is(err, ErrClaimHeld):
		return false, fmt.Errorf("event %s: %w: %w", rec.Key(), ErrInFlight, err)
	case err != nil:
		msg := fmt.Sprintf("event %s: alerting without the deduplication ledger (duplicates are possible): %v", rec.Key(), err)
		m.log.Warn("deduplication ledger unavailable; alerting anyway, duplicates are possible", "event", rec.Key(), "err", err)
		out.Diags = append(out.Diags, source.Diagnostic{Call: "dedup ledger", Level: source.Warning, Msg: msg})
		return false, m.cfg.Sink.Send(ctx, a)
	}
	sendErr := m.cfg.Sink.Send(ctx, a)
	// The ledger is told on a context of its own: a deadline that cut the
	// send short must not leave the claim held.
	if err := done(context.WithoutCancel(ctx), sendErr == nil); err != nil {
		m.log.Warn("deduplication ledger not updated; a copy may alert again once the claim's lease ends", "event", rec.Key(), "sent", sendErr == nil, "err", err)
		out.Diags = append(out.Diags, source.Diagnostic{Call: "dedup ledger", Level: source.Warning,
			Msg: fmt.Sprintf("event %s: ledger not updated (a copy may alert again once the claim's lease ends): %v", rec.Key(), err)})
	}
	return false, sendErr
}
