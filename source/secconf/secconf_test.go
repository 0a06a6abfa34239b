package secconf

import (
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/tree"
)

func decode(t *testing.T, src string) (*model.SecurityConfiguration, source.Diagnostics) {
	t.Helper()
	n, err := tree.ParseJSON("sc.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return Decode(n, model.Ref{ID: "sc", Loc: n.At})
}

// Ensure the documented shape decodes into typed fields with their lines.
func TestDecodeFields(t *testing.T) {
	sc, diags := decode(t, `{
 "EncryptionConfiguration": {
  "EnableInTransitEncryption": "TRUE",
  "EnableAtRestEncryption": true,
  "InTransitEncryptionConfiguration": {"TLSCertificateConfiguration": {"CertificateProviderType": "EMR"}},
  "AtRestEncryptionConfiguration": {
   "S3EncryptionConfiguration": {"EncryptionMode": "CSE-KMS", "AwsKmsKey": "k", "Overrides": [{"BucketName": "b", "EncryptionMode": "SSE-S3"}]},
   "LocalDiskEncryptionConfiguration": {"EncryptionKeyProviderType": "AwsKms", "AwsKmsKey": "k", "EnableEbsEncryption": true}}},
 "InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": 2, "HttpPutResponseHopLimit": 2},
 "AuthenticationConfiguration": {"KerberosConfiguration": {"Provider": "ClusterDedicatedKdc"}}
}`)
	if len(diags) != 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"in-transit string TRUE", sc.InTransit.Get(false) && sc.InTransit.At.Line == 3},
		{"at rest", sc.AtRest.Get(false)},
		{"TLS provider", sc.TLSProvider.Get("") == "EMR"},
		{"S3 mode", sc.S3Mode.Get("") == "CSE-KMS" && sc.S3Mode.At.Line == 7},
		{"override", len(sc.S3Overrides) == 1 && sc.S3Overrides[0].Mode.Get("") == "SSE-S3"},
		{"local disk", sc.LocalDisk.Get(false) && sc.LocalDiskProvider.Get("") == "AwsKms" && sc.EBSEncryption.Get(false)},
		{"IMDS", sc.IMDSMinVersion.Get(0) == 2 && sc.IMDSHopLimit.Get(0) == 2},
		{"kerberos", sc.KerberosEnabled.Get(false)},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: wrong", c.name)
		}
	}
}

// Ensure absent keys are Absent (not false), unknown keys are warnings with
// a suggestion, and wrong types are errors that make the field Unknown.
func TestDecodeAbsentUnknownAndWrong(t *testing.T) {
	sc, diags := decode(t, `{"EncryptionConfiguration": {"enableInTransitEncryption": true, "EnableAtRestEncryption": 1},
  "Extra": {}}`)
	if !sc.InTransit.IsAbsent() || !sc.S3Mode.IsAbsent() || !sc.IMDS.IsAbsent() {
		t.Errorf("absent fields: %+v", sc)
	}
	if !sc.AtRest.IsUnknown() || !strings.Contains(sc.AtRest.Why, "want true or false") {
		t.Errorf("wrong type: %+v", sc.AtRest)
	}
	var warns, errs []string
	for _, d := range diags {
		if d.Level == source.Warning {
			warns = append(warns, d.Msg)
		} else {
			errs = append(errs, d.Msg)
		}
	}
	if len(warns) != 2 || !strings.Contains(strings.Join(warns, "|"), `did you mean "EnableInTransitEncryption"`) {
		t.Errorf("warnings %q", warns)
	}
	if len(errs) != 1 {
		t.Errorf("errors %q", errs)
	}
}

// Ensure the API's string form and an unresolved value are read, and a
// broken string makes every field Unknown with the reason.
func TestDecodeStringAndUnknown(t *testing.T) {
	str := &tree.Node{Kind: tree.String, Text: `{"EncryptionConfiguration": {"EnableInTransitEncryption": true}}`, At: model.Loc{File: "t.yaml", Line: 10, Col: 5}}
	sc, _ := Decode(str, model.Ref{})
	if !sc.InTransit.Get(false) || sc.InTransit.At.Line != 10 {
		t.Errorf("string form: %+v", sc.InTransit)
	}
	sc, _ = Decode(tree.UnknownNode("parameter Conf has no default", model.Loc{}), model.Ref{})
	if !sc.InTransit.IsUnknown() || sc.S3Mode.Why != "parameter Conf has no default" || !sc.IMDSMinVersion.IsUnknown() {
		t.Errorf("unknown document: %+v", sc)
	}
	sc, diags := Decode(&tree.Node{Kind: tree.String, Text: `{"Encryption`}, model.Ref{})
	if !sc.AtRest.IsUnknown() || diags.Err() == nil || !strings.Contains(sc.AtRest.Why, "not valid JSON") {
		t.Errorf("broken string: %+v %v", sc.AtRest, diags)
	}
	// An unresolved object part makes only the fields below it Unknown.
	n, _ := tree.ParseJSON("p.json", []byte(`{"EncryptionConfiguration": {"EnableInTransitEncryption": true, "AtRestEncryptionConfiguration": {}}}`))
	n.Get("EncryptionConfiguration").Fields[1].Val = tree.UnknownNode("condition IsProd unresolved", model.Loc{})
	sc, _ = Decode(n, model.Ref{})
	if !sc.InTransit.Get(false) || !sc.S3Mode.IsUnknown() || !sc.LocalDisk.IsUnknown() || sc.AtRest.IsUnknown() {
		t.Errorf("partly unknown: in-transit %+v, s3 %+v, disk %+v", sc.InTransit, sc.S3Mode, sc.LocalDisk)
	}
}

// Ensure files are recognised and named: bare documents by file name,
// describe output by its Name.
func TestLoad(t *testing.T) {
	bare, _ := tree.ParseJSON("dir/hardened.json", []byte(`{"EncryptionConfiguration": {}}`))
	named, _ := tree.ParseJSON("x.json", []byte(`{"Name": "prod", "SecurityConfiguration": "{}"}`))
	other, _ := tree.ParseJSON("y.json", []byte(`{"Name": "c", "Instances": {}}`))
	if !Detect(bare) || !Detect(named) || Detect(other) {
		t.Fatal("Detect")
	}
	ev, _ := Load("dir/hardened.json", bare)
	if got := ev.SecurityConfigurations[0].Name.Val; got != "hardened" {
		t.Errorf("bare name %q", got)
	}
	ev, _ = Load("x.json", named)
	if got := ev.SecurityConfigurations[0].Name.Val; got != "prod" {
		t.Errorf("named %q", got)
	}
}
