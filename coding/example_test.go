package coding_test

import (
	"fmt"
	"log"
	"os"

	"github.com/perdiem/perdiem/coding"
	"github.com/perdiem/perdiem/episode"
)

// Code an episode: decode the document (every problem comes back with its
// field path), code it on the embedded code set and the document's payer
// profile, and read each line with the rules that made it.
func Example() {
	doc, err := episode.Decode([]byte(`{
		"therapies": [
			{"id": "abx", "type": "anti-infective", "every_hours": 8, "start": "2026-03-02", "end": "2026-03-08"}
		],
		"visits": [{"date": "2026-03-02", "minutes": 150, "therapy": "abx"}]
	}`))
	if err != nil {
		log.Fatal(err)
	}
	res, err := coding.Code(doc, coding.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, l := range res.Lines {
		fmt.Printf("%s %v %s..%s x%v\n", l.Code, l.Modifiers, l.From, l.To, l.Units)
		for _, r := range l.Why {
			fmt.Printf("  %s\n", r.Rule)
		}
	}
	// Output:
	// S9502 [] 2026-03-02..2026-03-08 x7
	//   PD-1
	//   CS-2
	//   LN-2
	// 99601 [] 2026-03-02..2026-03-02 x1
	//   NU-1
	//   NU-5
}

// Make the claim of a coded document: the claim block becomes the header,
// each line gets its id (the REF*6R an 835 answers with) and its charge.
func ExampleClaim() {
	data, err := os.ReadFile("../x12/x837p/testdata/home-infusion.json")
	if err != nil {
		log.Fatal(err)
	}
	doc, err := episode.Decode(data)
	if err != nil {
		log.Fatal(err)
	}
	res, err := coding.Code(doc, coding.Options{})
	if err != nil {
		log.Fatal(err)
	}
	c, err := coding.Claim(doc, res)
	if err != nil {
		log.Fatal(err) // an *episode.Error: a code without a charge is at claim.charges.CODE
	}
	fmt.Println(c.ID, "to", c.Payer.Name)
	for _, l := range c.Lines {
		fmt.Printf("%s %-5s x%-2v %8s\n", l.ID, l.Code, l.Units, l.Charge)
	}
	fmt.Printf("total %s\n", c.Total)
	// Output:
	// HIT20260101A to EXAMPLE HEALTH PLAN
	// HIT20260101A-1 S9500 x7   1400.00
	// HIT20260101A-2 99601 x1    300.00
	// HIT20260101A-3 J0696 x56   700.00
	// HIT20260101A-4 J3490 x1     70.00
	// total 2470.00
}
