package scrub_test

import (
	"fmt"
	"log"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/scrub"
)

// Check a claim before it leaves: each finding names the edit, the coding
// rule it enforces and the line. A Batch would also find a claim that
// bills what an earlier one did; Options.Others lets a store answer for
// the claims it holds.
func Example() {
	day := func(s string) civil.Date {
		d, err := civil.Parse(s)
		if err != nil {
			log.Fatal(err)
		}
		return d
	}
	c := &claim.Claim{
		ID:         "HIT20260301A",
		Subscriber: claim.Subscriber{MemberID: "MBR123456789", Last: "DOE", First: "JANE"},
		Payer:      claim.Payer{Name: "EXAMPLE HEALTH PLAN", ID: "PAYER01", Filing: "CI"},
		Profile:    "nhia",
		Lines: []claim.Line{
			{Code: "S9502", Modifiers: []string{}, From: day("2026-03-02"), To: day("2026-03-15"), Units: 15, Kind: claim.PerDiem},
			{Code: "S9374", Modifiers: []string{}, From: day("2026-03-05"), To: day("2026-03-10"), Units: 6, Kind: claim.PerDiem},
			{Code: "E0781", Modifiers: []string{}, From: day("2026-03-02"), To: day("2026-03-02"), Units: 1, Kind: claim.Supply},
		},
	}
	findings, err := scrub.Check(c, nil, scrub.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range findings {
		fmt.Println(f)
	}
	fmt.Println("errors:", scrub.HasErrors(findings))
	// Output:
	// line 1 error SC-1 (PD-1): S9502 bills 15 units on 2026-03-02..2026-03-15, 14 day(s): a per diem is at most one unit a day
	// line 2 error SC-3 (CC-1): S9374 and S9502 (line 1) are both billed as the primary per diem on 2026-03-05: the second therapy of a day takes SH, each further one SJ
	// line 3 error SC-6 (IN-1): E0781 is included in the per diem S9502 (line 1) billed on 2026-03-02, and profile nhia does not bill it outside the per diem
	// errors: true
}
