// Package awshttp gives the SDK configurations emrguard builds an HTTP
// client that hides one race in the SDK's request bodies.
//
// smithy-go (v1.28) closes a request's body as soon as the response
// headers arrive, and its closed body answers WriteTo with io.EOF. When a
// server replies before net/http's write loop has made its last read of the
// body (the check for bytes past Content-Length, done with io.Copy and so
// with WriteTo), the write loop takes that io.EOF for a failed write and
// closes the connection under the response still being read: the call fails
// with "use of closed network connection" and the SDK retries it. A fast
// server makes this common (one call in twenty against the in-process test
// server); against AWS it is rare, but each one spends a retry token. Hiding
// WriteTo makes io.Copy use Read, which reports a closed body as a clean end.
package awshttp

import (
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkhttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// Use wraps cfg's HTTP client (the SDK's default when there is none).
func Use(cfg *aws.Config) {
	if _, done := cfg.HTTPClient.(client); done {
		return
	}
	next := cfg.HTTPClient
	if next == nil {
		next = sdkhttp.NewBuildableClient()
	}
	cfg.HTTPClient = client{next}
}

type client struct{ next aws.HTTPClient }

func (c client) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = readOnly{r.Body}
	}
	return c.next.Do(r)
}

// readOnly is a body without WriteTo.
type readOnly struct{ io.ReadCloser }
