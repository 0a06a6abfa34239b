// Package snapshot is the evidence of a live AWS scan as data: what the
// AWS APIs replied, account by account and region by region, and every
// call that failed. `emrguard aws` gathers one (source/awsapi) and can
// save it (--snapshot-out); `emrguard scan` replays a saved one; both
// turn it into model evidence through the one mapping here (Evidence),
// so a replay gives byte-identical results.
//
// The objects are the aws-sdk-go-v2 types of each reply, encoded with
// encoding/json: their member names are those of the API shapes
// (PascalCase), whatever the service's wire protocol. The snapshot never
// holds secrets: of the in-transit PEM zip only the certificates are kept,
// never privateKey.pem.
//
// The file is one JSON object whose "format" is Format and whose
// "version" is Version, written compact and in a canonical order by Write
// (WriteFile gzips a ".gz" path, whole or not at all). Read refuses a
// newer version and a file cut short; members it does not know are
// ignored, so a newer build may add some within a version.
//
// Evidence maps it to the model, one file per family (clusters, network,
// iam, audit, kms, eks, certs): every resource is live (model.FromLive),
// with its account and region and no file location; every failed call is
// an error diagnostic naming the call, and Unknown fields quoting it on
// the objects that needed it.
package snapshot
