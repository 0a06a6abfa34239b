package source

import "testing"

// Ensure SecretName knows the secret-holding names of EMR and the usual
// spellings, and leaves ordinary names alone.
func TestSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"KdcAdminPassword": true, "CrossRealmTrustPrincipalPassword": true, "ADDomainJoinPassword": true,
		"db_password": true, "client-secret": true, "api_token": true, "private_key": true, "PrivateKey": true, "ApiKey": true,
		"javax.jdo.option.ConnectionPassword": true,
		"name":                                false, "release_label": false, "KmsKeyId": false, "log_uri": false, "SubnetId": false, "key_name": false,
	} {
		if got := SecretName(name); got != want {
			t.Errorf("SecretName(%q) = %v, want %v", name, got, want)
		}
	}
}
