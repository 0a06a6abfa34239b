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
package snapshot
