package x837p

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/perdiem/perdiem/money"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/perdiem/perdiem/civil"
)

// gen makes random claims that satisfy the model's invariants (Total is the
// sum of the lines, text free of delimiters, Sex only with a DOB), drawing
// headers from small pools so that consecutive claims often share a billing
// provider or a subscriber and the grouping into ST, 2000A and 2000B loops
// is exercised.
type gen struct{ r *rand.Rand }

func (g gen) word(n int) string {
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 1+g.r.IntN(n))
	for i := range b {
		b[i] = alpha[g.r.IntN(len(alpha))]
	}
	return string(b)
}

func (g gen) text(words int) string {
	w := make([]string, 1+g.r.IntN(words))
	for i := range w {
		w[i] = g.word(8)
	}
	return strings.Join(w, " ")
}

func (g gen) maybe(s string) string {
	if g.r.IntN(2) == 0 {
		return ""
	}
	return s
}

func (g gen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.r.IntN(10))
	}
	return string(b)
}

func (g gen) address() Address {
	return Address{Line1: g.text(3), Line2: g.maybe(g.text(2)), City: g.text(2), State: g.word(2), Zip: g.digits(5 + 4*g.r.IntN(2))}
}

func (g gen) date() civil.Date { return civil.FromYMD(2025, 1, 1).AddDays(g.r.IntN(700)) }

func (g gen) provider(taxonomy bool) *Provider {
	p := &Provider{Last: g.text(2), First: g.maybe(g.word(10)), NPI: g.digits(10)}
	if taxonomy {
		p.Taxonomy = g.maybe(g.word(10))
	}
	return p
}

func (g gen) quantity() float64 {
	if g.r.IntN(2) == 0 {
		return float64(1 + g.r.IntN(400))
	}
	return float64(1+g.r.IntN(1_000_000)) / 1000
}

func (g gen) billing() Billing {
	return Billing{Name: g.text(3), NPI: g.digits(10), TaxID: g.digits(9), Taxonomy: g.maybe(g.word(10)), Address: g.address()}
}

type header struct {
	sub     Subscriber
	payer   Party
	patient *Patient
}

func (g gen) header() header {
	h := header{
		sub: Subscriber{Responsibility: "P", Group: g.maybe(g.word(12)), Filing: []string{"CI", "MB", "MC", "BL"}[g.r.IntN(4)],
			MemberID: g.word(15), Last: g.text(2), First: g.maybe(g.word(10)), Middle: g.maybe(g.word(1))},
		payer: Party{Name: g.text(3), ID: g.word(10)},
	}
	if g.r.IntN(3) == 0 {
		h.patient = &Patient{Relationship: []string{"01", "19", "20", "21", "53", "G8"}[g.r.IntN(6)],
			Last: g.text(2), First: g.maybe(g.word(8)), Middle: g.maybe(g.word(1)), DOB: g.date(), Sex: "F", Address: g.address()}
	} else {
		a, d := g.address(), g.date()
		h.sub.Address, h.sub.DOB, h.sub.Sex = &a, &d, []string{"F", "M", "U"}[g.r.IntN(3)]
	}
	return h
}

