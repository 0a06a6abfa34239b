package notify

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/smithy-go"
)

// RejectedError is a sink's answer that refuses the alert itself (a
// webhook's 400, 413 or 422; SNS InvalidParameter): sending the same alert
// again cannot help, while the next alert may well pass. A sink that is
// down, throttled or misconfigured (5xx, 429, 401, 403, 404) is not a
// rejection: every alert would fail alike, and they wait in the spool.
type RejectedError struct{ Err error }

func (e *RejectedError) Error() string { return "rejected: " + e.Err.Error() }

func (e *RejectedError) Unwrap() error { return e.Err }

// IsRejected reports whether err refuses the alert for good.
func IsRejected(err error) bool {
	var re *RejectedError
	return errors.As(err, &re)
}

// rejectsAlert reports whether an HTTP status refuses the request's content.
func rejectsAlert(status int) bool {
	switch status {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// snsRejects reports whether an SNS error refuses the message itself.
func snsRejects(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.ErrorCode() {
	case "InvalidParameter", "InvalidParameterValue", "ValidationError":
		return true
	}
	return false
}

// RetryAfterError is a sink's answer that it is throttled and says how
// long to wait (HTTP 429 or 503 with Retry-After): Retrying waits that
// long, within Policy.MaxRetryAfter, before the next try.
type RetryAfterError struct {
	After time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("%v (retry after %s)", e.Err, e.After)
}

func (e *RetryAfterError) Unwrap() error { return e.Err }
