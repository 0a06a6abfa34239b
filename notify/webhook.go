package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Webhook POSTs each alert as JSON: the alert's fields plus "text", the
// rendered alert, which generic receivers (Mattermost, chat bridges)
// display. Slack and Teams have sinks of their own shapes.
type Webhook struct {
	URL    string
	Client *http.Client
}

// Send posts a; any status but 2xx is an error naming it.
func (h *Webhook) Send(ctx context.Context, a Alert) error {
	return postJSON(ctx, h.Client, "webhook", h.URL, struct {
		Text string `json:"text"`
		Alert
	}{a.Text(), a})
}

// postJSON posts body as JSON to url. A 429 or 503 with Retry-After is a
// *RetryAfterError (Retrying waits as long before the next try); 400, 413
// and 422 refuse the alert for good (*RejectedError); any other status but
// 2xx is an error naming it. what names the sink in errors.
func postJSON(ctx context.Context, c *http.Client, what, url string, body any) error {
	data, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", what, redact(url), err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%s %s: %w", what, redact(url), err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", what, redact(url), err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	err = fmt.Errorf("%s %s: %s: %s", what, redact(url), resp.Status, bytes.TrimSpace(msg))
	switch {
	case rejectsAlert(resp.StatusCode):
		return &RejectedError{err}
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable:
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return &RetryAfterError{After: d, Err: err}
		}
	}
	return err
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, t.Sub(now)), true
	}
	return 0, false
}

// redact keeps scheme and host of a webhook URL: Slack and Teams URLs
// carry their secret in the path and query.
func redact(u string) string {
	for i := len("https://"); i < len(u); i++ {
		if u[i] == '/' {
			return u[:i] + "/…"
		}
	}
	return u
}
