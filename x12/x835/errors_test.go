package x835

import (
	"errors"
	"fmt"
	"github.com/perdiem/perdiem/money"
	"strings"
	"testing"
)

const isa = "ISA*00*          *00*          *ZZ*PAYER          *ZZ*HITSUBMIT      *260301*1200*^*00501*000000777*0*T*:~"

// minimal builds a small valid 835 whose body (between N1*PE and SE) is
// body; SE01 is computed.
func minimal(body ...string) string {
	segs := append([]string{
		"ST*835*0001",
		"BPR*I*1400*C*CHK************20260301",
		"TRN*1*CHK1001*1512345678",
		"N1*PR*EXAMPLE HEALTH PLAN",
		"N1*PE*ACME HOME INFUSION*XX*1234567893",
	}, body...)
	segs = append(segs, fmt.Sprintf("SE*%d*0001", len(segs)+1))
	return isa + "GS*HP*PAYER*HITSUBMIT*20260301*1200*7*X*005010X221A1~" + strings.Join(segs, "~") + "~GE*1*7~IEA*1*000000777~"
}

func TestMinimalRemittance(t *testing.T) {
	rems, _, err := Read(strings.NewReader(minimal(
		"LX*1",
		"CLP*HIT20260101A*1*2470*1400*0*CI*PAYERICN1*12*1",
		"CAS*CO*45*1070",
		"SVC*HC:S9500:SH*1400*1400**7*HC:S9501",
		"DTM*150*20260101",
		"DTM*151*20260107",
		"REF*6R*LINE1",
		"LQ*HE*N130",
		"PLB*1234567893*20261231*WO:HIT20251201A*100*L6*-0.5",
	)))
	if err != nil {
		t.Fatal(err)
	}
	if len(rems) != 1 || len(rems[0].Claims) != 1 || len(rems[0].Claims[0].ServiceLines) != 1 {
		t.Fatalf("got %d remittances, want 1 with 1 claim and 1 line", len(rems))
	}
	r := rems[0]
	c := r.Claims[0]
	l := c.ServiceLines[0]
	checks := []struct {
		name      string
		got, want any
	}{
		{"ISA13", r.InterchangeControlNumber, "000000777"},
		{"BPR02", r.Payment.Amount, money.Amount(140000)},
		{"BPR16", r.Payment.Date.String(), "2026-03-01"},
		{"TRN02", r.Trace.Number, "CHK1001"},
		{"payee NPI", r.Payee.NPI, "1234567893"},
		{"CLP01", c.PatientControlNumber, "HIT20260101A"},
		{"CLP07", c.PayerClaimControlNumber, "PAYERICN1"},
		{"CAS", fmt.Sprint(c.Adjustments), "[{CO [{45 1070.00 }]}]"},
		{"SVC01", fmt.Sprint(l.Procedure), "{HC S9500 [SH] }"},
		{"SVC06", fmt.Sprint(*l.OriginalProcedure), "{HC S9501 [] }"},
		{"SVC05", l.Units, "7"},
		{"DTM*150", l.From.String(), "2026-01-01"},
		{"DTM*151", l.To.String(), "2026-01-07"},
		{"REF*6R", l.LineItemControlNumber, "LINE1"},
		{"LQ", fmt.Sprint(l.Remarks), "[{HE N130}]"},
		{"PLB", fmt.Sprint(r.ProviderAdjustments[0].Items), "[{WO HIT20251201A 100.00} {L6  -0.50}]"},
	}
	for _, ck := range checks {
		if fmt.Sprint(ck.got) != fmt.Sprint(ck.want) {
			t.Errorf("%s = %v, want %v", ck.name, ck.got, ck.want)
		}
	}
}

func TestSECountMayHaveLeadingZeros(t *testing.T) {
	rems, _, err := Read(strings.NewReader(strings.Replace(minimal(), "SE*6*", "SE*006*", 1)))
	if err != nil || len(rems) != 1 {
		t.Fatalf("err %v, %d remittances", err, len(rems))
	}
	for _, f := range rems[0].Findings {
		if errors.Is(f, ErrControl) {
			t.Errorf("finding %v", f)
		}
	}
}

func TestMinimalRemittanceHasNoFindings(t *testing.T) {
	rems, outside, err := Read(strings.NewReader(minimal("LX*1", "CLP*A*1*1400*1400**12*ICN")))
	if err != nil || len(outside) > 0 || len(rems) != 1 || len(rems[0].Findings) > 0 {
		t.Fatalf("err %v, outside %v, remittances %d, findings %v", err, outside, len(rems), rems[0].Findings)
	}
}

