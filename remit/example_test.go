package remit_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/remit"
	"github.com/perdiem/perdiem/x12/x835"
)

// rates is a contract in its simplest form: a price per line id.
type rates map[string]money.Amount

func (r rates) Expected(c *claim.Claim, i int) (money.Amount, string, bool) {
	a, ok := r[c.Lines[i].ID]
	return a, "rate for " + c.Lines[i].Code, ok
}

// Reconcile an 835 with the claim it answers: the per diem is paid as the
// contract says, the nursing visit is denied as bundled.
func Example() {
	day := civil.FromYMD(2026, 1, 1)
	sent := &claim.Claim{
		ID:         "HIT20260101A",
		Subscriber: claim.Subscriber{MemberID: "MBR123456789"},
		Period:     civil.Span{From: day, To: day.AddDays(6)},
		Lines: []claim.Line{
			{ID: "HIT20260101A-1", Code: "S9500", From: day, To: day.AddDays(6), Units: 7, Charge: 140000},
			{ID: "HIT20260101A-2", Code: "99601", From: day, To: day, Units: 1, Charge: 30000},
		},
		Total: 170000,
	}
	era := strings.Join([]string{
		"ISA*00*          *00*          *ZZ*PAYERRCVR      *ZZ*HITSUBMIT      *260301*1200*^*00501*000000201*0*T*:",
		"GS*HP*PAYERRCVR*HITSUBMIT*20260301*1200*201*X*005010X221A1",
		"ST*835*0001", "BPR*I*1100*C*CHK************20260305", "TRN*1*CHK0001*1512345678",
		"N1*PR*EXAMPLE HEALTH PLAN", "N3*1 PAYER WAY", "N4*SPRINGFIELD*IL*62701", "PER*BL*EDI*TE*8005551212",
		"N1*PE*ACME HOME INFUSION*XX*1234567893", "LX*1",
		"CLP*HIT20260101A*1*1700*1100*0*HM*PAYCLM001*12", "NM1*QC*1*DOE*JANE****MI*MBR123456789",
		"SVC*HC:S9500*1400*1100**7", "DTM*150*20260101", "DTM*151*20260107", "CAS*CO*45*300", "REF*6R*HIT20260101A-1", "AMT*B6*1100",
		"SVC*HC:99601*300*0**1", "DTM*472*20260101", "CAS*CO*97*300", "REF*6R*HIT20260101A-2", "LQ*HE*N19",
		"SE*23*0001", "GE*1*201", "IEA*1*000000201",
	}, "~") + "~"
	rems, _, err := x835.Read(strings.NewReader(era))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("findings of the 835 reader:", len(rems[0].Findings))
	rep, err := remit.Reconcile([]*claim.Claim{sent}, rems, remit.Options{Expecter: rates{"HIT20260101A-1": 110000, "HIT20260101A-2": 15000}})
	if err != nil {
		log.Fatal(err)
	}
	for _, l := range rep.Remittances[0].Claims[0].Lines {
		fmt.Println(l.LineID, l.Code, "billed", l.Billed, "expected", *l.Expected, "paid", l.Paid)
		for _, a := range l.Adjustments {
			fmt.Printf("  %s-%s %s %s\n", a.Group, a.Reason, a.Amount, a.Meaning)
		}
		for _, r := range l.Remarks {
			fmt.Printf("  %s %s\n", r.Code, r.Meaning)
		}
		for _, f := range l.Flags {
			fmt.Printf("  %s: %s\n", f.Kind, f.Message)
		}
	}
	fmt.Println(rep.Claims[0].ClaimID, rep.Claims[0].Outcome)
	// Output:
	// findings of the 835 reader: 0
	// HIT20260101A-1 S9500 billed 1400.00 expected 1100.00 paid 1100.00
	//   CO-45 300.00 Charge exceeds fee schedule/maximum allowable or contracted/legislated fee arrangement.
	// HIT20260101A-2 99601 billed 300.00 expected 150.00 paid 0.00
	//   CO-97 300.00 The benefit for this service is included in the payment/allowance for another service/procedure that has already been adjudicated.
	//   N19 Procedure code incidental to primary procedure.
	//   denied: the line paid nothing and left nothing to the patient
	// HIT20260101A partly-paid
}
