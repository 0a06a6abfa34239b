// Package secconf decodes the EMR security-configuration document into
// model.SecurityConfiguration. Every source that meets one — a JSON file,
// a CloudFormation property (object or string), a Terraform attribute, a
// DescribeSecurityConfiguration reply — hands it here, so the document is
// read one way everywhere and controls never parse it.
package secconf

import (
	"fmt"
	"slices"
	"strings"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/tree"
)

// Kind is the Ref.Kind given to configurations read from JSON files.
const Kind = "emr:security-configuration"

// The keys EMR documents for each object (aws-emr-facts.md §1); others are
// reported as warnings and ignored, as EMR ignores them.
var known = map[string][]string{
	"":                                     {"EncryptionConfiguration", "InstanceMetadataServiceConfiguration", "AuthenticationConfiguration", "AuthorizationConfiguration", "LakeFormationConfiguration"},
	"EncryptionConfiguration":              {"EnableInTransitEncryption", "EnableAtRestEncryption", "InTransitEncryptionConfiguration", "AtRestEncryptionConfiguration", "EMRWALEncryptionConfiguration"},
	"InTransitEncryptionConfiguration":     {"TLSCertificateConfiguration"},
	"TLSCertificateConfiguration":          {"CertificateProviderType", "S3Object", "CertificateProviderClass", "AwsKmsKey", "SecretTags", "ValidityInDays", "WildcardDnsSuffix"},
	"AtRestEncryptionConfiguration":        {"S3EncryptionConfiguration", "LocalDiskEncryptionConfiguration"},
	"S3EncryptionConfiguration":            {"EncryptionMode", "AwsKmsKey", "S3Object", "EncryptionKeyProviderClass", "Overrides"},
	"Overrides":                            {"BucketName", "EncryptionMode", "AwsKmsKey", "S3Object", "EncryptionKeyProviderClass"},
	"LocalDiskEncryptionConfiguration":     {"EncryptionKeyProviderType", "AwsKmsKey", "S3Object", "EncryptionKeyProviderClass", "EnableEbsEncryption"},
	"InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion", "HttpPutResponseHopLimit"},
}

// TopLevelKeys are the keys that mark a JSON object as a security
// configuration document.
var TopLevelKeys = known[""]

// Decode reads a security configuration from n: an object, a JSON string
// holding one (the API and Terraform form), or an Unknown node (every field
// is then Unknown with its reason). ref names the resource; its Loc is
// the fallback location. Warnings (unknown keys) and errors (wrong types)
// are returned as diagnostics; a field that cannot be read is Unknown.
func Decode(n *tree.Node, ref model.Ref) (*model.SecurityConfiguration, source.Diagnostics) {
	d := &decoder{}
	sc := &model.SecurityConfiguration{Ref: ref}
	n = tree.Unhole(n)
	if n != nil && n.Kind == tree.String {
		inner, err := tree.ParseEmbedded(n.Text, n.At)
		if err != nil {
			why := "security configuration is not valid JSON: " + err.Error()
			if pe, ok := err.(*tree.ParseError); ok {
				why = fmt.Sprintf("security configuration string is not valid JSON (line %d, column %d of the string): %s", pe.At.Line, pe.At.Col, strings.TrimPrefix(pe.Msg, "invalid JSON: "))
			}
			d.diags.Errorf(n.At, "%s", why)
			fillUnknown(sc, why, n.At)
			return sc, d.diags
		}
		n = inner
	}
	switch {
	case n == nil:
		why := "security configuration document is missing"
		d.diags.Errorf(ref.Loc, "%s", why)
		fillUnknown(sc, why, ref.Loc)
		return sc, d.diags
	case n.Kind == tree.Unknown:
		fillUnknown(sc, n.Text, n.At)
		return sc, d.diags
	case n.Kind != tree.Object:
		why := fmt.Sprintf("security configuration is a %s, want a JSON object", n.Kind)
		d.diags.Errorf(n.At, "%s", why)
		fillUnknown(sc, why, n.At)
		return sc, d.diags
	}
	d.checkKeys(n, "")
	enc := d.object(n, "EncryptionConfiguration")
	sc.InTransit = d.boolean(enc, "EnableInTransitEncryption")
	tls := d.object(d.object(enc, "InTransitEncryptionConfiguration"), "TLSCertificateConfiguration")
	sc.TLSProvider = d.str(tls, "CertificateProviderType")
	sc.TLSCertificates = d.str(tls, "S3Object")

	sc.AtRest = d.boolean(enc, "EnableAtRestEncryption")
	atRest := d.object(enc, "AtRestEncryptionConfiguration")
	s3 := d.object(atRest, "S3EncryptionConfiguration")
	sc.S3Mode = d.str(s3, "EncryptionMode")
	if s3 != nil && s3.Kind == tree.Object && sc.S3Mode.IsAbsent() {
		// The block is there but names no mode: EMR refuses that; say so
		// rather than treat S3 as unencrypted or encrypted.
		sc.S3Mode = model.Unresolved[string]("S3EncryptionConfiguration has no EncryptionMode", s3.At)
	}
	sc.S3KMSKey = d.str(s3, "AwsKmsKey")
	sc.S3Overrides = d.overrides(s3)

	disk := d.object(atRest, "LocalDiskEncryptionConfiguration")
	sc.LocalDisk = presence(atRest, disk)
	sc.LocalDiskProvider = d.str(disk, "EncryptionKeyProviderType")
	sc.LocalDiskKMSKey = d.str(disk, "AwsKmsKey")
	sc.EBSEncryption = d.boolean(disk, "EnableEbsEncryption")

	imds := d.object(n, "InstanceMetadataServiceConfiguration")
	sc.IMDS = presence(n, imds)
	sc.IMDSMinVersion = d.integer(imds, "MinimumInstanceMetadataServiceVersion")
	sc.IMDSHopLimit = d.integer(imds, "HttpPutResponseHopLimit")

	auth := d.object(n, "AuthenticationConfiguration")
	sc.KerberosEnabled = presence(auth, d.object(auth, "KerberosConfiguration"))
	return sc, d.diags
}

