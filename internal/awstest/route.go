package awstest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/emrguard/emrguard/source/snapshot"
)

var scopeRe = regexp.MustCompile(`Credential=([^/]+)/\d{8}/([^/]+)/([^/]+)/aws4_request`)

// service is how one signing name is spoken.
type service struct {
	name   string // the short name of Calls: "emr", "ec2", …
	proto  proto
	xmlns  string // query protocols' response namespace
	global bool   // not bound to a region (DisableRegion does not apply)
	op     func(c *call) string
	serve  func(s *Server, c *call)
}

var services map[string]*service

func init() {
	services = map[string]*service{
		"elasticmapreduce": {name: "emr", proto: awsJSON11, op: targetOp, serve: (*Server).emr},
		"sqs":              {name: "sqs", proto: awsJSON10, op: targetOp},
		"sns":              {name: "sns", proto: awsQuery, xmlns: "http://sns.amazonaws.com/doc/2010-03-31/", op: formOp},
		"ec2":              {name: "ec2", proto: ec2Query, xmlns: "http://ec2.amazonaws.com/doc/2016-11-15/", op: formOp, serve: (*Server).ec2},
		"iam":              {name: "iam", proto: awsQuery, xmlns: "https://iam.amazonaws.com/doc/2010-05-08/", global: true, op: formOp, serve: (*Server).iam},
		"sts":              {name: "sts", proto: awsQuery, xmlns: "https://sts.amazonaws.com/doc/2011-06-15/", op: formOp, serve: (*Server).sts},
		"organizations":    {name: "organizations", proto: awsJSON11, global: true, op: targetOp, serve: (*Server).organizations},
		"cloudtrail":       {name: "cloudtrail", proto: awsJSON11, op: targetOp, serve: (*Server).cloudtrail},
		"kms":              {name: "kms", proto: awsJSON11, op: targetOp, serve: (*Server).kms},
		"s3":               {name: "s3", proto: restXML, global: true, op: s3Op, serve: (*Server).s3},
		"emr-containers":   {name: "emr-containers", proto: restJSON, op: emrContainersOp, serve: (*Server).emrContainers},
		"eks":              {name: "eks", proto: restJSON, op: eksOp, serve: (*Server).eks},
		"events":           {name: "events", proto: awsJSON11, op: targetOp, serve: (*Server).eventBridge},
		"securityhub":      {name: "securityhub", proto: restJSON, op: securityHubOp, serve: (*Server).securityHub},
		"dynamodb":         {name: "dynamodb", proto: awsJSON10, op: targetOp, serve: (*Server).dynamodb},
	}
}

// call is one request being served.
type call struct {
	w      http.ResponseWriter
	r      *http.Request
	svc    *service
	op     string
	region string
	key    string // the access key ID that signed it
	acct   *account
	body   []byte
	form   url.Values     // query protocols
	in     map[string]any // JSON protocols
	path   []string       // REST protocols: the path's segments
}

func targetOp(c *call) string {
	t := c.r.Header.Get("X-Amz-Target")
	return t[strings.LastIndexByte(t, '.')+1:]
}

