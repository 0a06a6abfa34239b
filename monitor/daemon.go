package monitor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/emrguard/emrguard/source/event"
)

// SQSAPI is what the daemon calls.
type SQSAPI interface {
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, opts ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessageBatch(ctx context.Context, in *sqs.DeleteMessageBatchInput, opts ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error)
	ChangeMessageVisibility(ctx context.Context, in *sqs.ChangeMessageVisibilityInput, opts ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error)
}

// Daemon reads events from an SQS queue (the EventBridge rule's target)
// and hands them to a Monitor.
type Daemon struct {
	Monitor  *Monitor
	SQS      SQSAPI
	QueueURL string
	// Workers handle messages in parallel (default 32); Receivers long-poll
	// in parallel (default Workers/8, at least 1).
	Workers, Receivers int
	// Visibility is the visibility timeout asked for on receipt and
	// renewed while a message is worked on (0: 60s; else 1s to 12h).
	Visibility time.Duration
	// Wait is the long-poll time (default 20s, SQS's maximum).
	Wait time.Duration
	// Recheck is how soon a message left on the queue because another copy
	// of its event was in hand comes back (default 2s, at most
	// Visibility): by then that copy's outcome is likely known.
	Recheck time.Duration
	Log     *slog.Logger

	// Counters: read them after Run returns, or through Stats. Deferred
	// counts copies left on the queue because another copy of their
	// event was in flight.
	Handled, Deleted, Failed, Deferred int64
	mu                                 sync.Mutex
}

// MaxVisibility is SQS's longest visibility timeout, 12 hours.
const MaxVisibility = 12 * time.Hour

// CheckVisibility says whether d is a visibility timeout SQS can be asked
// for: whole seconds are sent, so under a second would ask for 0 (the
// message visible again at once, handled twice in parallel).
func CheckVisibility(d time.Duration) error {
	if d < time.Second || d > MaxVisibility {
		return fmt.Errorf("visibility timeout %s: want 1s to %s", d, MaxVisibility)
	}
	return nil
}

// Counts are the daemon's counters at one moment.
type Counts struct{ Handled, Deleted, Failed, Deferred int64 }

// Stats returns the counters; safe to call while Run works.
func (d *Daemon) Stats() Counts {
	d.mu.Lock()
	defer d.mu.Unlock()
	return Counts{d.Handled, d.Deleted, d.Failed, d.Deferred}
}

// Run works until ctx is done, then stops receiving, finishes the messages
// in hand (their deletes included) and returns. A message is deleted only
// when its event was handled: its alert delivered or durably spooled, or
// nothing to alert, or the event bad beyond retrying (logged). A message
// whose alert could not be delivered stays, and SQS delivers it again
// after its visibility timeout.
func (d *Daemon) Run(ctx context.Context) error {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	workers := cmpInt(d.Workers, 32)
	receivers := cmpInt(d.Receivers, max(1, workers/8))
	vis := d.Visibility
	if vis == 0 {
		vis = 60 * time.Second
	}
	if err := CheckVisibility(vis); err != nil {
		return fmt.Errorf("sqs daemon for %s: %w", d.QueueURL, err)
	}
	vis = vis.Truncate(time.Second) // what SQS is asked for
	wait := d.Wait
	if wait == 0 {
		wait = 20 * time.Second
	}
	msgs := make(chan types.Message, workers)
	dels := make(chan types.Message, 10*workers)
	// Work in hand finishes after ctx is done: a detached context.
	work := context.WithoutCancel(ctx)

	var recv sync.WaitGroup
	var fatal error
	var fatalOnce sync.Once
	for range receivers {
		recv.Go(func() {
			for ctx.Err() == nil {
				out, err := d.SQS.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
					QueueUrl: aws.String(d.QueueURL), MaxNumberOfMessages: 10,
					WaitTimeSeconds: int32(wait / time.Second), VisibilityTimeout: int32(vis / time.Second),
				})
				if err != nil {
					if ctx.Err() != nil {
						return
					}
					if isQueueGone(err) {
						fatalOnce.Do(func() { fatal = fmt.Errorf("sqs ReceiveMessage %s: %w", d.QueueURL, err) })
						return
					}
					d.Log.Warn("sqs ReceiveMessage failed; retrying", "queue", d.QueueURL, "err", err)
					sleepCtx(ctx, time.Second)
					continue
				}
				for _, m := range out.Messages {
					msgs <- m
				}
			}
		})
	}
	var workWG sync.WaitGroup
	for range workers {
		workWG.Go(func() {
			for m := range msgs {
				if d.process(work, m, vis) {
					dels <- m
				}
			}
		})
	}
	var delWG sync.WaitGroup
	delWG.Go(func() { d.deleter(work, dels) })

	recv.Wait()
	close(msgs)
	workWG.Wait()
	close(dels)
	delWG.Wait()
	return fatal
}

