// Package hclscan holds the byte-level fast readers of Terraform's
// native syntax: pure functions from source bytes (with a file name and
// a start position) to positions, spans or hclsyntax trees, each held to
// what hclsyntax gives for the same bytes by a differential fuzz test.
//
//   - ScanTop splits a file into its top-level blocks, unparsed.
//   - BodyScanner reads a block's body item by item: arguments (their
//     name and expression spans) and nested block headers.
//   - SimpleExpr and DocExpr build the syntax tree of the commonest
//     expressions (plain values, references, one-line templates,
//     jsonencode documents, heredocs) as hclsyntax.ParseExpression would.
//   - RefScan lists the candidate references of a source.
//
// One lexer (lex.go) says what a comment, a quoted string and a heredoc
// are for all of them. A reader that meets what it does not follow
// returns ok=false (or Refused), and its caller parses with hclsyntax,
// which reports what is wrong: nothing here produces diagnostics.
//
// The package knows nothing of modules, evaluation, files on disk, AWS
// or the model; its only state is pooled scratch memory and tables built
// once and only read.
package hclscan