func formOp(c *call) string { return c.form.Get("Action") }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	m := scopeRe.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		http.Error(w, "awstest: request is not SigV4-signed", http.StatusForbidden)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	svc := services[m[3]]
	if svc == nil {
		http.Error(w, "awstest: no service "+m[3], http.StatusNotFound)
		return
	}
	c := &call{w: w, r: r, svc: svc, key: m[1], region: m[2], body: body}
	switch svc.proto {
	case awsQuery, ec2Query:
		if c.form, err = url.ParseQuery(string(body)); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	case restJSON, restXML:
		for _, p := range strings.Split(strings.Trim(r.URL.Path, "/"), "/") {
			seg, _ := url.PathUnescape(p)
			c.path = append(c.path, seg)
		}
	}
	c.op = svc.op(c)
	s.mu.Lock()
	s.calls[svc.name+"."+c.op]++ // on arrival: a call cut short by latency still reached AWS
	lat := s.latency
	s.mu.Unlock()
	if lat > 0 {
		select {
		case <-time.After(lat):
		case <-r.Context().Done():
			return
		}
	}
	acctID, authErr := s.authenticate(c)
	if f := s.fault(svc.name+"."+c.op, acctID, c.region); f != nil && s.replyFault(c, f) {
		return
	}
	switch svc.name {
	case "sns": // the notify sinks' topic is any account's
		s.sns(w, c.region, c.op, c.form)
		return
	case "sqs":
		if err := json.Unmarshal(body, &c.in); err != nil {
			c.fail(400, "SerializationException", "body is not JSON: "+err.Error())
			return
		}
		s.sqs(w, r, c.op, c.in)
		return
	}
	if authErr != nil {
		authErr(c)
		return
	}
	if c.svc.proto == awsJSON11 || c.svc.proto == awsJSON10 {
		if err := json.Unmarshal(body, &c.in); err != nil {
			c.fail(400, "SerializationException", "body is not JSON: "+err.Error())
			return
		}
	}
	svc.serve(s, c)
}

// authenticate finds the account whose state serves the call: the caller's
// for CallerKey, the assumed role's for AssumeRole credentials. A key
// nobody issued, or a region the account has not enabled, fails as AWS
// fails it: the security token is not recognised.
func (s *Server) authenticate(c *call) (string, func(*call)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var id string
	switch {
	case c.key == CallerKey:
		id = s.callerLocked()
	case s.sessions[c.key] != nil:
		id = s.sessions[c.key].account
	default:
		return "", invalidToken
	}
	c.acct = s.accounts[id]
	if s.disabled[id][c.region] && !c.svc.global {
		return id, invalidToken
	}
	return id, nil
}

// callerLocked returns the caller's account ID: the first loaded, or
// until one is, an empty default account (which is not "loaded": a later
// LoadAccounts still names the caller).
func (s *Server) callerLocked() string {
	if len(s.order) > 0 {
		return s.order[0]
	}
	if s.accounts[defaultAccount] == nil {
		s.accounts[defaultAccount] = &account{snap: &snapshot.Account{ID: defaultAccount, Partition: "aws"}, regions: map[string]*snapshot.Region{}}
	}
	return defaultAccount
}

// invalidToken is AWS's reply to an unknown key and to a call in a region
// the account has not enabled (opt-in regions).
func invalidToken(c *call) {
	const msg = "The security token included in the request is invalid."
	switch c.svc.proto {
	case ec2Query:
		c.fail(401, "AuthFailure", "AWS was not able to validate the provided access credentials")
	case awsQuery:
		c.fail(403, "InvalidClientTokenId", msg)
	case restXML:
		c.fail(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
	case restJSON:
		c.fail(403, "UnrecognizedClientException", msg)
	default:
		c.fail(400, "UnrecognizedClientException", msg)
	}
}

// fault returns the fault to apply to the call, if any.
func (s *Server) fault(op, acct, region string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.faults {
		if f.Op == op && (f.Account == "" || f.Account == acct) && (f.Region == "" || f.Region == region) &&
			(f.Times == 0 || f.used < f.Times) {
			f.used++
			return f
		}
	}
	return nil
}

// replyFault applies f and reports whether it answered the call (a
// latency-only fault lets it through).
func (s *Server) replyFault(c *call, f *Fault) bool {
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-c.r.Context().Done():
		}
	}
	if f.Truncate {
		c.truncated()
		return true
	}
	if f.Code == "" {
		return false
	}
	status := f.Status
	if status == 0 {
		status = 400
	}
	msg := f.Message
	if msg == "" {
		msg = "injected " + f.Code
	}
	c.fail(status, f.Code, msg)
	return true
}
