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
// encryption keys, once per key, by key ARN (it takes no alias): AWS-managed
// keys are rotated yearly by AWS and cannot be configured, and
// asymmetric and HMAC keys cannot rotate automatically, so for them
// RotationEnabled stays nil. An UnsupportedOperationException reply
// (e.g. a key in a custom key store) means rotation does not apply, not
// that the call failed: RotationEnabled stays nil and no failure is kept.
//
// A ref that is the ARN of a key in another region is asked of this
// region's endpoint anyway (KMS takes key ARNs, and refusing to ask would
// lose the ref); KMS keys are regional, so expect an error (most likely
// NotFoundException; not verified against AWS), kept as the failure.
// kmsRefRegion lets a caller send such refs to their own region instead.
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
		keys[i] = &snapshot.KMSKey{Ref: distinct[i]}
		out, err := api.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(distinct[i])})
		if err != nil {
			fs.add("kms", "DescribeKey", region, distinct[i], fmt.Errorf("kms DescribeKey %s in %s: %w", distinct[i], region, err))
			return
		}
		keys[i].Metadata = out.KeyMetadata
	})

	// Several refs (an alias, the ID, the ARN) may name one key: its
	// rotation is asked once, by key ARN.
	var arns []string
	byARN := map[string][]*snapshot.KMSKey{}
	for _, k := range keys {
		if !kmsRotatable(k.Metadata) {
			continue
		}
		arn := aws.ToString(k.Metadata.Arn)
		if arn == "" {
			arn = aws.ToString(k.Metadata.KeyId)
		}
		if byARN[arn] == nil {
			arns = append(arns, arn)
		}
		byARN[arn] = append(byARN[arn], k)
	}
	boundedEach(len(arns), 4, func(i int) {
		enabled := kmsRotation(ctx, api, region, arns[i], fs)
		for _, k := range byARN[arns[i]] {
			if enabled != nil {
				v := *enabled
				k.RotationEnabled = &v
			}
		}
	})
	return keys
}

// kmsRotation is GetKeyRotationStatus of a key; nil when rotation does
// not apply to it or the call failed (recorded in fs).
func kmsRotation(ctx context.Context, api kmsAPI, region, arn string, fs *failures) *bool {
	rot, err := api.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: aws.String(arn)})
	var unsupported *kmstypes.UnsupportedOperationException
	switch {
	case errors.As(err, &unsupported):
		return nil // rotation not applicable to this key
	case err != nil:
		fs.add("kms", "GetKeyRotationStatus", region, arn, fmt.Errorf("kms GetKeyRotationStatus %s in %s: %w", arn, region, err))
		return nil
	}
	return aws.Bool(rot.KeyRotationEnabled)
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
