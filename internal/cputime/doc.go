// Package cputime reads the processor time the process has used, for the
// load generator's report and the benchmarks that report their cost.
package cputime
