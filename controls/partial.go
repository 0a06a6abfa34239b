package controls

import (
	"strings"

	"github.com/emrguard/emrguard/model"
)

// nonEmpty returns the value of a string field the input certainly sets,
// for messages: the value when Set (as read), the string
// known in part (model.PartOf) with its holes written ${…} when Unknown
// but not empty whatever its holes hold ("s3://aws-logs-${AWS::AccountId}/").
// ok is false otherwise.
func nonEmpty(f model.Field[string]) (text string, ok bool) {
	if f.IsSet() {
		return f.Val, true
	}
	if p, ok := model.PartOf(f); ok && p.NonEmpty() {
		for _, h := range p.Holes() {
			if h.Label == "" { // ${…} says nothing: say why
				return p.String() + " (known in part: " + f.Why + ")", true
			}
		}
		return p.String() + " (known in part)", true
	}
	return "", false
}

// knownRoleName returns the role name an ARN known in part ends with
// (arn:${AWS::Partition}:iam::${AWS::AccountId}:role/NAME): the literal
// text after the last '/' that no hole follows.
func knownRoleName(f model.Field[string]) (string, bool) {
	p, ok := model.PartOf(f)
	if !ok {
		return "", false
	}
	if svc, ok := p.ARNService(); !ok || svc != "iam" {
		return "", false
	}
	tail := p.Suffix()
	i := strings.LastIndexByte(tail, '/')
	if i < 0 || i == len(tail)-1 {
		return "", false
	}
	return tail[i+1:], true
}

// partialBucket returns the bucket of an s3:// (s3n://, s3a://) URI
// known in part whose bucket is literal text
// (s3://my-logs/${AWS::StackName}/); ok is false otherwise.
func partialBucket(f model.Field[string]) (string, bool) {
	p, ok := model.PartOf(f)
	if !ok {
		return "", false
	}
	for _, scheme := range []string{"s3://", "s3n://", "s3a://"} {
		if yes, _ := p.HasPrefix(scheme); yes {
			b, ok := p.Field(2, '/')
			return b, ok && b != ""
		}
	}
	return "", false
}

// roleField returns f with an ARN known in part whose role or profile
// name is literal (knownRoleName) replaced by that name, Set: which role
// it is is known, only the partition and account are not.
func roleField(f model.Field[string]) model.Field[string] {
	if name, ok := knownRoleName(f); ok {
		return model.Known(name, f.At)
	}
	return f
}

// shown returns f, Set to its text with holes written ${…}, when it is
// known in part and certainly not empty: for a control that asks only
// whether the value is set (an EC2 key pair named "${Env}-emr").
func shown(f model.Field[string]) model.Field[string] {
	if p, ok := model.PartOf(f); ok && p.NonEmpty() {
		return model.Known(p.String(), f.At)
	}
	return f
}
