package awstest

import (
	"strconv"
	"strings"
)

// page returns the window [from, to) of n items that token (a NextToken or
// Marker this server gave, "" for the first page) asks for, and the token
// of the next page ("" on the last). The page holds at most apiMax items
// (the API's documented maximum), SetPageSize's size, or max (the
// request's MaxResults / MaxItems), whichever is smallest. A token the
// server did not give fails the call, as AWS does.
func (s *Server) page(c *call, n int, token string, max, apiMax int) (from, to int, next string, ok bool) {
	size := apiMax
	s.mu.Lock()
	if s.pageSize > 0 && s.pageSize < size {
		size = s.pageSize
	}
	s.mu.Unlock()
	if max > 0 && max < size {
		size = max
	}
	if token != "" {
		off, err := strconv.Atoi(strings.TrimPrefix(token, "page-"))
		if err != nil || !strings.HasPrefix(token, "page-") || off < 0 || off > n {
			c.fail(400, invalidTokenCode[c.svc.name], "Invalid pagination token: "+token)
			return 0, 0, "", false
		}
		from = off
	}
	to = min(from+size, n)
	if to < n {
		next = "page-" + strconv.Itoa(to)
	}
	return from, to, next, true
}

var invalidTokenCode = map[string]string{
	"emr": "InvalidRequestException", "ec2": "InvalidNextToken", "iam": "InvalidInput",
	"organizations": "InvalidInputException", "cloudtrail": "InvalidNextTokenException",
	"emr-containers": "ValidationException", "eks": "InvalidParameterException", "s3": "InvalidArgument",
}