// fillUnknown marks every field Unknown with why.
func fillUnknown(sc *model.SecurityConfiguration, why string, at model.Loc) {
	ub := model.Unresolved[bool](why, at)
	us := model.Unresolved[string](why, at)
	ui := model.Unresolved[int](why, at)
	sc.InTransit, sc.AtRest, sc.LocalDisk, sc.EBSEncryption, sc.IMDS, sc.KerberosEnabled = ub, ub, ub, ub, ub, ub
	sc.TLSProvider, sc.TLSCertificates, sc.S3Mode, sc.S3KMSKey, sc.LocalDiskProvider, sc.LocalDiskKMSKey = us, us, us, us, us, us
	sc.IMDSMinVersion, sc.IMDSHopLimit = ui, ui
	sc.S3Overrides = []model.S3Override{{Bucket: us, Mode: us, At: at}}
}

// Placeholder returns a configuration named name whose every field is
// Unknown with why: for a configuration a live or event source could not
// fetch (AccessDenied, not found).
func Placeholder(name string, ref model.Ref, why string) *model.SecurityConfiguration {
	sc := &model.SecurityConfiguration{Ref: ref, Name: model.Known(name, ref.Loc)}
	fillUnknown(sc, why, ref.Loc)
	return sc
}

type decoder struct{ diags source.Diagnostics }

// object returns the object at parent[key]: nil when absent, an Unknown
// node when unresolved or of the wrong type (with an error diagnostic).
func (d *decoder) object(parent *tree.Node, key string) *tree.Node {
	if parent == nil || parent.Kind != tree.Object {
		return parent // nil, or an Unknown node that stands for everything below it
	}
	n := parent.Get(key)
	if n == nil || n.Kind == tree.Object || n.Kind == tree.Unknown {
		d.checkKeys(n, key)
		return n
	}
	if n.Kind == tree.Null {
		return nil
	}
	why := fmt.Sprintf("%s is a %s, want an object", key, n.Kind)
	d.diags.Errorf(n.At, "%s", why)
	return tree.UnknownNode(why, n.At)
}