func (g gen) claims(n int) []*Claim {
	sub := Submitter{Name: g.text(3), ID: g.word(15), Contact: Contact{Name: g.maybe(g.text(2)), Phone: g.digits(10), Email: g.maybe(g.word(10) + "@" + g.word(6) + ".COM")}}
	if g.r.IntN(3) == 0 {
		sub.Contact.Phone, sub.Contact.Email = "", g.word(6)+"@X.ORG"
	}
	rcv := Party{Name: g.text(3), ID: g.word(15)}
	billings := []Billing{g.billing(), g.billing()}
	headers := []header{g.header(), g.header(), g.header()}
	out := make([]*Claim, n)
	for i := range out {
		h := headers[g.r.IntN(len(headers))]
		c := &Claim{Submitter: sub, Receiver: rcv, Billing: billings[g.r.IntN(2)], Subscriber: h.sub, Payer: h.payer, Patient: h.patient,
			ID: g.word(20), POS: []string{"12", "11", "49"}[g.r.IntN(3)], Frequency: "1",
			PriorAuth: g.maybe(g.word(20)), Note: g.maybe(g.text(6))}
		if g.r.IntN(5) == 0 {
			c.Frequency, c.OriginalRef = []string{"7", "8"}[g.r.IntN(2)], g.word(20)
		}
		for range 1 + g.r.IntN(MaxDiagnoses) {
			c.Diagnoses = append(c.Diagnoses, "Z"+g.digits(1+g.r.IntN(5)))
		}
		if g.r.IntN(2) == 0 {
			c.Rendering = g.provider(true)
		}
		var ordering *Provider
		if g.r.IntN(2) == 0 {
			ordering = g.provider(false)
		}
		for k := range 1 + g.r.IntN(MaxLines) {
			from := g.date()
			l := Line{Code: g.word(5), Charge: money.Amount(g.r.IntN(10_000_000)), Units: g.quantity(),
				POS: c.POS, From: from, To: from.AddDays(g.r.IntN(3) * g.r.IntN(30)), ControlNum: c.ID + "-" + strconv.Itoa(k+1)}
			if g.r.IntN(4) == 0 {
				l.POS = "11"
			}
			for range g.r.IntN(5) {
				l.Modifiers = append(l.Modifiers, g.word(2))
			}
			if g.r.IntN(4) == 0 {
				l.Description = g.text(5)
			}
			for p := range 1 + g.r.IntN(min(MaxPointers, len(c.Diagnoses))) {
				l.Pointers = append(l.Pointers, p+1)
			}
			if g.r.IntN(3) == 0 {
				l.Drug = &Drug{NDC: g.digits(11), Quantity: g.quantity(), Unit: []string{"F2", "GR", "ME", "ML", "UN"}[g.r.IntN(5)]}
				l.Ordering = ordering
			}
			c.Lines = append(c.Lines, l)
		}
		c.Total, _ = c.LineTotal()
		out[i] = c
	}
	return out
}

// TestWriteReadRoundTrip is the property that Read gives back what Write was
// given, over random claims.
func TestWriteReadRoundTrip(t *testing.T) {
	for seed := range uint64(40) {
		g := gen{rand.New(rand.NewPCG(seed, 7))}
		claims := g.claims(1 + g.r.IntN(30))
		var buf bytes.Buffer
		ctl := Control{Number: int64(1 + seed), Time: time.Date(2026, 2, 3, 4, 5, 0, 0, time.UTC), Usage: "P"}
		if err := Write(&buf, claims, ctl); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		checkEnvelope(t, buf.Bytes())
		back, err := Read(&buf)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if len(back) != len(claims) {
			t.Fatalf("seed %d: read %d claims, wrote %d", seed, len(back), len(claims))
		}
		for i := range claims {
			if !reflect.DeepEqual(back[i], claims[i]) {
				t.Fatalf("seed %d, claim %d:\n read %+v\nwrote %+v", seed, i, *back[i], *claims[i])
			}
		}
	}
}

// checkEnvelope verifies the counts and links of §6.1 independently of the
// writer: SE01 counts ST…SE, control-number pairs match, GE01 counts the
// STs, HL numbers run 1, 2, 3… per ST with parents that exist, HL04 says
// whether children follow, LX restarts at 1 per claim, and no 2000B or
// 2000C holds more than 100 claims.
func checkEnvelope(t *testing.T, data []byte) {
	t.Helper()
	s := segs(t, data)
	if s[0][0] != "ISA" || s[len(s)-1][0] != "IEA" || s[1][0] != "GS" || s[len(s)-2][0] != "GE" {
		t.Fatalf("not ISA GS … GE IEA")
	}
	if s[len(s)-1][2] != s[0][13] || s[len(s)-2][2] != s[1][6] || s[len(s)-1][1] != "1" {
		t.Errorf("IEA %v / GE %v do not match ISA13 %s / GS06 %s", s[len(s)-1], s[len(s)-2], s[0][13], s[1][6])
	}
	sets, start := 0, 0
	var hlLevel map[string]string
	var hlKids map[string]bool
	var hlDecl map[string]string
	claimsUnder, lastHL, lx := 0, "", 0
	for i, x := range s {
		switch x[0] {
		case "ST":
			sets, start = sets+1, i
			hlLevel, hlKids, hlDecl = map[string]string{}, map[string]bool{}, map[string]string{}
		case "SE":
			if n, _ := strconv.Atoi(x[1]); n != i-start+1 {
				t.Errorf("SE01 %s, counted %d", x[1], i-start+1)
			}
			if x[2] != s[start][2] {
				t.Errorf("SE02 %s ≠ ST02 %s", x[2], s[start][2])
			}
			for id, decl := range hlDecl {
				if (decl == "1") != hlKids[id] {
					t.Errorf("HL %s: HL04 %s but children: %v", id, decl, hlKids[id])
				}
			}
		case "HL":
			if want := strconv.Itoa(len(hlLevel) + 1); x[1] != want {
				t.Errorf("HL01 %s, want %s", x[1], want)
			}
			if x[2] != "" {
				if _, ok := hlLevel[x[2]]; !ok {
					t.Errorf("HL %s: parent %s does not exist", x[1], x[2])
				}
				hlKids[x[2]] = true
			}
			hlLevel[x[1]], hlDecl[x[1]] = x[3], x[4]
			claimsUnder, lastHL = 0, x[1]
		case "CLM":
			claimsUnder, lx = claimsUnder+1, 0
			if claimsUnder > MaxClaims {
				t.Errorf("HL %s holds more than %d claims", lastHL, MaxClaims)
			}
		case "LX":
			lx++
			if x[1] != strconv.Itoa(lx) {
				t.Errorf("LX %s, want %d", x[1], lx)
			}
		}
	}
	if s[len(s)-2][1] != strconv.Itoa(sets) {
		t.Errorf("GE01 %s, %d ST", s[len(s)-2][1], sets)
	}
}

