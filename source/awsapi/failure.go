package awsapi

import (
	"errors"
	"sync"

	"github.com/aws/smithy-go"
	"github.com/emrguard/emrguard/source/snapshot"
)

// failureOf describes a failed call: its service and operation, the
// region (empty for global services), the object asked about, and the
// API error code when AWS gave one.
func failureOf(service, op, region, resource string, err error) snapshot.Failure {
	f := snapshot.Failure{Service: service, Operation: op, Region: region, Resource: resource, Message: err.Error()}
	// The report names the call already: keep the SDK's reason, not the
	// "operation error EMR: DescribeCluster" around it, nor a collector's
	// own wrapping.
	var oe *smithy.OperationError
	if errors.As(err, &oe) && oe.Err != nil {
		f.Message = oe.Err.Error()
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		f.Code = ae.ErrorCode()
		f.Message = ae.ErrorMessage()
		if f.Message == "" {
			f.Message = ae.Error()
		}
	}
	return f
}

// failures collects the failed calls of one account or region; collectors
// running in parallel add to it.
type failures struct {
	mu   sync.Mutex
	list []snapshot.Failure
}

// add records a failed call.
func (fs *failures) add(service, op, region, resource string, err error) {
	f := failureOf(service, op, region, resource, err)
	fs.mu.Lock()
	fs.list = append(fs.list, f)
	fs.mu.Unlock()
}

// take returns the failures recorded so far, and forgets them.
func (fs *failures) take() []snapshot.Failure {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := fs.list
	fs.list = nil
	return out
}
