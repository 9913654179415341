// Package e2e proves poollint's runtime rules on the real stack: each
// scenario under scenarios/ is a small Rails 6.1 app that the test lints
// with the poollint packages, runs on PostgreSQL, PgBouncer, Redis, Puma
// and Sidekiq from Debian's packages, fixes with `poollint --fix`, then
// lints and runs again. The tests are behind the build tag e2e; see
// README.md for how to run them.
package e2e
