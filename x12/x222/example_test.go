package x222_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/x12/x222"
)

// claim837 is one claim whose CLM02 (1500) is not the sum of its line
// charges (1400): a business finding, which a 999 does not carry.
const claim837 = `ISA*00*          *00*          *ZZ*HITSUBMIT      *ZZ*PAYERRCVR      *260309*0830*^*00501*000000042*0*T*:~
GS*HC*HITSUBMIT*PAYERRCVR*20260309*0830*42*X*005010X222A1~
ST*837*0001*005010X222A1~
BHT*0019*00*0000000420001*20260309*0830*CH~
NM1*41*2*ACME HOME INFUSION*****46*HITSUBMIT~
PER*IC*BILLING*TE*5555551234~
NM1*40*2*EXAMPLE HEALTH PLAN*****46*PAYERRCVR~
HL*1**20*1~
NM1*85*2*ACME HOME INFUSION*****XX*1234567893~
N3*100 MAIN STREET~
N4*SPRINGFIELD*IL*627010000~
REF*EI*361234567~
HL*2*1*22*0~
SBR*P*18*******CI~
NM1*IL*1*DOE*JANE****MI*MBR123456789~
N3*200 OAK AVENUE~
N4*SPRINGFIELD*IL*62702~
DMG*D8*19600101*F~
NM1*PR*2*EXAMPLE HEALTH PLAN*****PI*PAYER01~
CLM*HIT20260302A*1500***12:B:1*Y*A*Y*Y~
HI*ABK:M8610~
LX*1~
SV1*HC:S9502*1400*UN*7***1~
DTP*472*RD8*20260302-20260308~
REF*6R*HIT20260302A-1~
SE*24*0001~
GE*1*42~
IEA*1*000000042~
`

// Validate a file: every finding has its level, segment, loop and element;
// the report says which transaction sets a 999 would accept.
func ExampleValidate() {
	rep, err := x222.Validate(strings.NewReader(claim837), x222.Options{Codes: codeset.Default()})
	if err != nil {
		log.Fatal(err) // not X12 at all, or unreadable
	}
	for _, f := range rep.Findings {
		fmt.Printf("%s: segment %d %s in loop %s, %s: %s\n", f.Level, f.Segment, f.SegmentID, f.Loop, f.Element, f.Message)
	}
	fmt.Printf("%d of %d transaction sets accepted in a 999\n", rep.Accepted, rep.Sets)
	// Output:
	// business: segment 20 CLM in loop 2300, CLM02: total charge 1500.00 does not equal the sum of the line charges (SV102) 1400.00
	// 1 of 1 transaction sets accepted in a 999
}
