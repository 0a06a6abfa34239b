package model

import "strings"

// PartitionOf is the partition of a region's ARNs: aws-cn for China,
// aws-us-gov for GovCloud, aws elsewhere.
func PartitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}
