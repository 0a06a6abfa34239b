package harden

import "math/big"

// policyDoc is an IAM policy document; structs keep the documented key
// order (Sid, Effect, Principal, Action, Resource, Condition).
type policyDoc struct {
	Version   string `json:"Version"`
	Statement []stmt `json:"Statement"`
}

type stmt struct {
	Sid       string                    `json:"Sid,omitempty"`
	Effect    string                    `json:"Effect"`
	Principal map[string]any            `json:"Principal,omitempty"`
	Action    []string                  `json:"Action"`
	Resource  any                       `json:"Resource,omitempty"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

func doc(s ...stmt) *policyDoc { return &policyDoc{Version: "2012-10-17", Statement: s} }

func allow(sid string, actions []string, resources ...string) stmt {
	var r any = resources
	if len(resources) == 1 {
		r = resources[0]
	}
	return stmt{Sid: sid, Effect: "Allow", Action: actions, Resource: r}
}

func (s stmt) when(op, key string, val any) stmt {
	if s.Condition == nil {
		s.Condition = map[string]map[string]any{}
	}
	if s.Condition[op] == nil {
		s.Condition[op] = map[string]any{}
	}
	s.Condition[op][key] = val
	return s
}

// The KMS actions a role that encrypts and decrypts data with a key
// needs, spelled out rather than "kms:ReEncrypt*"/"kms:GenerateDataKey*".
var kmsUse = []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
	"kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"}

// kmsGrants let a role hand the key to an AWS service on its behalf (EBS
// volumes), and only to one: kms:GrantIsForAWSResource.
var kmsGrants = []string{"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}

// base36 is how `aws emr-containers update-role-trust-policy` encodes a
// role name in EMR's service-account names: the name's bytes as one
// big-endian number, in base 36 (awscli customizations/emrcontainers/base36.py).
func base36(s string) string {
	return new(big.Int).SetBytes([]byte(s)).Text(36)
}
