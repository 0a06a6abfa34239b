package awsapi

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/emrguard/emrguard/source/snapshot"
)

// kmsAPI is the part of *kms.Client collectKeys calls.
type kmsAPI interface {
	DescribeKey(ctx context.Context, params *kms.DescribeKeyInput, optFns ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
	GetKeyRotationStatus(ctx context.Context, params *kms.GetKeyRotationStatusInput, optFns ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error)
}

// collectKeys describes each distinct key ref once, in the order first
// named: a key ID, key ARN, alias name (alias/x) or alias ARN, as the
// security configurations and clusters give them. Every ref yields a
// KMSKey; Metadata is nil when DescribeKey failed (fs says why).
//
// GetKeyRotationStatus is asked only of customer-managed symmetric
// encryption keys, by key ARN (it does not take aliases): AWS-managed
// keys are rotated yearly by AWS and cannot be configured, and
// asymmetric and HMAC keys cannot rotate automatically, so for them
// RotationEnabled stays nil. An UnsupportedOperationException reply
// (e.g. a key in a custom key store) means rotation does not apply, not
// that the call failed: RotationEnabled stays nil and no failure is kept.
//
// A ref that is the ARN of a key in another region is asked of this
// region's endpoint anyway; KMS is regional and will most likely answer
// NotFoundException, which is kept as the failure. kmsRefRegion lets a
// caller send such refs to their own region instead.
func collectKeys(ctx context.Context, api kmsAPI, region string, refs []string, fs *failures) []*snapshot.KMSKey {
	var distinct []string
	seen := map[string]bool{}
	for _, r := range refs {
		if r != "" && !seen[r] {
			seen[r] = true
			distinct = append(distinct, r)
		}
	}
	keys := make([]*snapshot.KMSKey, len(distinct))
	boundedEach(len(distinct), 4, func(i int) {
		keys[i] = kmsKey(ctx, api, region, distinct[i], fs)
	})
	return keys
}

// kmsKey is DescribeKey of one ref, and its rotation where it applies.
func kmsKey(ctx context.Context, api kmsAPI, region, ref string, fs *failures) *snapshot.KMSKey {
	k := &snapshot.KMSKey{Ref: ref}
	out, err := api.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(ref)})
	if err != nil {
		fs.add("kms", "DescribeKey", region, ref, fmt.Errorf("kms DescribeKey %s in %s: %w", ref, region, err))
		return k
	}
	k.Metadata = out.KeyMetadata
	if !kmsRotatable(k.Metadata) {
		return k
	}
	id := aws.ToString(k.Metadata.Arn)
	if id == "" {
		id = aws.ToString(k.Metadata.KeyId)
	}
	rot, err := api.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: aws.String(id)})
	var unsupported *kmstypes.UnsupportedOperationException
	switch {
	case errors.As(err, &unsupported):
		// rotation not applicable to this key
	case err != nil:
		fs.add("kms", "GetKeyRotationStatus", region, id, fmt.Errorf("kms GetKeyRotationStatus %s in %s: %w", id, region, err))
	default:
		enabled := rot.KeyRotationEnabled
		k.RotationEnabled = &enabled
	}
	return k
}

// kmsRotatable says whether a key is one whose rotation its owner
// configures: customer-managed with a symmetric encryption spec (an
// absent spec is the default, symmetric).
func kmsRotatable(m *kmstypes.KeyMetadata) bool {
	if m == nil || m.KeyManager != kmstypes.KeyManagerTypeCustomer {
		return false
	}
	spec := string(m.KeySpec)
	if spec == "" {
		spec = string(m.CustomerMasterKeySpec)
	}
	return spec == "" || spec == string(kmstypes.KeySpecSymmetricDefault)
}

// kmsRefRegion returns the region of a key or alias ARN
// (arn:aws:kms:eu-west-1:123456789012:key/…), "" for a key ID or alias
// name, which are resolved in the region asked.
func kmsRefRegion(ref string) string {
	parts := strings.SplitN(ref, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "kms" {
		return ""
	}
	return parts[3]
}
