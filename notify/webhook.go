package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// Webhook POSTs each alert as JSON: the alert's fields plus "text", the
// rendered alert, which Slack incoming webhooks (and Teams, Mattermost)
// display.
type Webhook struct {
	URL    string
	Client *http.Client
}

// Send posts a; any status but 2xx is an error naming it.
func (h *Webhook) Send(ctx context.Context, a Alert) error {
	body, err := json.Marshal(struct {
		Text string `json:"text"`
		Alert
	}{a.Text(), a})
	if err != nil {
		return fmt.Errorf("webhook %s: %w", redact(h.URL), err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook %s: %w", redact(h.URL), err)
	}
	req.Header.Set("Content-Type", "application/json")
	c := h.Client
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("webhook %s: %w", redact(h.URL), err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		err := fmt.Errorf("webhook %s: %s: %s", redact(h.URL), resp.Status, bytes.TrimSpace(msg))
		if rejectsAlert(resp.StatusCode) {
			return &RejectedError{err}
		}
		return err
	}
	return nil
}

// redact keeps scheme and host of a webhook URL: Slack URLs carry their
// secret in the path.
func redact(u string) string {
	for i := len("https://"); i < len(u); i++ {
		if u[i] == '/' {
			return u[:i] + "/…"
		}
	}
	return u
}