// presence is Set(true) when the object is there, Absent when not, and
// Unknown when it or its parent is unresolved.
func presence(parent, n *tree.Node) model.Field[bool] {
	switch {
	case n != nil && n.Kind == tree.Unknown:
		return model.Unresolved[bool](n.Text, n.At)
	case n != nil:
		return model.Known(true, n.At)
	case parent != nil && parent.Kind == tree.Unknown:
		return model.Unresolved[bool](parent.Text, parent.At)
	}
	return model.Field[bool]{}
}

// scalar looks up parent[key] and hands a present, resolved node to conv.
func scalar[T any](d *decoder, parent *tree.Node, key, want string, conv func(*tree.Node) (T, bool)) model.Field[T] {
	if parent == nil {
		return model.Field[T]{}
	}
	if parent.Kind == tree.Unknown {
		return model.Unresolved[T](parent.Text, parent.At)
	}
	n := parent.Get(key)
	switch {
	case n == nil || n.Kind == tree.Null:
		return model.Field[T]{}
	case n.Kind == tree.Unknown:
		return model.Unresolved[T](n.Text, n.At)
	}
	v, ok := conv(n)
	if !ok {
		why := fmt.Sprintf("%s is %s %q, want %s", key, article(n.Kind), n.Text, want)
		d.diags.Errorf(n.At, "%s", why)
		return model.Unresolved[T](why, n.At)
	}
	return model.Known(v, n.At)
}

func article(k tree.Kind) string {
	if k == tree.Array || k == tree.Object {
		return "an " + k.String()
	}
	return "a " + k.String()
}

func (d *decoder) boolean(parent *tree.Node, key string) model.Field[bool] {
	return scalar(d, parent, key, "true or false", (*tree.Node).Bool)
}

func (d *decoder) integer(parent *tree.Node, key string) model.Field[int] {
	return scalar(d, parent, key, "an integer", (*tree.Node).Int)
}

func (d *decoder) str(parent *tree.Node, key string) model.Field[string] {
	if n := parent.Get(key); n != nil && n.Kind == tree.Unknown {
		return tree.UnknownString(n, n.At) // known in part, maybe
	}
	return scalar(d, parent, key, "a string", (*tree.Node).Str)
}

func (d *decoder) overrides(s3 *tree.Node) []model.S3Override {
	if s3 == nil || s3.Kind != tree.Object {
		return nil
	}
	list := s3.Get("Overrides")
	switch {
	case list == nil || list.Kind == tree.Null:
		return nil
	case list.Kind == tree.Unknown:
		u := model.Unresolved[string](list.Text, list.At)
		return []model.S3Override{{Bucket: u, Mode: u, At: list.At}}
	case list.Kind != tree.Array:
		why := fmt.Sprintf("Overrides is %s, want a list", article(list.Kind))
		d.diags.Errorf(list.At, "%s", why)
		u := model.Unresolved[string](why, list.At)
		return []model.S3Override{{Bucket: u, Mode: u, At: list.At}}
	}
	var out []model.S3Override
	for _, it := range list.Items {
		if it.Kind != tree.Object && it.Kind != tree.Unknown {
			why := fmt.Sprintf("an override is %s, want an object", article(it.Kind))
			d.diags.Errorf(it.At, "%s", why)
			it = tree.UnknownNode(why, it.At)
		}
		d.checkKeys(it, "Overrides")
		out = append(out, model.S3Override{Bucket: d.str(it, "BucketName"), Mode: d.str(it, "EncryptionMode"), At: it.At})
	}
	return out
}

// checkKeys warns about keys EMR does not document in object n (named by
// key in its parent).
func (d *decoder) checkKeys(n *tree.Node, key string) {
	keys, ok := known[key]
	if !ok || n == nil || n.Kind != tree.Object {
		return
	}
	for _, m := range n.Fields {
		if slices.Contains(keys, m.Key) || m.Key == "CACertificateSecretARN" {
			continue
		}
		msg := fmt.Sprintf("unknown key %q in %s; EMR ignores it", m.Key, or(key, "the security configuration"))
		if s := suggest(keys, m.Key); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		d.diags.Warnf(m.KeyAt, "%s", msg)
	}
}

func or(a, b string) string {
	if a == "" {
		return b
	}
	return a
}

// suggest returns the documented key that k misspells by case only.
func suggest(keys []string, k string) string {
	for _, x := range keys {
		if strings.EqualFold(x, k) {
			return x
		}
	}
	return ""
}
