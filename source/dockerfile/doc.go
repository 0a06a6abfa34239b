// Package dockerfile reads the FROM lines of Dockerfiles (and
// Containerfiles) and recognises the EMR on EKS and EMR Serverless base
// images among them, for EKS301: a custom image is only as patched as the
// EMR release it starts from.
//
// It reads what BuildKit reads of a FROM: parser directives (escape),
// comments, line continuations, heredocs (skipped, so a "FROM" inside one
// is not an instruction), global ARGs and their defaults substituted into
// FROM ($X, ${X}, ${X:-default}, ${X:+alt}), flags such as --platform, and
// "AS name", so that a stage built on an earlier stage is not taken for an
// image of its own. Build arguments given on the command line are not
// known: an ARG without default leaves the base unknown.
package dockerfile
