package awstest

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

var roleARNRe = regexp.MustCompile(`^arn:(aws[a-z-]*):iam::(\d{12}):role/(?:.*/)?([\w+=,.@-]+)$`)

// sts serves GetCallerIdentity and AssumeRole. AssumeRole hands out
// credentials whose access key ID ("ASIA" + account + a sequence number)
// the server maps back to the role's account, so later calls signed with
// them are served from that account's state.
func (s *Server) sts(c *call) {
	var b strings.Builder
	switch c.op {
	case "GetCallerIdentity":
		s.mu.Lock()
		sess := s.sessions[c.key]
		s.mu.Unlock()
		acct := c.acct.snap.ID
		if sess != nil {
			xmlText(&b, "Arn", fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", partition(c), acct, sess.role, sess.name))
			xmlText(&b, "UserId", "AROA"+acct+":"+sess.name)
		} else {
			xmlText(&b, "Arn", fmt.Sprintf("arn:%s:iam::%s:user/emrguard-test", partition(c), acct))
			xmlText(&b, "UserId", "AIDA"+acct+"TEST")
		}
		xmlText(&b, "Account", acct)
	case "AssumeRole":
		arn, name := c.form.Get("RoleArn"), c.form.Get("RoleSessionName")
		m := roleARNRe.FindStringSubmatch(arn)
		if m == nil || name == "" {
			c.fail(400, "ValidationError", "1 validation error detected: Value '"+arn+"' at 'roleArn' failed to satisfy constraint")
			return
		}
		s.mu.Lock()
		ok := s.accounts[m[2]] != nil && !s.denied[arn]
		key := ""
		if ok {
			key = fmt.Sprintf("ASIA%s%04d", m[2], len(s.sessions)+1)
			s.sessions[key] = &session{account: m[2], role: m[3], name: name}
		}
		s.mu.Unlock()
		if !ok {
			c.fail(403, "AccessDenied", fmt.Sprintf("User: arn:%s:iam::%s:user/emrguard-test is not authorized to perform: sts:AssumeRole on resource: %s", partition(c), c.acct.snap.ID, arn))
			return
		}
		exp := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
		xmlElem(&b, "Credentials", ststypes.Credentials{AccessKeyId: &key, SecretAccessKey: ptr("secret-" + key), SessionToken: ptr("token-" + key), Expiration: &exp})
		xmlElem(&b, "AssumedRoleUser", ststypes.AssumedRoleUser{Arn: ptr(fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", m[1], m[2], m[3], name)), AssumedRoleId: ptr("AROA" + m[2] + ":" + name)})
	default:
		c.fail(400, "InvalidAction", "Could not find operation "+c.op+" for version 2011-06-15")
		return
	}
	c.queryReply(b.String())
}

func partition(c *call) string {
	if c.acct.snap.Partition != "" {
		return c.acct.snap.Partition
	}
	return "aws"
}