func TestHundredClaimsPerSubscriberLoop(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(1, 1))}
	one := g.claims(1)[0]
	var claims []*Claim
	for i := range 250 {
		c := *one
		c.ID = fmt.Sprintf("C%d", i)
		claims = append(claims, &c)
	}
	var buf bytes.Buffer
	if err := Write(&buf, claims, Control{Number: 5, Time: time.Now(), Usage: "T"}); err != nil {
		t.Fatal(err)
	}
	checkEnvelope(t, buf.Bytes())
	n := strings.Count(buf.String(), "~HL*")
	want := 1 + 3 // 2000A, then 2000B ×3 (100 + 100 + 50)
	if one.Patient != nil {
		want = 1 + 3*2
	}
	if n != want {
		t.Errorf("%d HL segments for 250 claims of one subscriber, want %d", n, want)
	}
}

func TestWriteRefuses(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(2, 2))}
	ok := Control{Number: 9, Time: time.Now(), Usage: "T"}
	cases := []struct {
		name string
		mut  func([]*Claim, *Control)
		want error
	}{
		{"no claims", func(c []*Claim, _ *Control) {}, ErrNoClaims},
		{"control number 0", func(_ []*Claim, ctl *Control) { ctl.Number = 0 }, ErrControlNumber},
		{"control number over nine digits", func(_ []*Claim, ctl *Control) { ctl.Number = 1_000_000_000 }, ErrControlNumber},
		{"usage other than P or T", func(_ []*Claim, ctl *Control) { ctl.Usage = "X" }, ErrUsage},
		{"second claim for another receiver", func(c []*Claim, _ *Control) { c[1].Receiver.ID = "OTHER" }, ErrMixedEnvelope},
		{"CLM02 not the sum of SV102", func(c []*Claim, _ *Control) { c[1].Total++ }, ErrTotal},
		{"SV102 beyond 18 digits", func(c []*Claim, _ *Control) {
			c[0].Lines[0].Charge = money.Max + 1
			c[0].Total = c[0].Lines[0].Charge
		}, money.ErrOverflow},
		{"line charges whose sum is beyond 18 digits", func(c []*Claim, _ *Control) {
			c[0].Lines = append(c[0].Lines[:1], c[0].Lines[0])
			c[0].Lines[0].Charge, c[0].Lines[1].Charge = money.Max, 1
			c[0].Total = money.Max
		}, money.ErrOverflow},
		{"component separator in a name", func(c []*Claim, _ *Control) { c[1].Subscriber.Last = "DOE:SMITH" }, ErrDelimiter},
		{"repetition separator in a note", func(c []*Claim, _ *Control) { c[0].Note = "A^B" }, ErrDelimiter},
		{"modifier with a delimiter", func(c []*Claim, _ *Control) { c[0].Lines[0].Modifiers = []string{"S:"} }, ErrDelimiter},
		{"contact without phone or email", func(c []*Claim, _ *Control) {
			for _, x := range c {
				x.Submitter.Contact = Contact{Name: "X"}
			}
		}, ErrContact},
		{"51 lines", func(c []*Claim, _ *Control) {
			for len(c[0].Lines) <= MaxLines {
				c[0].Lines = append(c[0].Lines, c[0].Lines[0])
			}
			c[0].Total, _ = c[0].LineTotal()
		}, ErrTooManyLines},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			claims, ctl := g.claims(2), ok
			if tc.want == ErrNoClaims {
				claims = nil
			}
			tc.mut(claims, &ctl)
			var buf bytes.Buffer
			err := Write(&buf, claims, ctl)
			var ee *EnvelopeError
			if !errors.Is(err, tc.want) || !errors.As(err, &ee) {
				t.Fatalf("err = %v, want %v in an *EnvelopeError", err, tc.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes before refusing", buf.Len())
			}
		})
	}
}

