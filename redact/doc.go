// Package redact masks secrets on their way to output. Reports end up in
// CI logs, pull-request annotations and code-scanning alerts, and diffs in
// review comments, so every path that prints text from a linted app or a
// config file calls one of its two functions:
//
//   - Text, for messages and echoes: each secret becomes "****";
//   - Source, for quoted source lines (snippets, --diff): each byte of a
//     secret becomes '*', so the line keeps its byte length and the
//     columns of an underline computed on the original stay true.
//
// A secret is a URL's userinfo password (postgres://u:PASSWORD@host,
// whatever bytes the password holds), and the value of a key or variable
// whose name says password, secret or token, in any form a config takes:
// YAML block and flow mappings, quoted or plain, continued on indented
// lines; JSON (app.json); Ruby hashes and keywords; shell assignments
// (PGPASSWORD=x, export DB_PASSWORD='it'"'"'s'). A value that names
// where the secret comes from (ERB, ENV[...], $VAR) is not a secret and
// is kept: it is what a reader needs to see.
//
// It imports only the standard library and sits at the bottom of the
// import graph, below report, fixer, lintconfig and cmd/poollint.
package redact
