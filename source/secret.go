package source

import "strings"

// Sensitive is what a report shows in place of a secret: the value of a
// Terraform variable marked sensitive, of a CloudFormation parameter with
// NoEcho, or of one whose name names a secret (SecretName). Sources read
// such a value as unknown for this reason and never put it in the
// evidence, so no message, name or diagnostic can quote it.
const Sensitive = "(sensitive)"

// secretWords are the parts of a name that say it holds a secret,
// lower-case, without separators: KdcAdminPassword, db_password,
// CrossRealmTrustPrincipalPassword, ADDomainJoinPassword, api_token,
// client_secret, private_key.
var secretWords = []string{"password", "passwd", "passphrase", "secret", "token", "privatekey", "apikey"}

// SecretName reports whether a variable, parameter or key named name
// holds a secret: its name, lower-cased without "_", "-" and ".",
// contains one of the secret words.
func SecretName(name string) bool {
	n := strings.Map(func(r rune) rune {
		switch r {
		case '_', '-', '.', ' ':
			return -1
		}
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, name)
	for _, w := range secretWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}
