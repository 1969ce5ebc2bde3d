package x835_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/perdiem/perdiem/x12/x835"
)

// era is the 835 a payer might send for claim HIT20260101A: CLP01 is the
// claim's id and each SVC's REF*6R the id of the line it answers.
const era = `ISA*00*          *00*          *ZZ*PAYERRCVR      *ZZ*HITSUBMIT      *260301*1200*^*00501*000000201*0*T*:~
GS*HP*PAYERRCVR*HITSUBMIT*20260301*1200*201*X*005010X221A1~
ST*835*0001~
BPR*I*2170*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20260305~
TRN*1*EFT0001*1512345678~
N1*PR*EXAMPLE HEALTH PLAN~
N3*1 PAYER WAY~
N4*SPRINGFIELD*IL*62701~
PER*BL*EDI*TE*8005551212~
N1*PE*ACME HOME INFUSION*XX*1234567893~
LX*1~
CLP*HIT20260101A*1*2470*2170*0*HM*PAYCLM001*12~
NM1*QC*1*DOE*JANE****MI*MBR123456789~
SVC*HC:S9500*1400*1100**7~
DTM*150*20260101~
DTM*151*20260107~
CAS*CO*45*300~
REF*6R*HIT20260101A-1~
SVC*HC:99601*300*300**1~
DTM*472*20260101~
REF*6R*HIT20260101A-2~
SVC*HC:J0696*700*700**56~
DTM*150*20260101~
DTM*151*20260107~
REF*6R*HIT20260101A-3~
SVC*HC:J3490*70*70**1~
DTM*150*20260101~
DTM*151*20260107~
REF*6R*HIT20260101A-4~
SE*28*0001~
GE*1*201~
IEA*1*000000201~
`

// Read an 835: every remittance with its payment, and for each claim and
// service line what was paid and why the rest was not. A problem in the
// file is a finding of the remittance it is in; reading goes on.
func Example() {
	rems, outside, err := x835.Read(strings.NewReader(era))
	if err != nil {
		log.Fatal(err) // the input stopped being X12
	}
	for _, f := range outside {
		fmt.Println("outside any remittance:", f)
	}
	for _, rem := range rems {
		fmt.Printf("%s %s %s on %s, trace %s\n", rem.Payment.Method, rem.Payment.Amount, rem.Payer.Name, rem.Payment.Date, rem.Trace.Number)
		for _, f := range rem.Findings {
			fmt.Println("finding:", f)
		}
		for _, c := range rem.Claims {
			fmt.Printf("claim %s: charged %s, paid %s (payer's number %s)\n", c.PatientControlNumber, c.Charge, c.Paid, c.PayerClaimControlNumber)
			for _, l := range c.ServiceLines {
				fmt.Printf("  line %s %s: charged %s, paid %s", l.LineItemControlNumber, l.Procedure.Code, l.Charge, l.Paid)
				for _, a := range l.Adjustments {
					for _, r := range a.Reasons {
						fmt.Printf(", %s-%s %s", a.Group, r.Reason, r.Amount)
					}
				}
				fmt.Println()
			}
		}
	}
	// Output:
	// ACH 2170.00 EXAMPLE HEALTH PLAN on 2026-03-05, trace EFT0001
	// claim HIT20260101A: charged 2470.00, paid 2170.00 (payer's number PAYCLM001)
	//   line HIT20260101A-1 S9500: charged 1400.00, paid 1100.00, CO-45 300.00
	//   line HIT20260101A-2 99601: charged 300.00, paid 300.00
	//   line HIT20260101A-3 J0696: charged 700.00, paid 700.00
	//   line HIT20260101A-4 J3490: charged 70.00, paid 70.00
}
