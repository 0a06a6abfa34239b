// Package harden generates what the "Secure Amazon EMR with Encryption"
// walkthrough builds by hand, in the forms a user deploys: a security
// configuration (SecConf), the PEM certificate zip EMR's in-transit
// encryption reads (Certs), the two KMS keys of the walkthrough (Keys) and
// least-privilege IAM roles (IAM).
//
// Every generator validates its input first (ARNs, bucket names, the CA
// key against its certificate) and refuses what would make emrguard's own
// controls fail: what it writes passes the scan (the round-trip tests in
// this package prove it for each output form). Output files are written
// through WriteFiles: staged as temporary files beside their targets and
// moved into place only when every one was written, never over an
// existing file unless forced, so a failure leaves nothing half-written.
package harden
