package x835

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/x12/guide"
	"github.com/perdiem/perdiem/x12/x221"
)

// remitFile is an interchange of sets 835s of claims claims each, every
// claim with two service lines, its adjustments, dates and remarks: the
// shape of a professional payer's ERA.
func remitFile(sets, claims int) string {
	var b strings.Builder
	b.WriteString(isa + "GS*HP*PAYER*HITSUBMIT*20260301*1200*7*X*005010X221A1~")
	for s := 1; s <= sets; s++ {
		ctl := fmt.Sprintf("%04d", s)
		segs := []string{
			"ST*835*" + ctl,
			fmt.Sprintf("BPR*I*%d*C*ACH*CCP*01*999999992*DA*123456*1512345678**01*999988880*DA*98765*20260301", 1100*claims-50),
			"TRN*1*EFT" + ctl + "*1512345678", "REF*EV*HITSUBMIT", "DTM*405*20260228",
			"N1*PR*EXAMPLE HEALTH PLAN*XV*12345", "N3*1 PLAN WAY", "N4*CHICAGO*IL*60601", "PER*BL*EDI HELP*TE*8005551212",
			"N1*PE*ACME HOME INFUSION*XX*1234567893", "REF*TJ*361234567", "LX*1",
		}
		for c := 1; c <= claims; c++ {
			segs = append(segs,
				fmt.Sprintf("CLP*HIT%06d*1*1500*1100*100*12*ICN%06d*12*1", c, c),
				"NM1*QC*1*DOE*JANE****MI*M123456789", "NM1*82*1*NURSE*NANCY****XX*1234567893",
				"DTM*232*20260101", "DTM*233*20260107", "AMT*AU*1500",
				"SVC*HC:S9500:SH*1400*1050**7", "DTM*472*20260101", "CAS*CO*45*250", "CAS*PR*1*100", "REF*6R*LINE1", "AMT*B6*1150", "LQ*HE*N130",
				"SVC*HC:99601*100*50**1", "DTM*472*20260101", "CAS*CO*45*50", "REF*6R*LINE2", "AMT*B6*50",
			)
		}
		segs = append(segs, "PLB*1234567893*20261231*WO:OLD1*50")
		segs = append(segs, fmt.Sprintf("SE*%d*%s", len(segs)+1, ctl))
		b.WriteString(strings.Join(segs, "~") + "~\n")
	}
	b.WriteString(fmt.Sprintf("GE*%d*7~IEA*1*000000777~", sets))
	return b.String()
}

func TestBenchmarkInputBalances(t *testing.T) {
	rems, outside, err := Read(strings.NewReader(remitFile(2, 3)))
	if err != nil || len(outside) > 0 || len(rems) != 2 {
		t.Fatalf("err %v, outside %v, %d remittances", err, outside, len(rems))
	}
	for _, r := range rems {
		if len(r.Findings) > 0 || len(r.Claims) != 3 {
			t.Fatalf("findings %v, %d claims", r.Findings, len(r.Claims))
		}
	}
}

// BenchmarkRead reports the reader's throughput on ERAs of 1 and 1,000
// claims per transaction set, and its allocations per claim.
func BenchmarkRead(b *testing.B) {
	for _, c := range []struct{ sets, claims int }{{2000, 1}, {2, 1000}} {
		in := remitFile(c.sets, c.claims)
		b.Run(fmt.Sprintf("claims_per_set=%d", c.claims), func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				r := NewReader(strings.NewReader(in))
				n := 0
				for {
					rem, err := r.Next()
					if err == io.EOF {
						break
					}
					if err != nil || len(rem.Findings) > 0 {
						b.Fatal(err, rem.Findings)
					}
					n += len(rem.Claims)
				}
				if n != c.sets*c.claims {
					b.Fatalf("%d claims", n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*c.sets*c.claims), "ns/claim")
		})
	}
}

// BenchmarkValidate is the same input through the X221A1 guide, on one
// goroutine, for comparison with reading.
func BenchmarkValidate(b *testing.B) {
	in := remitFile(2, 1000)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		rep, err := x221.Validate(strings.NewReader(in), guide.Options{Workers: 1})
		if err != nil || len(rep.Findings) > 0 {
			b.Fatal(err, rep.Findings)
		}
	}
}