// TestReadSamples reads every 837P of the shared corpus: Read must skip the
// loops it does not model without failing.
func TestReadSamples(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/x12/837p/*")
	n := 0
	for _, f := range files {
		if ext := filepath.Ext(f); ext != ".x12" && ext != ".edi" {
			continue
		}
		n++
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		claims, err := Read(bytes.NewReader(data))
		if err != nil {
			if strings.Contains(f, "broken") {
				continue // its planted RD8 date is unreadable on purpose
			}
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		if len(claims) == 0 {
			t.Errorf("%s: no claims", filepath.Base(f))
		}
		for _, c := range claims {
			if c.ID == "" || len(c.Lines) == 0 || c.Billing.NPI == "" && c.Billing.Name == "" {
				t.Errorf("%s: claim %+v lacks id, lines or billing provider", filepath.Base(f), c)
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d sample files found", n)
	}
}

// TestReadSkeleton reads the validated sample into the values it spells out.
func TestReadSkeleton(t *testing.T) {
	f, err := os.Open("../../testdata/x12/837p/synthetic__home-infusion-good.x12")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	claims, err := Read(f)
	if err != nil {
		t.Fatal(err)
	}
	from, to, dob := civil.FromYMD(2026, 1, 1), civil.FromYMD(2026, 1, 7), civil.FromYMD(1960, 1, 1)
	want := &Claim{
		Submitter:  Submitter{Name: "ACME HOME INFUSION", ID: "HITSUBMIT", Contact: Contact{Name: "BILLING OFFICE", Phone: "5555551234", Email: "BILLING@EXAMPLE.COM"}},
		Receiver:   Party{Name: "EXAMPLE HEALTH PLAN", ID: "PAYERRCVR"},
		Billing:    Billing{Name: "ACME HOME INFUSION", NPI: "1234567893", TaxID: "361234567", Taxonomy: "3336H0001X", Address: Address{Line1: "100 MAIN STREET", City: "SPRINGFIELD", State: "IL", Zip: "627010000"}},
		Subscriber: Subscriber{Responsibility: "P", Group: "GRP12345", Filing: "CI", MemberID: "MBR123456789", Last: "DOE", First: "JANE", Middle: "Q", Address: &Address{Line1: "200 OAK AVENUE", City: "SPRINGFIELD", State: "IL", Zip: "62702"}, DOB: &dob, Sex: "F"},
		Payer:      Party{Name: "EXAMPLE HEALTH PLAN", ID: "PAYER01"},
		ID:         "HIT20260101A", Total: 247000, POS: "12", Frequency: "1", PriorAuth: "PA987654",
		Note:      "IV CEFTRIAXONE 2G Q24H X 7 DAYS VIA PICC",
		Diagnoses: []string{"M8610", "Z452"},
		Rendering: &Provider{Last: "NURSE", First: "NANCY", NPI: "1987654328", Taxonomy: "163W00000X"},
		Lines: []Line{
			{Code: "S9500", Charge: 140000, Units: 7, POS: "12", Pointers: []int{1, 2}, From: from, To: to},
			{Code: "J0696", Charge: 70000, Units: 56, POS: "12", Pointers: []int{1}, From: from, To: to, Drug: &Drug{NDC: "00004196501", Quantity: 7, Unit: "UN"}},
			{Code: "J3490", Description: "SODIUM CHLORIDE 0.9% 100 ML SEE NDC", Charge: 7000, Units: 7, POS: "12", Pointers: []int{1}, From: from, To: to, Drug: &Drug{NDC: "00338004938", Quantity: 700, Unit: "ML"}},
			{Code: "99601", Charge: 30000, Units: 1, POS: "12", Pointers: []int{1}, From: from, To: from},
		},
	}
	if len(claims) != 1 || !reflect.DeepEqual(claims[0], want) {
		t.Errorf("read %d claims:\n%+v\nwant\n%+v", len(claims), claims[0], want)
	}
}

// FuzzRead feeds Read the small samples (the 330 KB one would slow the
// mutator to a crawl) and its own output.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/x12/837p/*.x12")
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil && len(data) < 16<<10 {
			f.Add(data)
		}
	}
	var buf bytes.Buffer
	g := gen{rand.New(rand.NewPCG(3, 3))}
	if err := Write(&buf, g.claims(2), Control{Number: 1, Time: time.Now(), Usage: "T"}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		claims, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, c := range claims {
			if c == nil {
				t.Fatal("nil claim without an error")
			}
		}
	})
}

// BenchmarkWrite writes interchanges of 1,000 claims of 4 lines each, the
// shape of the skeleton, and reports claims per second.
func BenchmarkWrite(b *testing.B) {
	c, err := Build(loadClaim(b), testOptions)
	if err != nil {
		b.Fatal(err)
	}
	claims := make([]*Claim, 1000)
	for i := range claims {
		cp := *c
		cp.ID = fmt.Sprintf("HIT%09d", i)
		claims[i] = &cp
	}
	var buf bytes.Buffer
	enc := NewEncoder(&buf)
	ctl := Control{Number: 1, Time: time.Now(), Usage: "T"}
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := enc.Encode(claims, ctl); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportMetric(float64(b.N)*float64(len(claims))/b.Elapsed().Seconds(), "claims/s")
}

// TestSetsHoldAtMostMaxSetClaims: a batch larger than the guide's 5,000
// claims per ST/SE is written as several sets of one group, each complete.
func TestSetsHoldAtMostMaxSetClaims(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(3, 3))}
	one := g.claims(1)[0]
	one.Lines = one.Lines[:1]
	one.Total, _ = one.LineTotal()
	var claims []*Claim
	for i := range 2*MaxSetClaims + 1 {
		c := *one
		c.ID = fmt.Sprintf("C%d", i)
		claims = append(claims, &c)
	}
	var buf bytes.Buffer
	if err := Write(&buf, claims, Control{Number: 6, Time: time.Now(), Usage: "T"}); err != nil {
		t.Fatal(err)
	}
	checkEnvelope(t, buf.Bytes())
	var perSet []int
	for _, s := range segs(t, buf.Bytes()) {
		switch s[0] {
		case "ST":
			perSet = append(perSet, 0)
		case "CLM":
			perSet[len(perSet)-1]++
		}
	}
	if want := []int{MaxSetClaims, MaxSetClaims, 1}; !reflect.DeepEqual(perSet, want) {
		t.Errorf("claims per set %v, want %v", perSet, want)
	}
	back, err := Read(&buf)
	if err != nil || len(back) != len(claims) {
		t.Fatalf("read back %d claims, %v", len(back), err)
	}
}

// TestAddMatchesEncode: claim by claim gives the same bytes as the whole
// slice at once, and a refused claim leaves the Encoder able to go on.
func TestAddMatchesEncode(t *testing.T) {
	for seed := range uint64(10) {
		g := gen{rand.New(rand.NewPCG(seed, 11))}
		claims := g.claims(1 + g.r.IntN(30))
		ctl := Control{Number: 77, Time: time.Date(2026, 2, 3, 4, 5, 0, 0, time.UTC), Usage: "T"}
		var whole, streamed bytes.Buffer
		if err := Write(&whole, claims, ctl); err != nil {
			t.Fatal(err)
		}
		enc := NewEncoder(&streamed)
		if err := enc.Begin(claims[0], ctl); err != nil {
			t.Fatal(err)
		}
		for i, c := range claims {
			if err := enc.Add(c); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				bad := *c
				bad.Total++
				var ee *EnvelopeError
				if err := enc.Add(&bad); !errors.As(err, &ee) || !errors.Is(err, ErrTotal) || ee.Claim != 1 {
					t.Fatalf("bad claim: %v", err)
				}
			}
		}
		if err := enc.End(); err != nil {
			t.Fatal(err)
		}
		if whole.String() != streamed.String() {
			t.Fatalf("seed %d: Add/End output differs from Encode", seed)
		}
	}
	var buf bytes.Buffer
	enc := NewEncoder(&buf)
	if err := enc.End(); !errors.Is(err, ErrState) {
		t.Errorf("End without Begin: %v", err)
	}
}
