package main

import "github.com/perdiem/perdiem/internal/shorten"

// shortText cuts the quoted values in a message (shorten.Text).
func shortText(s string) string { return shorten.Text(s) }

// shortPath cuts each part of a field path (shorten.Path).
func shortPath(p string) string { return shorten.Path(p) }

// shortProblems shortens, in place, the problems of a document error
// (shorten.Problems), so that neither standard error nor a JSONL error
// record grows with the size of a value in the input.
func shortProblems(err error) error { return shorten.Problems(err) }
