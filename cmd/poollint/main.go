// Command poollint lints the database-connection configuration of Rails
// apps: pool sizes against the threads of every process, connections
// shared across forks, PgBouncer and prepared statements, and what the
// database can accept. Run `poollint --help` for usage.
package main

import "os"

func main() {
	tuneGC()
	removeTempsOnSignal()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
