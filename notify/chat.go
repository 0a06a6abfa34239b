package notify

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// Slack posts each alert to a Slack incoming webhook as Block Kit: a
// header (the title), the facts as fields, one section per finding and
// who raised it; "text" carries the title for notifications and clients
// that show no blocks.
type Slack struct {
	URL    string
	Client *http.Client
}

// Slack's limits (Block Kit reference): a header's text, a field's and a
// section's, and blocks per message.
const (
	slackHeader  = 150
	slackField   = 2000
	slackSection = 3000
	slackBlocks  = 50
)

// Send posts a.
func (s *Slack) Send(ctx context.Context, a Alert) error {
	return postJSON(ctx, s.Client, "slack webhook", s.URL, SlackMessage(a))
}

// SlackMessage is the payload Slack's sink posts for a.
func SlackMessage(a Alert) map[string]any {
	text := func(s string, n int) map[string]any {
		return map[string]any{"type": "mrkdwn", "text": cut(slackEscape(s), n)}
	}
	blocks := []any{
		map[string]any{"type": "header", "text": map[string]any{"type": "plain_text", "text": cut(a.Title, slackHeader)}},
		map[string]any{"type": "section", "fields": []any{
			text("*Resource*\n"+resourceLine(a), slackField),
			text("*Account / region*\n"+a.Resource.Account+" / "+a.Resource.Region, slackField),
			text("*Who*\n"+a.Event.Principal, slackField),
			text(fmt.Sprintf("*Event*\n%s %s at %s", a.Event.Name, a.Event.ID, a.Event.Time), slackField),
		}},
	}
	for i, f := range a.Findings {
		if len(blocks) == slackBlocks-2 {
			blocks = append(blocks, map[string]any{"type": "section", "text": text(fmt.Sprintf("… and %d more findings", len(a.Findings)-i), slackSection)})
			break
		}
		blocks = append(blocks, map[string]any{"type": "section", "text": text(findingLine(f, "*"), slackSection)})
	}
	blocks = append(blocks, map[string]any{"type": "context", "elements": []any{text("Raised by "+a.RaisedBy, slackField)}})
	return map[string]any{"text": cut(slackEscape(a.Title), slackSection), "blocks": blocks}
}

// Teams posts each alert to a Microsoft Teams incoming webhook (a
// Workflows "post to a channel when a webhook request is received" URL,
// or a classic connector) as a message carrying one Adaptive Card: the
// title, the facts as a FactSet, and one text block per finding.
type Teams struct {
	URL    string
	Client *http.Client
}

// Send posts a.
func (t *Teams) Send(ctx context.Context, a Alert) error {
	return postJSON(ctx, t.Client, "teams webhook", t.URL, TeamsMessage(a))
}

// TeamsMessage is the payload Teams' sink posts for a.
func TeamsMessage(a Alert) map[string]any {
	fact := func(title, value string) map[string]any { return map[string]any{"title": title, "value": value} }
	body := []any{
		map[string]any{"type": "TextBlock", "text": a.Title, "weight": "Bolder", "size": "Medium", "wrap": true, "color": "Attention"},
		map[string]any{"type": "FactSet", "facts": []any{
			fact("Resource", resourceLine(a)), fact("Account", a.Resource.Account), fact("Region", a.Resource.Region),
			fact("Who", a.Event.Principal), fact("Event", fmt.Sprintf("%s %s at %s", a.Event.Name, a.Event.ID, a.Event.Time)),
			fact("Raised by", a.RaisedBy),
		}},
	}
	for _, f := range a.Findings {
		body = append(body, map[string]any{"type": "TextBlock", "text": findingLine(f, "**"), "wrap": true})
	}
	card := map[string]any{"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard", "version": "1.4", "body": body}
	return map[string]any{"type": "message", "attachments": []any{map[string]any{
		"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": nil, "content": card}}}
}

func resourceLine(a Alert) string {
	s := a.Resource.Kind + " " + a.Resource.ID
	if a.Resource.Name != "" && a.Resource.Name != a.Resource.ID {
		s += " (" + a.Resource.Name + ")"
	}
	return s
}

// findingLine is one finding, the control in bold (bold is the markup's).
func findingLine(f Finding, bold string) string {
	mark := ""
	if f.Alerting {
		mark = " [alert]"
	}
	return fmt.Sprintf("%s%s%s %s (%s)%s: %s. %s", bold, f.Control, bold, strings.ToUpper(f.Verdict), f.Severity, mark, f.Title, f.Message)
}

// slackEscape escapes what Slack's mrkdwn reads as markup (&, <, >).
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// cut keeps s within n characters (runes), ending with an ellipsis when cut.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