// TestFindingsSayWhere: each problem is a finding at its segment and
// element, and the remittance is still read (except a set that is not an
// 835, which is skipped, and stray segments, which belong to none).
func TestFindingsSayWhere(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    error
		segment int
		where   string // "CLP04" etc.
		rems    int
	}{
		{"amount with letters", minimal("CLP*A*1*12X*0"), ErrAmount, 8, "CLP03", 1},
		{"amount with fractions of a cent", minimal("CLP*A*1*12.345*0"), ErrAmount, 8, "CLP03", 1},
		{"paid amount missing", minimal("CLP*A*1*12"), ErrMissing, 8, "CLP04", 1},
		{"bad production date", strings.Replace(minimal(), "N1*PR", "DTM*405*20260230~N1*PR", 1), ErrDate, 6, "DTM02", 1},
		{"SE count wrong", strings.Replace(minimal(), "SE*6*", "SE*7*", 1), ErrControl, 8, "SE01", 1},
		{"SE count not a number", strings.Replace(minimal(), "SE*6*", "SE*six*", 1), ErrControl, 8, "SE01", 1},
		{"SE control number wrong", strings.Replace(minimal(), "SE*6*0001", "SE*6*0002", 1), ErrControl, 8, "SE02", 1},
		{"service line before a claim", minimal("SVC*HC:99601*300*0"), ErrOutOfPlace, 8, "SVC", 1},
		{"claim before the payee", strings.Replace(minimal(), "N1*PE", "CLP*A*1*1*1~N1*PE", 1), ErrOutOfPlace, 7, "CLP", 1},
		{"CAS amount without reason", minimal("CLP*A*1*1*1", "CAS*CO**10"), ErrMissing, 9, "CAS02", 1},
		{"CAS with no reason at all", minimal("CLP*A*1*1*1", "CAS*CO"), ErrMissing, 9, "CAS02", 1},
		{"unknown segment", minimal("CLP*A*1*1*1", "HI*ABK:Z452"), ErrUnexpected, 9, "HI", 1},
		{"claim date in a line's qualifier", minimal("CLP*A*1*1*1", "DTM*472*20260101"), ErrUnexpected, 9, "DTM01", 1},
		{"no payer", strings.Replace(minimal(), "N1*PR*EXAMPLE HEALTH PLAN~", "", 1), ErrMissing, 7, "SE", 1},
		{"no BPR", strings.Replace(minimal(), "BPR*I*1400*C*CHK************20260301~", "", 1), ErrMissing, 7, "SE", 1},
		{"input ends before SE", minimal()[:strings.Index(minimal(), "SE*")], ErrCutShort, 3, "ST", 1},
		{"not an 835", strings.Replace(minimal(), "ST*835", "ST*837", 1), ErrUnexpected, 3, "ST01", 0},
		{"segment outside ST", strings.Replace(minimal(), "ST*835", "BPR*I~ST*835", 1), ErrOutOfPlace, 3, "BPR", 1},
		{"payment does not balance", minimal("LX*1", "CLP*A*1*1500*1300**12*ICN", "CAS*CO*45*200"), ErrUnbalanced, 4, "BPR02", 1},
		{"claim does not balance", minimal("LX*1", "CLP*A*1*1500*1400**12*ICN", "CAS*CO*45*200"), ErrUnbalanced, 9, "CLP04", 1},
		{"CLP05 is not the sum of PR", minimal("LX*1", "CLP*A*1*1500*1400*50*12*ICN", "CAS*PR*1*100"), ErrPatientShare, 9, "CLP05", 1},
		{"line does not balance", minimal("LX*1", "CLP*A*1*1500*1400**12*ICN", "SVC*HC:S9500*1500*1400", "CAS*CO*45*200"), ErrUnbalanced, 10, "SVC03", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rems, outside, err := Read(strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("err = %v, want findings only", err)
			}
			if len(rems) != tt.rems {
				t.Fatalf("%d remittances, want %d", len(rems), tt.rems)
			}
			all := outside
			for _, r := range rems {
				all = append(all, r.Findings...)
			}
			var found []string
			for _, f := range all {
				found = append(found, f.Error())
				if errors.Is(f, tt.want) && f.Pos.Segment == tt.segment && strings.Contains(f.Error(), "("+tt.where+")") {
					return
				}
			}
			t.Errorf("no finding wrapping %v at segment %d (%s); findings:\n%s", tt.want, tt.segment, tt.where, strings.Join(found, "\n"))
		})
	}
}

func TestParseAmountIsExact(t *testing.T) {
	tests := []struct {
		in   string
		want money.Amount
		ok   bool
	}{
		{"132", 13200, true},
		{"810.8", 81080, true},
		{"138018.40", 13801840, true},
		{"-1.27", -127, true},
		{"-.06", -6, true},
		{".5", 50, true},
		{"0", 0, true},
		{"12.", 1200, true},
		{"1.100", 110, true}, // zeros past the cent change nothing
		{"0.29", 29, true},   // float64 would give 28.999…
		{"999999999999999.99", 99999999999999999, true},
		{"1.005", 0, false},
		{"", 0, false},
		{"-", 0, false},
		{".", 0, false},
		{"+1", 0, false},
		{"1e3", 0, false},
		{"1,000", 0, false},
		{"1000000000000000", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseAmount(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseAmount(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestReversalPatientShare: a reversal's CLP05 need not be the sum of its PR
// adjustments (X12 RFI 2548); an original's must.
func TestReversalPatientShare(t *testing.T) {
	for _, c := range []struct {
		status string
		want   bool
	}{{"22", false}, {"1", true}} {
		rems, _, err := Read(strings.NewReader(minimal("LX*1", "CLP*A*"+c.status+"*1500*1400*0*12*ICN", "CAS*PR*1*100")))
		if err != nil {
			t.Fatal(err)
		}
		got := false
		for _, f := range rems[0].Findings {
			got = got || errors.Is(f, ErrPatientShare)
		}
		if got != c.want {
			t.Errorf("CLP02 %s: patient share finding %v, want %v", c.status, got, c.want)
		}
	}
}
