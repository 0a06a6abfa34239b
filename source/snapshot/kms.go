package snapshot

import (
	"fmt"
	"strings"

	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/emrguard/emrguard/model"
)

// KMSKeyKind is the Ref.Kind of live KMS keys.
const KMSKeyKind = "kms:key"

// kmsKeys maps the keys the region's configurations and clusters name,
// one per key however many references (aliases, IDs, ARNs) led to it; a
// key whose DescribeKey failed has every field Unknown.
func (m *mapper) kmsKeys(r *Region) {
	byARN := map[string]*model.KMSKey{}
	for _, k := range r.KMSKeys {
		md := k.Metadata
		if md == nil {
			why := m.whyIn(r, "kms", "DescribeKey", k.Ref, fmt.Sprintf("the live scan did not describe KMS key %s (DescribeKey)", k.Ref))
			s, b := unknown[string](why), unknown[bool](why)
			key := &model.KMSKey{Ref: m.ref(KMSKeyKind, k.Ref, k.Ref, r.Name), KeyID: s, ARN: s, Enabled: b, State: s, Manager: s, RotationEnabled: b}
			if isAlias(k.Ref) {
				key.Aliases = []string{aliasName(k.Ref)}
			}
			m.ev.KMSKeys = append(m.ev.KMSKeys, key)
			continue
		}
		arn := deref(md.Arn)
		key := byARN[arn]
		if key == nil {
			key = &model.KMSKey{Ref: m.ref(KMSKeyKind, arn, deref(md.KeyId), r.Name), KeyID: str(md.KeyId), ARN: str(md.Arn),
				Enabled: known(md.Enabled), State: str(ptr(string(md.KeyState))), Manager: str(ptr(string(md.KeyManager)))}
			switch {
			case k.RotationEnabled != nil:
				key.RotationEnabled = known(*k.RotationEnabled)
			case md.KeyManager == kmstypes.KeyManagerTypeAws:
				key.RotationEnabled = known(true) // AWS managed keys rotate every year, always
			default:
				key.RotationEnabled = unknown[bool](m.whyIn(r, "kms", "GetKeyRotationStatus", k.Ref,
					fmt.Sprintf("the live scan did not read the rotation of KMS key %s (GetKeyRotationStatus)", k.Ref)))
			}
			byARN[arn] = key
			m.ev.KMSKeys = append(m.ev.KMSKeys, key)
		} else if key.RotationEnabled.IsUnknown() && k.RotationEnabled != nil {
			key.RotationEnabled = known(*k.RotationEnabled)
		}
		if isAlias(k.Ref) {
			if a := aliasName(k.Ref); !contains(key.Aliases, a) {
				key.Aliases = append(key.Aliases, a)
			}
		}
	}
}

func isAlias(ref string) bool {
	return strings.HasPrefix(ref, "alias/") || strings.Contains(ref, ":alias/")
}

// aliasName is "alias/…" of an alias name or ARN.
func aliasName(ref string) string {
	if i := strings.Index(ref, ":alias/"); i >= 0 {
		return ref[i+1:]
	}
	return ref
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
