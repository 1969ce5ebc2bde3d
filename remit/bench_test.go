package remit

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"testing"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/x12/x835"
)

// eightyPercent expects 80% of each line's charge.
type eightyPercent struct{}

func (eightyPercent) Expected(c *claim.Claim, i int) (money.Amount, string, bool) {
	return c.Lines[i].Charge * 8 / 10, "80% of charge", true
}

// bigRemit builds claims and an 835 of about size bytes answering them,
// in transaction sets of 1,000 claims: four lines a claim (a per diem
// span, a visit, a drug, a supply), one answered without REF*6R, one paid
// under the contract, one with coinsurance.
func bigRemit(tb testing.TB, size int) ([]*claim.Claim, []byte) {
	var claims []*claim.Claim
	var b bytes.Buffer
	writeISA(&b)
	start := civil.FromYMD(2026, 1, 1)
	sets := 0
	for b.Len() < size {
		var answers []answer
		for k := 0; k < 1000; k++ {
			n := len(claims)
			from := start.AddDays(n % 300)
			id := fmt.Sprintf("C%09d", n)
			c := &claim.Claim{ID: id, Frequency: "1", Subscriber: claim.Subscriber{MemberID: fmt.Sprintf("M%08d", n%50000), Last: "DOE", First: "JANE"}}
			c.Lines = []claim.Line{
				{ID: id + "-1", Code: "S9502", From: from, To: from.AddDays(6), Units: 7, Charge: 126000},
				{ID: id + "-2", Code: "99601", Modifiers: []string{"SD"}, From: from, To: from, Units: 1, Charge: 30000},
				{ID: id + "-3", Code: "J0690", From: from, To: from.AddDays(6), Units: 42, Charge: 17850 + money.Amount(n%100)},
				{ID: id + "-4", Code: "S5520", From: from, To: from, Units: 1, Charge: 45000},
			}
			for _, ln := range c.Lines {
				c.Total += ln.Charge
			}
			c.Period = civil.Span{From: from, To: from.AddDays(6)}
			claims = append(claims, c)
			e := func(i int) money.Amount { return c.Lines[i].Charge * 8 / 10 }
			answers = append(answers, answer{c: c, icn: fmt.Sprintf("ICN%09d", n), lines: []pay{
				{line: 0, paid: e(0), allowed: e(0), adj: []cas{{"CO", "45", c.Lines[0].Charge - e(0)}}},
				{line: 1, paid: e(1) - 5000, allowed: e(1) - 5000, adj: []cas{{"CO", "45", c.Lines[1].Charge - e(1) + 5000}}, noRef: true},
				{line: 2, paid: e(2) - 1000, allowed: e(2), adj: []cas{{"CO", "45", c.Lines[2].Charge - e(2)}, {"PR", "2", 1000}}, remarks: []string{"N19"}},
				{line: 3, paid: e(3), adj: []cas{{"CO", "45", c.Lines[3].Charge - e(3)}}},
			}})
		}
		sets++
		b.WriteString(build835Set(fmt.Sprintf("%04d", sets), answers))
	}
	fmt.Fprintf(&b, "GE*%d*7~IEA*1*000000777~", sets)
	return claims, b.Bytes()
}

// BenchmarkReconcile100MB reads and reconciles a generated 100 MB 835 as
// `perdiem reconcile` does: the reader streams one transaction set at a
// time into the Reconciler. Figures go in the issue note, not in a test.
func BenchmarkReconcile100MB(b *testing.B) {
	claims, data := bigRemit(b, 100<<20)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	runtime.GC()
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(live)
	base := live[0].Value.Uint64()
	peak := base
	cpu0, cpuOK := cpuTime()
	b.ResetTimer()
	for range b.N {
		r := NewReconciler(claims, Options{Expecter: eightyPercent{}, Tolerance: 100})
		rd := x835.NewReader(bytes.NewReader(data))
		lines, sets := 0, 0
		for {
			rem, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			out, err := r.Add(rem)
			if err != nil {
				b.Fatal(err)
			}
			for _, cp := range out.Claims {
				lines += len(cp.Lines)
			}
			if sets++; sets%16 == 0 {
				metrics.Read(live)
				peak = max(peak, live[0].Value.Uint64())
			}
		}
		outs, totals := r.Finish()
		if len(outs) != len(claims) || totals.Flags[Underpaid] != len(claims) || lines != 4*len(claims) {
			b.Fatalf("%d outcomes, %d underpaid, %d lines for %d claims", len(outs), totals.Flags[Underpaid], lines, len(claims))
		}
	}
	b.ReportMetric(float64(len(claims))*float64(b.N)/b.Elapsed().Seconds(), "claims/s")
	if cpu1, ok := cpuTime(); ok && cpuOK {
		b.ReportMetric((cpu1-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	}
	// What reconciling keeps live on the heap beyond the claims and the
	// 835 bytes already held (the live heap of the last collection,
	// sampled every 16 remittances).
	b.ReportMetric(float64(peak-base)/(1<<20), "peak-live-MB")
}

// BenchmarkReconcileOnly is the reconciliation alone, the 835 already read.
func BenchmarkReconcileOnly(b *testing.B) {
	claims, data := bigRemit(b, 10<<20)
	rems, _, err := x835.Read(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := Reconcile(claims, rems, Options{Expecter: eightyPercent{}}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(claims))*float64(b.N)/b.Elapsed().Seconds(), "claims/s")
}
