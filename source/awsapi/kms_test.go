package awsapi

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// Ensure, against an independent AWS (moto): collectKeys describes each
// distinct ref once, whether a key ID, key ARN or alias; asks the
// rotation of a customer symmetric key once however many refs name it
// (by ARN, since the call takes no alias), and not of an asymmetric one; and keeps a ref it could not
// describe, without metadata, its failure naming it.
func testMotoKeys(t *testing.T, config func(region string) aws.Config) {
	cfg := config("eu-west-1")
	ctx := context.Background()
	var calls svcCounter
	api := kms.NewFromConfig(cfg, func(o *kms.Options) { o.APIOptions = append(o.APIOptions, calls.install) })
	sym, err := api.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	symID, symARN := aws.ToString(sym.KeyMetadata.KeyId), aws.ToString(sym.KeyMetadata.Arn)
	if _, err := api.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: aws.String(symID)}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/emr-at-rest"), TargetKeyId: aws.String(symID)}); err != nil {
		t.Fatal(err)
	}
	plain, err := api.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	asym, err := api.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: kmstypes.KeySpecRsa2048, KeyUsage: kmstypes.KeyUsageTypeSignVerify})
	if err != nil {
		t.Fatal(err)
	}
	asymID := aws.ToString(asym.KeyMetadata.KeyId)
	before := calls.count("GetKeyRotationStatus")

	fs := &failures{}
	refs := []string{symID, "alias/emr-at-rest", symARN, symID, asymID, aws.ToString(plain.KeyMetadata.KeyId), "alias/missing", ""}
	keys := collectKeys(ctx, api, "eu-west-1", refs, fs)
	svcOneFailure(t, fs, "DescribeKey", "alias/missing", "NotFoundException")

	want := []struct {
		ref      string
		arn      string
		rotation *bool
	}{
		{symID, symARN, aws.Bool(true)},
		{"alias/emr-at-rest", symARN, aws.Bool(true)},
		{symARN, symARN, aws.Bool(true)},
		{asymID, aws.ToString(asym.KeyMetadata.Arn), nil},
		{aws.ToString(plain.KeyMetadata.KeyId), aws.ToString(plain.KeyMetadata.Arn), aws.Bool(false)},
		{"alias/missing", "", nil},
	}
	if len(keys) != len(want) {
		t.Fatalf("keys = %d, want %d (one per distinct ref)", len(keys), len(want))
	}
	for i, w := range want {
		k := keys[i]
		if k.Ref != w.ref {
			t.Errorf("key %d ref = %q, want %q", i, k.Ref, w.ref)
			continue
		}
		if w.arn == "" {
			if k.Metadata != nil || k.RotationEnabled != nil {
				t.Errorf("%s: metadata %+v, rotation %v; want none", k.Ref, k.Metadata, k.RotationEnabled)
			}
			continue
		}
		if k.Metadata == nil || aws.ToString(k.Metadata.Arn) != w.arn || k.Metadata.KeyManager != kmstypes.KeyManagerTypeCustomer {
			t.Errorf("%s: metadata %+v, want customer key %s", k.Ref, k.Metadata, w.arn)
		}
		if (k.RotationEnabled == nil) != (w.rotation == nil) || (w.rotation != nil && *k.RotationEnabled != *w.rotation) {
			t.Errorf("%s: rotation %v, want %v", k.Ref, k.RotationEnabled, w.rotation)
		}
	}
	if n := calls.count("GetKeyRotationStatus") - before; n != 2 {
		t.Errorf("GetKeyRotationStatus called %d times, want 2 (once for the key three refs name, once for the plain key; not for the asymmetric one)", n)
	}
	if n := calls.count("DescribeKey"); n != 6 {
		t.Errorf("DescribeKey called %d times, want once per distinct ref (6)", n)
	}
}

// Ensure kmsRefRegion finds the region of key and alias ARNs only.
func TestKMSRefRegion(t *testing.T) {
	for ref, want := range map[string]string{
		"arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab": "eu-west-1",
		"arn:aws-cn:kms:cn-north-1:123456789012:alias/emr":                            "cn-north-1",
		"alias/emr":                                "",
		"1234abcd-12ab-34cd-56ef-1234567890ab":     "",
		"arn:aws:iam::123456789012:role/not-a-key": "",
		"arn:aws:kms:us-east-1:123456789012":       "",
	} {
		if got := kmsRefRegion(ref); got != want {
			t.Errorf("kmsRefRegion(%q) = %q, want %q", ref, got, want)
		}
	}
}
