// Package pemzip reads the in-transit PEM material of an EMR security
// configuration: the zip its TLSCertificateConfiguration.S3Object names
// (certificateChain.pem, trustedCertificates.pem, privateKey.pem), or the
// text of one PEM file, into model.Certificate values. It never reads
// the private key: EMR109 judges certificates, and emrguard keeps no key
// material in its evidence, reports or snapshots.
package pemzip
