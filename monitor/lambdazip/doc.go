// Package lambdazip makes the launch monitor's Lambda deployment package
// (which the trail template's functions run too, told apart by
// EMRGUARD_LAMBDA): a zip holding one file, bootstrap, the emrguard binary
// for linux and the function's architecture, run by the provided.al2023
// runtime.
//
// The zip is reproducible: its one entry has a fixed time (1980-01-01, the
// zip format's epoch), mode 0755 and Deflate at a fixed level, so equal
// binaries give equal bytes and an equal SHA-256.
//
// The binary comes from one of two places (Bootstrap):
//
//   - the running emrguard itself, when it was built for linux and the
//     asked architecture, static (CGO_ENABLED=0) and with -trimpath, as
//     release binaries are: the zip then deploys exactly the version that
//     made it, and no Go toolchain is needed;
//   - otherwise a build of the source tree the command runs in (the
//     emrguard module, found from the working folder up), with go build
//     -trimpath -buildvcs=false, fixed ldflags, CGO_ENABLED=0 and a
//     clean GOFLAGS, so two builds with the same toolchain and source give
//     the same bytes.
//
// A released binary outside a source tree can only package its own
// architecture; asking for the other one is an error saying what to do.
package lambdazip
