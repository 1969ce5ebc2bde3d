package pricing

import (
	"os"
	"testing"

	"github.com/perdiem/perdiem/money"
)

// BenchmarkPrice prices a claim of 96 lines (a year of per diem, SH and SJ
// lines, visits, drugs priced by NDC, supplies) under the example contract,
// whose March amendment splits three lines.
func BenchmarkPrice(b *testing.B) {
	data, err := os.ReadFile("../examples/contract/example-health.json")
	if err != nil {
		b.Fatal(err)
	}
	k, err := Decode(data)
	if err != nil {
		b.Fatal(err)
	}
	for i := range k.Terms {
		k.Terms[i].Drugs[2].Prices = map[string]money.Rate{"00409080501": 2_150_000}
	}
	c := sampleClaim()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Price(c, k, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(c.Lines))/b.Elapsed().Seconds(), "lines/s")
}
