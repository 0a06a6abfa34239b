package awstest

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

func queryError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	typ := "Sender"
	if status >= 500 {
		typ = "Receiver"
	}
	fmt.Fprintf(w, `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>00000000-0000-4000-8000-000000000000</RequestId></ErrorResponse>`,
		typ, esc(code), esc(msg))
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// sns serves the awsQuery protocol: form in, XML out (facts §3.4).
func (s *Server) sns(w http.ResponseWriter, region, op string, form url.Values) {
	if op != "Publish" {
		queryError(w, 400, "InvalidAction", "awstest: SNS "+op+" is not served")
		return
	}
	p := Published{TopicARN: form.Get("TopicArn"), Subject: form.Get("Subject"), Message: form.Get("Message"), Region: region, Attributes: map[string]string{}, AttributeTypes: map[string]string{}}
	switch {
	case p.TopicARN == "":
		queryError(w, 400, "InvalidParameter", "Invalid parameter: TopicArn")
		return
	case p.Message == "":
		queryError(w, 400, "InvalidParameter", "Invalid parameter: Empty message")
		return
	case len(p.Subject) >= 100 || strings.ContainsAny(p.Subject, "\r\n"):
		queryError(w, 400, "InvalidParameter", "Invalid parameter: Subject")
		return
	}
	for i := 1; ; i++ {
		k := fmt.Sprintf("MessageAttributes.entry.%d.", i)
		name := form.Get(k + "Name")
		if name == "" {
			break
		}
		if form.Get(k+"Value.DataType") == "" {
			queryError(w, 400, "ParameterValueInvalid", "The message attribute '"+name+"' must contain non-empty message attribute type.")
			return
		}
		p.Attributes[name] = form.Get(k + "Value.StringValue")
		p.AttributeTypes[name] = form.Get(k + "Value.DataType")
	}
	s.mu.Lock()
	s.sent = append(s.sent, p)
	n := len(s.sent)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>00000000-0000-4000-8000-%012d</MessageId></PublishResult><ResponseMetadata><RequestId>00000000-0000-4000-8000-000000000001</RequestId></ResponseMetadata></PublishResponse>`, n)
}
