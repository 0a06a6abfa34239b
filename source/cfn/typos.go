package cfn

import (
	"strings"

	"github.com/emrguard/emrguard/source/tree"
)

// readProps are the properties controls read, per resource type and
// nested object: a key that is not one of them but shares a long prefix
// with one is almost surely a typo that makes CloudFormation refuse the
// template, or (if the check is skipped) drops the setting. New AWS
// properties never trip this: only near-misses of these names do.
var readProps = map[string][]string{
	"AWS::EMR::Cluster": {"SecurityConfiguration", "ReleaseLabel", "LogUri", "LogEncryptionKmsKeyId",
		"ServiceRole", "JobFlowRole", "AutoScalingRole", "CustomAmiId", "Instances"},
	"AWS::EMR::Cluster.Instances": {"Ec2KeyName", "Ec2SubnetId", "Ec2SubnetIds", "EmrManagedMasterSecurityGroup",
		"EmrManagedSlaveSecurityGroup", "ServiceAccessSecurityGroup", "AdditionalMasterSecurityGroups", "AdditionalSlaveSecurityGroups"},
}

// checkTypos warns about keys of o that are near-misses of readProps[what].
func (t *template) checkTypos(o *tree.Node, what string) {
	if o == nil || o.Kind != tree.Object {
		return
	}
	want := readProps[what]
	for _, m := range o.Fields {
		if hint := nearMiss(m.Key, want); hint != "" {
			t.warnf(m.KeyAt, "%s has no property %s (ignored); did you mean %s?", strings.Replace(what, ".", " ", 1), m.Key, hint)
		}
	}
}

func nearMiss(key string, known []string) string {
	for _, k := range known {
		if k == key {
			return ""
		}
	}
	for _, k := range known {
		n := 0
		for n < len(k) && n < len(key) && k[n] == key[n] {
			n++
		}
		if n >= 8 || strings.EqualFold(k, key) {
			return k
		}
	}
	return ""
}
