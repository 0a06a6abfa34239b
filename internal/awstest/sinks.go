package awstest

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// PutEvent is one EventBridge PutEvents entry the server accepted.
type PutEvent struct {
	Source, DetailType, Detail, EventBusName string
	Resources                                []string
	Region                                   string
}

// PutEvents returns the EventBridge entries accepted so far.
func (s *Server) PutEvents() []PutEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]PutEvent(nil), s.events...)
}

// ImportedFindings returns the Security Hub findings accepted so far, as
// the JSON objects sent (ASFF member names).
func (s *Server) ImportedFindings() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]map[string]any(nil), s.findings...)
}

// eventBridge serves PutEvents (awsJson1_1, AWSEvents.PutEvents): at
// most 10 entries; Source, DetailType and a Detail that is a JSON object
// required of each, else that entry fails (MalformedDetail,
// InvalidArgument) as EventBridge reports it, the others accepted.
func (s *Server) eventBridge(c *call) {
	if c.op != "PutEvents" {
		c.fail(400, "UnknownOperationException", "awstest: EventBridge "+c.op+" is not served")
		return
	}
	var in struct {
		Entries []struct {
			Source, DetailType, Detail, EventBusName string
			Resources                                []string
		}
	}
	if err := json.Unmarshal(c.body, &in); err != nil {
		c.fail(400, "SerializationException", err.Error())
		return
	}
	if len(in.Entries) == 0 || len(in.Entries) > 10 {
		c.fail(400, "ValidationException", fmt.Sprintf("1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10 (got %d)", len(in.Entries)))
		return
	}
	type result struct {
		EventId      string `json:",omitempty"`
		ErrorCode    string `json:",omitempty"`
		ErrorMessage string `json:",omitempty"`
	}
	out := struct {
		FailedEntryCount int
		Entries          []result
	}{}
	for _, e := range in.Entries {
		var detail map[string]any
		switch {
		case e.Source == "" || e.DetailType == "":
			out.FailedEntryCount++
			out.Entries = append(out.Entries, result{ErrorCode: "InvalidArgument", ErrorMessage: "Parameter Source and DetailType are required."})
			continue
		case json.Unmarshal([]byte(e.Detail), &detail) != nil:
			out.FailedEntryCount++
			out.Entries = append(out.Entries, result{ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed."})
			continue
		}
		s.mu.Lock()
		s.events = append(s.events, PutEvent{Source: e.Source, DetailType: e.DetailType, Detail: e.Detail, EventBusName: e.EventBusName, Resources: e.Resources, Region: c.region})
		n := len(s.events)
		s.mu.Unlock()
		out.Entries = append(out.Entries, result{EventId: fmt.Sprintf("00000000-0000-4000-8000-%012d", n)})
	}
	c.reply(out)
}

// securityHub serves BatchImportFindings (restJson1, POST
// /findings/import): at most 100 findings, each kept as sent.
func (s *Server) securityHub(c *call) {
	if c.op != "BatchImportFindings" {
		c.fail(400, "InvalidInputException", "awstest: Security Hub "+c.op+" is not served")
		return
	}
	var in struct{ Findings []map[string]any }
	if err := json.Unmarshal(c.body, &in); err != nil {
		c.fail(400, "InvalidInputException", err.Error())
		return
	}
	if len(in.Findings) == 0 || len(in.Findings) > 100 {
		c.fail(400, "InvalidInputException", fmt.Sprintf("Findings must hold 1 to 100 findings, not %d", len(in.Findings)))
		return
	}
	s.mu.Lock()
	s.findings = append(s.findings, in.Findings...)
	s.mu.Unlock()
	c.reply(map[string]any{"SuccessCount": len(in.Findings), "FailedCount": 0, "FailedFindings": []any{}})
}

func securityHubOp(c *call) string {
	if c.r.Method == http.MethodPost && len(c.path) == 2 && c.path[0] == "findings" && c.path[1] == "import" {
		return "BatchImportFindings"
	}
	return c.r.Method + "Unknown"
}
