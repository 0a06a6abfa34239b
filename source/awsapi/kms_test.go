package awsapi

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/source/snapshot"
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

// kmsEstate is a region's keys: a customer key with rotation on (named by
// the alias alias/emr), one with rotation off, an AWS-managed key and an
// asymmetric customer key.
func kmsEstate() []*snapshot.KMSKey {
	key := func(id string, manager kmstypes.KeyManagerType, spec kmstypes.KeySpec) *kmstypes.KeyMetadata {
		return &kmstypes.KeyMetadata{KeyId: aws.String(id), Arn: aws.String("arn:aws:kms:eu-west-1:" + awstestAccount + ":key/" + id),
			KeyManager: manager, KeySpec: spec, KeyState: kmstypes.KeyStateEnabled, Enabled: true, Origin: kmstypes.OriginTypeAwsKms,
			KeyUsage: kmstypes.KeyUsageTypeEncryptDecrypt}
	}
	return []*snapshot.KMSKey{
		{Ref: "alias/emr", Metadata: key("1111", kmstypes.KeyManagerTypeCustomer, kmstypes.KeySpecSymmetricDefault), RotationEnabled: aws.Bool(true)},
		{Ref: "2222", Metadata: key("2222", kmstypes.KeyManagerTypeCustomer, kmstypes.KeySpecSymmetricDefault), RotationEnabled: aws.Bool(false)},
		{Ref: "alias/aws/s3", Metadata: key("3333", kmstypes.KeyManagerTypeAws, kmstypes.KeySpecSymmetricDefault)},
		{Ref: "4444", Metadata: key("4444", kmstypes.KeyManagerTypeCustomer, kmstypes.KeySpecRsa2048)},
	}
}

// Ensure, through internal/awstest: collectKeys returns each ref with the
// key's metadata, the rotation of customer symmetric keys (true, false)
// and none for the AWS-managed and asymmetric keys, asking DescribeKey
// once per distinct ref and the rotation once per key.
func TestKeysAwstest(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	estate := kmsEstate()
	s.LoadAccounts(&snapshot.Account{ID: awstestAccount, Regions: []*snapshot.Region{{Name: "eu-west-1", KMSKeys: estate}}})
	fs := &failures{}
	arn1 := aws.ToString(estate[0].Metadata.Arn)
	refs := []string{"alias/emr", "2222", "alias/aws/s3", "4444", arn1, "alias/emr"}
	got := collectKeys(context.Background(), kms.NewFromConfig(s.Config("eu-west-1")), "eu-west-1", refs, fs)
	svcNoFailures(t, fs)
	second := *estate[0]
	second.Ref = arn1
	want := append(estate[:4:4], &second)
	g, _ := json.MarshalIndent(got, "", " ")
	w, _ := json.MarshalIndent(want, "", " ")
	if string(g) != string(w) {
		t.Errorf("keys:\n%s\nwant:\n%s", g, w)
	}
	if n, m := s.Calls("kms.DescribeKey"), s.Calls("kms.GetKeyRotationStatus"); n != 5 || m != 2 {
		t.Errorf("DescribeKey %d, GetKeyRotationStatus %d calls; want 5 (distinct refs) and 2 (customer symmetric keys)", n, m)
	}
}

// Ensure each KMS call denied, throttled or failing past the retries, or
// cut short, leaves one Failure naming it, and the key's metadata or
// rotation unknown (nil); and that UnsupportedOperationException from
// GetKeyRotationStatus is "rotation does not apply", not a failure.
func TestKeyFaults(t *testing.T) {
	arn := "arn:aws:kms:eu-west-1:" + awstestAccount + ":key/1111"
	run := func(t *testing.T, f awstest.Fault) (*awstest.Server, *failures, []*snapshot.KMSKey) {
		s := awstest.New()
		t.Cleanup(s.Close)
		s.LoadAccounts(&snapshot.Account{ID: awstestAccount, Regions: []*snapshot.Region{{Name: "eu-west-1", KMSKeys: kmsEstate()[:1]}}})
		s.Inject(f)
		fs := &failures{}
		return s, fs, collectKeys(context.Background(), kms.NewFromConfig(s.Config("eu-west-1")), "eu-west-1", []string{"alias/emr"}, fs)
	}
	for _, c := range []struct {
		op, resource string
		metadata     bool
	}{{"DescribeKey", "alias/emr", false}, {"GetKeyRotationStatus", arn, true}} {
		for _, f := range svcFaults("kms."+c.op, "AccessDeniedException", "ThrottlingException") {
			t.Run(c.op+"/"+f.name, func(t *testing.T) {
				s, fs, got := run(t, f.fault)
				svcCheckFault(t, s, fs, f, "kms", c.op, "eu-west-1", c.resource)
				if len(got) != 1 || got[0].Ref != "alias/emr" || (got[0].Metadata != nil) != c.metadata || got[0].RotationEnabled != nil {
					t.Errorf("keys = %+v, want alias/emr with metadata %v and no rotation", got, c.metadata)
				}
			})
		}
	}
	t.Run("unsupported", func(t *testing.T) {
		_, fs, got := run(t, awstest.Fault{Op: "kms.GetKeyRotationStatus", Code: "UnsupportedOperationException", Message: "rotation is not supported for keys in a custom key store"})
		svcNoFailures(t, fs)
		if len(got) != 1 || got[0].Metadata == nil || got[0].RotationEnabled != nil {
			t.Errorf("keys = %+v, want metadata and no rotation", got)
		}
	})
}
