package notify

import (
	"errors"
	"net/http"

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
