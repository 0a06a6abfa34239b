package awstest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// proto is a wire protocol (aws-emr-facts.md §3.1).
type proto int

const (
	awsJSON10 proto = iota
	awsJSON11
	awsQuery
	ec2Query
	restJSON
	restXML
)

const requestID = "5b3f0c1e-0000-4000-8000-000000000001"

// fail writes an error reply in the shape the call's protocol uses, so the
// SDK's own error deserializer reads code and message back.
func (c *call) fail(status int, code, msg string) {
	w := c.w
	switch c.svc.proto {
	case awsJSON10, awsJSON11:
		jsonError(w, c.jsonVersion(), status, code, msg)
	case restJSON:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-ErrorType", code)
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"message": msg})
	case awsQuery:
		typ := "Sender"
		if status >= 500 {
			typ = "Receiver"
		}
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
			c.svc.xmlns, typ, esc(code), esc(msg), requestID)
	case ec2Query:
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>%s</RequestID></Response>`, esc(code), esc(msg), requestID)
	case restXML:
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("X-Amz-Request-Id", requestID)
		w.WriteHeader(status)
		if c.r.Method != http.MethodHead {
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>%s</Code><Message>%s</Message><RequestId>%s</RequestId></Error>`, esc(code), esc(msg), requestID)
		}
	}
}

func (c *call) jsonVersion() string {
	if c.svc.proto == awsJSON10 {
		return "1.0"
	}
	return "1.1"
}

// truncated sends a 200 whose body stops short of its Content-Length, as
// a connection cut mid-reply does.
func (c *call) truncated() {
	body := `{"Name":"trunc`
	switch c.svc.proto {
	case awsQuery, ec2Query, restXML:
		body = `<?xml version="1.0" encoding="UTF-8"?><` + c.op + `Response><`
	}
	c.w.Header().Set("Content-Length", strconv.Itoa(len(body)+200))
	c.w.WriteHeader(200)
	c.w.Write([]byte(body))
}

func jsonError(w http.ResponseWriter, version string, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-"+version)
	w.Header().Set("X-Amzn-ErrorType", code)
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": msg})
}

func jsonReply(w http.ResponseWriter, version string, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-"+version)
	json.NewEncoder(w).Encode(v)
}

// reply writes a JSON reply (JSON protocols).
func (c *call) reply(v any) {
	if c.svc.proto == restJSON {
		c.w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(c.w).Encode(v)
		return
	}
	jsonReply(c.w, c.jsonVersion(), v)
}

// queryReply wraps an awsQuery result's members in the operation's
// response and result elements.
func (c *call) queryReply(result string) {
	c.w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(c.w, `<%sResponse xmlns="%s"><%sResult>%s</%sResult><ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>`,
		c.op, c.svc.xmlns, c.op, result, c.op, requestID, c.op)
}

// ec2Reply wraps an ec2Query reply's members in the operation's response.
func (c *call) ec2Reply(members string) {
	c.w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	fmt.Fprintf(c.w, `<?xml version="1.0" encoding="UTF-8"?>
<%sResponse xmlns="%s"><requestId>%s</requestId>%s</%sResponse>`, c.op, c.svc.xmlns, requestID, members, c.op)
}

// The JSON protocols' request members, read from the decoded body.

func str(in map[string]any, k string) string {
	v, _ := in[k].(string)
	return v
}

func strs(in map[string]any, k string) []string {
	l, _ := in[k].([]any)
	var out []string
	for _, v := range l {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func num(in map[string]any, k string) int {
	v, _ := in[k].(float64)
	return int(v)
}

// epoch reads an epoch-seconds timestamp member (zero when absent).
func epoch(in map[string]any, k string) time.Time {
	v, ok := in[k].(float64)
	if !ok {
		return time.Time{}
	}
	return time.UnixMilli(int64(v * 1000)).UTC()
}