func isQueueGone(err error) bool {
	var qe *types.QueueDoesNotExist
	return errors.As(err, &qe)
}

// process handles one message, renewing its visibility while it takes
// long; it reports whether the message may be deleted.
func (d *Daemon) process(ctx context.Context, m types.Message, vis time.Duration) bool {
	done := make(chan struct{})
	defer close(done)
	go func() {
		t := time.NewTicker(vis / 2)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_, err := d.SQS.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
					QueueUrl: aws.String(d.QueueURL), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: int32(vis / time.Second)})
				if err != nil {
					d.Log.Warn("sqs ChangeMessageVisibility failed; the message may be delivered again while in hand (that copy is left on the queue, not deleted)", "message", aws.ToString(m.MessageId), "err", err)
				}
			}
		}
	}()
	out, err := d.Monitor.Handle(ctx, "", []byte(aws.ToString(m.Body)))
	d.Monitor.logDiags(out)
	id := aws.ToString(m.MessageId)
	var ie *event.InputError
	switch {
	case errors.As(err, &ie):
		d.count(&d.Failed)
		d.Log.Error("event skipped: bad input", "message", id, "event", ie.ID, "err", err)
		return true // retrying cannot help
	case errors.Is(err, ErrInFlight):
		d.count(&d.Deferred)
		d.Log.Warn("event in hand in another copy; this message is left on the queue for redelivery", "message", id, "receives", m.Attributes["ApproximateReceiveCount"])
		d.recheck(ctx, m, vis)
		return false
	case err != nil:
		d.count(&d.Failed)
		d.Log.Error("event not handled; left on the queue for redelivery", "message", id, "receives", m.Attributes["ApproximateReceiveCount"], "err", err)
		return false
	}
	d.count(&d.Handled)
	if out.Alert != nil {
		d.Log.Info("alert raised", "event", out.Event.ID, "controls", out.Alert.Controls())
	}
	return true
}

func (d *Daemon) count(n *int64) {
	d.mu.Lock()
	*n++
	d.mu.Unlock()
}

// recheck makes a message left on the queue visible again soon. If the
// call fails the message comes back after the full visibility timeout,
// later but not lost.
func (d *Daemon) recheck(ctx context.Context, m types.Message, vis time.Duration) {
	after := min(cmpOr(d.Recheck, 2*time.Second), vis).Truncate(time.Second)
	_, err := d.SQS.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
		QueueUrl: aws.String(d.QueueURL), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: int32(after / time.Second)})
	if err != nil {
		d.Log.Warn("sqs ChangeMessageVisibility failed; the message comes back after its visibility timeout", "message", aws.ToString(m.MessageId), "err", err)
	}
}

// deleter deletes handled messages in batches of up to ten.
func (d *Daemon) deleter(ctx context.Context, in <-chan types.Message) {
	batch := make([]types.Message, 0, 10)
	flush := func() {
		if len(batch) == 0 {
			return
		}
		entries := make([]types.DeleteMessageBatchRequestEntry, len(batch))
		for i, m := range batch {
			entries[i] = types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle}
		}
		out, err := d.SQS.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(d.QueueURL), Entries: entries})
		n := int64(len(batch))
		if err != nil {
			d.Log.Error("sqs DeleteMessageBatch failed; the messages will be redelivered and dropped as duplicates", "err", err)
			n = 0
		} else {
			n = int64(len(out.Successful))
			for _, f := range out.Failed {
				d.Log.Error("sqs DeleteMessageBatch entry failed", "code", aws.ToString(f.Code), "err", aws.ToString(f.Message))
			}
		}
		d.mu.Lock()
		d.Deleted += n
		d.mu.Unlock()
		batch = batch[:0]
	}
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case m, ok := <-in:
			if !ok {
				flush()
				return
			}
			batch = append(batch, m)
			if len(batch) == 10 {
				flush()
			}
		case <-t.C:
			flush()
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
