package awshttp_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/emrguard/emrguard/internal/awshttp"
	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/source/snapshot"
)

// Ensure no call against a fast server breaks on the closed-body race:
// without the wrapper about one call in twenty fails here with "use of
// closed network connection" (run with -count to see it).
func TestNoClosedConnection(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	r := &snapshot.Region{Name: "eu-west-1"}
	for i := 0; i < 50; i++ { // a reply past net/http's buffer, sent in chunks
		r.SecurityGroups = append(r.SecurityGroups, ec2types.SecurityGroup{
			GroupId: aws.String(fmt.Sprintf("sg-%d", i)), Description: aws.String(strings.Repeat("x", 200))})
	}
	s.LoadAccounts(&snapshot.Account{ID: "111122223333", Regions: []*snapshot.Region{r}})
	cfg := s.Config("eu-west-1")
	cfg.Retryer = func() aws.Retryer { return aws.NopRetryer{} } // a broken call fails the test
	awshttp.Use(&cfg)                                            // a second Use does not wrap twice
	c := ec2.NewFromConfig(cfg)
	const n = 400
	for i := 0; i < n; i++ {
		if _, err := c.DescribeSecurityGroups(context.Background(), &ec2.DescribeSecurityGroupsInput{}); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
	if got := s.Calls("ec2.DescribeSecurityGroups"); got != n {
		t.Errorf("%d calls reached the server, want %d", got, n)
	}
}
