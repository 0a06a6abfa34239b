package awsapi

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/emrguard/emrguard/source/snapshot"
)

// iamAPI is the part of *iam.Client collectIAM calls.
type iamAPI interface {
	GetInstanceProfile(ctx context.Context, params *iam.GetInstanceProfileInput, optFns ...func(*iam.Options)) (*iam.GetInstanceProfileOutput, error)
	GetRole(ctx context.Context, params *iam.GetRoleInput, optFns ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	ListAttachedRolePolicies(ctx context.Context, params *iam.ListAttachedRolePoliciesInput, optFns ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error)
	ListRolePolicies(ctx context.Context, params *iam.ListRolePoliciesInput, optFns ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error)
	GetRolePolicy(ctx context.Context, params *iam.GetRolePolicyInput, optFns ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
	GetPolicy(ctx context.Context, params *iam.GetPolicyInput, optFns ...func(*iam.Options)) (*iam.GetPolicyOutput, error)
	GetPolicyVersion(ctx context.Context, params *iam.GetPolicyVersionInput, optFns ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
	ListEntitiesForPolicy(ctx context.Context, params *iam.ListEntitiesForPolicyInput, optFns ...func(*iam.Options)) (*iam.ListEntitiesForPolicyOutput, error)
}

// iamNeeds names the roles and instance profiles the clusters, job runs
// and nodegroups use, by name or ARN, duplicates allowed.
type iamNeeds struct{ Roles, InstanceProfiles []string }

// iamParallel is how many IAM calls are in flight at once: IAM's
// request rate is account-wide and low, so a few is enough.
const iamParallel = 4

// fullAccessV1 is the name of the v1 full-access policy whose holders
// are EMR603's evidence.
const fullAccessV1 = "AmazonElasticMapReduceFullAccess"

// collectIAM reads the roles and instance profiles need names, each
// once: GetInstanceProfile (whose roles join the roles), GetRole, the
// attached and inline policies of each role, the customer-managed
// policies attached to them (GetPolicy and their default version), and
// who holds the v1 full-access policy. Every failed call is in fs;
// nothing is returned for a role or policy whose Get failed, and a list
// cut short has its Read flag false. Documents are stored decoded.
func collectIAM(ctx context.Context, api iamAPI, partition string, need iamNeeds, fs *failures) *snapshot.IAM {
	out := readIAM(ctx, api, partition, need, fs)
	out.Holders = []*snapshot.PolicyHolders{iamHolders(ctx, api, "arn:"+cmpOr(partition, "aws")+":iam::aws:policy/"+fullAccessV1, fs)}
	return out
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// readIAM is collectIAM without the policy holders: the roles and
// instance profiles need names, with their policies.
func readIAM(ctx context.Context, api iamAPI, partition string, need iamNeeds, fs *failures) *snapshot.IAM {
	if partition == "" {
		partition = "aws"
	}
	out := &snapshot.IAM{}

	profiles := iamDistinct(need.InstanceProfiles)
	got := make([]*iamtypes.InstanceProfile, len(profiles))
	boundedEach(len(profiles), iamParallel, func(i int) {
		got[i] = iamProfile(ctx, api, profiles[i], fs)
	})
	roleRefs := append([]string(nil), need.Roles...)
	for _, p := range got {
		if p == nil {
			continue
		}
		out.InstanceProfiles = append(out.InstanceProfiles, *p)
		for _, r := range p.Roles {
			roleRefs = append(roleRefs, aws.ToString(r.Arn))
		}
	}

	roles := iamDistinct(roleRefs)
	gotRoles := make([]*snapshot.Role, len(roles))
	boundedEach(len(roles), iamParallel, func(i int) {
		gotRoles[i] = iamRole(ctx, api, roles[i], fs)
	})
	var arns []string
	seen := map[string]bool{}
	awsPrefix := "arn:" + partition + ":iam::aws:policy/"
	for _, r := range gotRoles {
		if r == nil {
			continue
		}
		out.Roles = append(out.Roles, r)
		for _, ap := range r.AttachedPolicies {
			arn := aws.ToString(ap.PolicyArn)
			// AWS-managed policies are the same in every account and
			// known by name; only customer policies need reading.
			if arn == "" || strings.HasPrefix(arn, awsPrefix) || seen[arn] {
				continue
			}
			seen[arn] = true
			arns = append(arns, arn)
		}
	}
	sort.Strings(arns)
	policies := make([]*snapshot.Policy, len(arns))
	boundedEach(len(arns), iamParallel, func(i int) {
		policies[i] = iamPolicy(ctx, api, arns[i], fs)
	})
	for _, p := range policies {
		if p != nil {
			out.Policies = append(out.Policies, p)
		}
	}

	return out
}

// iamRef is a role or instance profile named once or more, by name or
// ARN. IAM names are unique in an account regardless of case, so refs
// are grouped by the lower-cased name; accounts are those of the ARNs.
type iamRef struct {
	name     string
	bare     bool     // named by name alone at least once
	accounts []string // accounts of the ARNs that named it
	arns     []string
}

// iamDistinct groups refs (names or ARNs) by name, sorted by name.
func iamDistinct(refs []string) []*iamRef {
	byKey := map[string]*iamRef{}
	var out []*iamRef
	for _, ref := range refs {
		if ref == "" {
			continue
		}
		name, account, isARN := iamSplit(ref)
		key := strings.ToLower(name)
		r := byKey[key]
		if r == nil {
			r = &iamRef{name: name}
			byKey[key] = r
			out = append(out, r)
		}
		if isARN {
			r.accounts = append(r.accounts, account)
			r.arns = append(r.arns, ref)
		} else {
			r.bare = true
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// iamSplit returns the name of a role or instance profile given by name
// or ARN (arn:aws:iam::123456789012:role/path/name), and the ARN's account.
func iamSplit(ref string) (name, account string, isARN bool) {
	parts := strings.SplitN(ref, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return ref, "", false
	}
	res := parts[5]
	return res[strings.LastIndex(res, "/")+1:], parts[4], true
}

// iamForeign records, for a ref whose ARNs name another account than
// the object read (arn), that those ARNs could not be read with this
// account's credentials, and says whether the object read was asked for.
func iamForeign(ref *iamRef, op, arn string, fs *failures) bool {
	_, have, _ := iamSplit(arn)
	wanted := ref.bare
	for i, acct := range ref.accounts {
		if acct == have {
			wanted = true
			continue
		}
		fs.add("iam", op, "", ref.arns[i], fmt.Errorf("iam %s %s: the ARN is in account %s, these credentials read account %s", op, ref.arns[i], acct, have))
	}
	return wanted
}

// iamDecode undoes the percent-encoding IAM applies to policy documents
// (RFC 3986, facts §3.4), exactly once. PathUnescape, not QueryUnescape:
// a '+' in the encoded text is a literal plus, never a space (botocore
// decodes with unquote, not unquote_plus, for the same reason).
//
// A document that starts with '{' is returned as it is: it cannot be
// encoded text (RFC 3986 encodes '{' as %7B) and decoding it would turn
// a "%41" inside it into "A". AWS encodes every document; moto 5.2.1
// leaves those of GetInstanceProfile and GetPolicyVersion unencoded.
func iamDecode(doc string) (string, error) {
	if strings.HasPrefix(strings.TrimSpace(doc), "{") {
		return doc, nil
	}
	return url.PathUnescape(doc)
}

// iamProfile is GetInstanceProfile, its roles' trust documents decoded.
func iamProfile(ctx context.Context, api iamAPI, ref *iamRef, fs *failures) *iamtypes.InstanceProfile {
	out, err := api.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String(ref.name)})
	if err != nil {
		fs.add("iam", "GetInstanceProfile", "", ref.name, fmt.Errorf("iam GetInstanceProfile %q: %w", ref.name, err))
		return nil
	}
	p := out.InstanceProfile
	if p == nil {
		fs.add("iam", "GetInstanceProfile", "", ref.name, fmt.Errorf("iam GetInstanceProfile %q: no instance profile in the reply", ref.name))
		return nil
	}
	if !iamForeign(ref, "GetInstanceProfile", aws.ToString(p.Arn), fs) {
		return nil
	}
	for i := range p.Roles {
		iamDecodeTrust(&p.Roles[i], "GetInstanceProfile", ref.name, fs)
	}
	return p
}

// iamDecodeTrust decodes a role's AssumeRolePolicyDocument in place, or
// drops it (recording why) when it is not validly encoded.
func iamDecodeTrust(r *iamtypes.Role, op, resource string, fs *failures) {
	if r.AssumeRolePolicyDocument == nil {
		return
	}
	doc, err := iamDecode(*r.AssumeRolePolicyDocument)
	if err != nil {
		r.AssumeRolePolicyDocument = nil
		fs.add("iam", op, "", resource, fmt.Errorf("iam %s %q: AssumeRolePolicyDocument: %w", op, resource, err))
		return
	}
	r.AssumeRolePolicyDocument = &doc
}

// iamRole is GetRole with the role's attached and inline policies; nil
// when GetRole failed.
func iamRole(ctx context.Context, api iamAPI, ref *iamRef, fs *failures) *snapshot.Role {
	name := ref.name
	out, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if err != nil {
		fs.add("iam", "GetRole", "", name, fmt.Errorf("iam GetRole %q: %w", name, err))
		return nil
	}
	if out.Role == nil {
		fs.add("iam", "GetRole", "", name, fmt.Errorf("iam GetRole %q: no role in the reply", name))
		return nil
	}
	if !iamForeign(ref, "GetRole", aws.ToString(out.Role.Arn), fs) {
		return nil
	}
	r := &snapshot.Role{Role: *out.Role}
	iamDecodeTrust(&r.Role, "GetRole", name, fs)

	r.AttachedRead = true
	pages := iam.NewListAttachedRolePoliciesPaginator(api, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(name)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			fs.add("iam", "ListAttachedRolePolicies", "", name, fmt.Errorf("iam ListAttachedRolePolicies %q: %w", name, err))
			r.AttachedRead = false
			break
		}
		r.AttachedPolicies = append(r.AttachedPolicies, page.AttachedPolicies...)
	}

	r.InlinePolicies, r.InlineRead = iamInline(ctx, api, name, fs)
	return r
}

// iamInline lists a role's inline policies and reads each; the bool is
// true only when the listing and every read succeeded.
func iamInline(ctx context.Context, api iamAPI, role string, fs *failures) ([]snapshot.InlinePolicy, bool) {
	var names []string
	whole := true
	pages := iam.NewListRolePoliciesPaginator(api, &iam.ListRolePoliciesInput{RoleName: aws.String(role)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			fs.add("iam", "ListRolePolicies", "", role, fmt.Errorf("iam ListRolePolicies %q: %w", role, err))
			whole = false
			break
		}
		names = append(names, page.PolicyNames...)
	}
	docs := make([]*snapshot.InlinePolicy, len(names))
	boundedEach(len(names), 2, func(i int) {
		res := role + "/" + names[i]
		out, err := api.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(names[i])})
		if err != nil {
			fs.add("iam", "GetRolePolicy", "", res, fmt.Errorf("iam GetRolePolicy %q: %w", res, err))
			return
		}
		doc, err := iamDecode(aws.ToString(out.PolicyDocument))
		if err != nil {
			fs.add("iam", "GetRolePolicy", "", res, fmt.Errorf("iam GetRolePolicy %q: PolicyDocument: %w", res, err))
			return
		}
		docs[i] = &snapshot.InlinePolicy{Name: names[i], Document: doc}
	})
	var list []snapshot.InlinePolicy
	for _, d := range docs {
		if d == nil {
			whole = false
			continue
		}
		list = append(list, *d)
	}
	return list, whole
}

// iamPolicy is GetPolicy and GetPolicyVersion of its default version;
// nil when GetPolicy failed, Document "" when GetPolicyVersion did.
func iamPolicy(ctx context.Context, api iamAPI, arn string, fs *failures) *snapshot.Policy {
	out, err := api.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil {
		fs.add("iam", "GetPolicy", "", arn, fmt.Errorf("iam GetPolicy %s: %w", arn, err))
		return nil
	}
	if out.Policy == nil {
		fs.add("iam", "GetPolicy", "", arn, fmt.Errorf("iam GetPolicy %s: no policy in the reply", arn))
		return nil
	}
	p := &snapshot.Policy{Policy: *out.Policy}
	version := aws.ToString(out.Policy.DefaultVersionId)
	v, err := api.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String(version)})
	if err != nil {
		fs.add("iam", "GetPolicyVersion", "", arn, fmt.Errorf("iam GetPolicyVersion %s %s: %w", arn, version, err))
		return p
	}
	if v.PolicyVersion == nil {
		fs.add("iam", "GetPolicyVersion", "", arn, fmt.Errorf("iam GetPolicyVersion %s %s: no version in the reply", arn, version))
		return p
	}
	doc, err := iamDecode(aws.ToString(v.PolicyVersion.Document))
	if err != nil {
		fs.add("iam", "GetPolicyVersion", "", arn, fmt.Errorf("iam GetPolicyVersion %s %s: Document: %w", arn, version, err))
		return p
	}
	p.Document = doc
	return p
}

// iamHolders lists the users, groups and roles a managed policy is
// attached to; Read is false when a page failed.
func iamHolders(ctx context.Context, api iamAPI, arn string, fs *failures) *snapshot.PolicyHolders {
	h := &snapshot.PolicyHolders{PolicyARN: arn, Read: true}
	pages := iam.NewListEntitiesForPolicyPaginator(api, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			fs.add("iam", "ListEntitiesForPolicy", "", arn, fmt.Errorf("iam ListEntitiesForPolicy %s: %w", arn, err))
			h.Read = false
			break
		}
		h.Users = append(h.Users, page.PolicyUsers...)
		h.Groups = append(h.Groups, page.PolicyGroups...)
		h.Roles = append(h.Roles, page.PolicyRoles...)
	}
	return h
}

// boundedEach calls fn(0) … fn(n-1), at most limit at a time, and
// returns when all have returned. The collectors of this package's
// per-object calls use it so that an account with many roles or
// clusters is read quickly without tripping the services' rate limits.
func boundedEach(n, limit int, fn func(i int)) {
	if limit < 1 {
		limit = 1
	}
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			fn(i)
		}()
	}
	wg.Wait()
}
