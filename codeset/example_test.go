package codeset_test

import (
	"fmt"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/codeset"
)

// Is a code valid on a day of service, and what does it say then?
func ExampleSet_ValidOn() {
	set := codeset.Default()
	for _, day := range []string{"2023-03-31", "2023-04-01"} {
		d, _ := civil.Parse(day)
		v, ok := set.ValidOn("S9563", d)
		fmt.Printf("%s %v %q\n", day, ok, v.Short)
	}
	d, _ := civil.Parse("2025-01-01")
	v, ok := set.ValidOn("J2543", d)
	fmt.Println(ok, v.Dose, v.Dose.Parts)
	// Output:
	// 2023-03-31 false ""
	// 2023-04-01 true "Ht inj immuno diem"
	// true 1.125 g [1 0.125]
}

// The amount one unit of a drug code stands for, read from its descriptor.
func ExampleReadDose() {
	for _, s := range []string{
		"Injection, ceftriaxone sodium, per 250 mg",
		"Injection, ceftolozane 50 mg and tazobactam 25 mg",
		"Parenteral nutrition solution, not otherwise specified, 10 grams lipids",
		"Injection, buprenorphine extended-release (sublocade), less than or equal to 100 mg",
		"Instillation, taurolidine 1.35 mg and heparin sodium 100 units",
	} {
		d, problem := codeset.ReadDose(s)
		switch {
		case d != nil:
			fmt.Printf("%s (%q)\n", d, d.Text)
		case problem != "":
			fmt.Println("cannot read:", problem)
		default:
			fmt.Println("no amount: one unit an item or administration")
		}
	}
	// Output:
	// 250 mg ("per 250 mg")
	// 75 mg ("50 mg and tazobactam 25 mg")
	// 10 g ("10 grams lipids")
	// no amount: one unit an item or administration
	// cannot read: the combination "1.35 mg and heparin sodium 100 units" has components in different units (mg and units), so no one amount is the unit
}
