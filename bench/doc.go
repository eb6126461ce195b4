// Package bench holds load benchmarks that run the whole stack (HTTP
// server, app, store) and compare each measured path against a baseline
// measured in the same run, such as a hello-world handler of the same
// server. Run them with `make bench`.
package bench
