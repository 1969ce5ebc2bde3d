package x214_test

import (
	"fmt"
	"os"

	"github.com/perdiem/perdiem/x12/x214"
)

// Reading a 277CA: one line per claim with its verdict and first status.
func ExampleRead() {
	f, err := os.Open("testdata/x12org-via-opendental__005010x214-example-3.edi")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	acks, _, err := x214.Read(f)
	if err != nil {
		panic(err)
	}
	for _, a := range acks {
		for _, c := range a.Claims() {
			s := c.Codes[0]
			fmt.Printf("%-13s %-8s %s:%s %s\n", c.ClaimID, c.Verdict, s.Category, s.Code, s.CodeMeaning)
		}
	}
	// Output:
	// PATIENT22222  accepted A2:20 Accepted for processing.
	// PATIENT33333  rejected A3:187 Date(s) of service.
	// JONES44444    rejected A3:21 Missing or invalid information. Usage: At least one other status code is required to identify the missing or invalid information.
	// JONHSON55555  accepted A2:20 Accepted for processing.
	// MILLS66666    accepted A2:20 Accepted for processing.
}
