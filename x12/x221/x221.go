// Package x221 validates 835 health care claim payment/advice transactions
// against the ASC X12N 005010X221A1 implementation guide, with the same
// machinery as the 837P (x12/guide): the guide is data (guide.txt,
// embedded), findings are positioned, and the guide-level ones go into a
// 999. A payer can check what it sends and a provider what it receives.
//
// The business level checks the three 835 balances: each service line
// (SVC02 − its CAS = SVC03), each claim (CLP03 − its CAS and its lines' CAS
// = CLP04) and the transaction (ΣCLP04 − ΣPLB = BPR02); and that a claim's
// patient responsibility (CLP05) is the sum of its PR adjustments, except on
// a reversal.
//
// External code lists: N402 is checked against the US states (or, with
// N404 CA, the Canadian provinces) as the 837P validator checks it, and a
// code that is none is an element finding (IK403 7). The adjustment reason
// codes (CAS, CARC) and remark codes (MIA, MOA, LQ*HE, RARC) are checked
// against X12's lists in data/ (see data/SOURCES.md): a code on neither is
// a business finding. Those lists carry no dates, so a deactivated code is
// accepted, and the report says what is not checked (Report.Unchecked).
package x221

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/perdiem/perdiem/ident"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/x12"
	"github.com/perdiem/perdiem/x12/guide"
)

//go:embed guide.txt
var guideText string

// X221A1 returns the guide, built from the embedded guide.txt on first use,
// so that commands which do not validate do not pay for parsing it.
var X221A1 = sync.OnceValue(func() *guide.Guide { return guide.MustParse(guideText) })

// Validate reads an 835 interchange and checks it at every level. It
// streams: memory holds the loop stack and one claim's totals, whatever the
// input size. The error is non-nil only when the input is not X12 at all or
// cannot be read; everything else is a Finding.
func Validate(r io.Reader, opt guide.Options) (*guide.Report, error) {
	rep, err := guide.Validate(X221A1(), r, func() guide.Rules { return &balances{} }, opt)
	if rep != nil {
		rep.Unchecked = slices.Clone(unchecked)
	}
	return rep, err
}

// unchecked are the external code lists of the 835 that Validate does not
// check values against, or not fully, as the report lists them.
var unchecked = []string{
	"CAS reason codes (CARC) and MIA, MOA and LQ02 remark codes (RARC): checked to be on X12's lists, not whether they were in force on the remittance's date (the lists shipped carry no dates)",
	"N404 country codes: no list is shipped",
}

//go:embed data/carc.csv
var carcCSV []byte

//go:embed data/rarc.csv
var rarcCSV []byte

// carc and rarc are the reason and remark codes, current or deactivated.
var (
	carc = sync.OnceValue(func() *guide.CodeList { return carcTable().list })
	rarc = sync.OnceValue(func() *guide.CodeList { return rarcTable().list })

	carcTable = sync.OnceValue(func() *codeTable { return readCodeTable("carc", carcCSV) })
	rarcTable = sync.OnceValue(func() *codeTable { return readCodeTable("rarc", rarcCSV) })
)

// Code is one entry of X12's adjustment reason (CARC) or remark (RARC)
// code list, as data/SOURCES.md says where it comes from.
type Code struct {
	Code        string `json:"code"`
	Description string `json:"description"` // X12's text, usage notes included
	Status      string `json:"status"`      // current or deactivated
}

// Meaning is the description without its usage notes: what the code says
// in plain words.
func (c Code) Meaning() string {
	d := c.Description
	for _, note := range []string{" Usage:", " Note:"} {
		if i := strings.Index(d, note); i > 0 {
			d = d[:i]
		}
	}
	return d
}

// ReasonCode looks up a claim adjustment reason code (CAS02, CAS05, …),
// current or deactivated. ok is false for a code not on X12's list.
func ReasonCode(code string) (c Code, ok bool) {
	c, ok = carcTable().codes[code]
	return c, ok
}

// RemarkCode looks up a remittance advice remark code (MOA, MIA, LQ*HE),
// current or deactivated. ok is false for a code not on X12's list.
func RemarkCode(code string) (c Code, ok bool) {
	c, ok = rarcTable().codes[code]
	return c, ok
}

type codeTable struct {
	list  *guide.CodeList
	codes map[string]Code
}

// readCodeTable reads a code,description,status file.
func readCodeTable(name string, data []byte) *codeTable {
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(rows) < 2 || strings.Join(rows[0], ",") != "code,description,status" {
		panic(fmt.Sprintf("x221: data/%s.csv: want a code,description,status table (%v)", name, err))
	}
	t := &codeTable{codes: make(map[string]Code, len(rows)-1)}
	codes := make([]string, 0, len(rows)-1)
	for _, r := range rows[1:] {
		codes = append(codes, r[0])
		t.codes[r[0]] = Code{Code: r[0], Description: r[1], Status: r[2]}
	}
	t.list = guide.NewCodeList(name, codes)
	return t
}

// Parse reads one 835 interchange into its loop tree, as guide.Tree does.
func Parse(r io.Reader) (*guide.Interchange, error) { return guide.Tree(X221A1(), r) }

// ParseAll is Parse for a file of one or more interchanges.
func ParseAll(r io.Reader) ([]*guide.Interchange, error) { return guide.Trees(X221A1(), r) }

// here is a remembered segment position, for findings reported later.
type here struct {
	seg, setPos int
	offset      int64
	line        int
}

func hereOf(m *guide.Machine) here {
	p := m.Cur().Pos()
	return here{p.Segment, m.SetPos(), p.Offset, p.Line}
}

// total is a sum of amounts that is known only while every one of them
// could be read; an unreadable amount is an element finding already.
type total struct {
	sum money.Amount
	ok  bool
}

func (t *total) add(v []byte) {
	if len(v) == 0 {
		return
	}
	a, ok := money.ParseX12(v)
	t.sum += a
	t.ok = t.ok && ok
}

func (t *total) set(v []byte) {
	t.sum, t.ok = 0, true
	t.add(v)
	t.ok = t.ok && len(v) > 0
}

// balances are the business rules of the 835: its three balances.
type balances struct {
	bpr02   total
	bprAt   here
	hasBPR  bool
	paid    total // ΣCLP04
	plb     total // ΣPLB amounts
	claim   []byte
	claimID string
	clpAt   here
	charge  total // CLP03
	clp04   total
	clp05   total
	status  string
	pr      total // the PR adjustments of the claim and its lines
	cas     total // claim and line CAS
	inLine  bool
	svcAt   here
	svc02   total
	svc03   total
	lineCAS total
	lines   int
	// last is the number of the last segment placed in the guide's tree;
	// a gap before the next one means segments were not placed (they are
	// structure findings), and a balance they might belong to is not
	// checked: their amounts are not known to be the claim's.
	last    int
	claimOK bool
	lineOK  bool
	setOK   bool
}

// placed notes that the machine's current segment was placed, and whether
// any segment since the last placed one was not.
func (b *balances) placed(m *guide.Machine) {
	n := m.Cur().Pos().Segment
	if b.last > 0 && n != b.last+1 {
		b.claimOK, b.lineOK, b.setOK = false, false, false
	}
	b.last = n
}

// gapBefore reports whether segments before the current one (which closes
// a loop) were left unplaced.
func (b *balances) gapBefore(m *guide.Machine) bool {
	return b.last > 0 && m.Cur().Pos().Segment != b.last+1
}

func (b *balances) StartSet() {
	*b = balances{claim: b.claim[:0], setOK: true}
	b.paid.ok, b.plb.ok = true, true
}

func (b *balances) Claim() string {
	if b.claimID == "" && len(b.claim) > 0 {
		b.claimID = string(b.claim)
	}
	return b.claimID
}

func (b *balances) Enter(m *guide.Machine, loop string) {
	// Segments left unplaced before a claim or a line belong to what came
	// before it: the set, or the claim.
	if b.gapBefore(m) {
		switch loop {
		case "2100":
			b.setOK = false
		case "2110":
			b.claimOK, b.setOK = false, false
		}
		b.last = m.Cur().Pos().Segment - 1
	}
	switch loop {
	case "2100":
		b.claim, b.claimID, b.clpAt, b.lines, b.claimOK = b.claim[:0], "", hereOf(m), 0, true
		b.cas, b.pr = total{ok: true}, total{ok: true}
		if s := m.Set(); s != nil {
			s.Claims++
		}
	case "2110":
		b.inLine, b.svcAt, b.lineCAS, b.lineOK = true, hereOf(m), total{ok: true}, true
		b.lines++
	}
}

func (b *balances) Exit(m *guide.Machine, loop string) {
	switch loop {
	case "2110":
		b.inLine = false
		if b.gapBefore(m) {
			b.claimOK, b.lineOK, b.setOK = false, false, false
		}
		if b.lineOK && b.svc02.ok && b.svc03.ok && b.lineCAS.ok && b.svc02.sum-b.lineCAS.sum != b.svc03.sum {
			b.at(m, b.svcAt, "2110", "SVC", "SVC03", fmt.Sprintf("service line does not balance: charge %s (SVC02) − adjustments %s (CAS) = %s, but paid (SVC03) is %s",
				b.svc02.sum, b.lineCAS.sum, b.svc02.sum-b.lineCAS.sum, b.svc03.sum))
		}
	case "2100":
		if b.gapBefore(m) {
			b.claimOK, b.setOK = false, false
		}
		// CLP05 is the sum of the PR adjustments, except on a reversal
		// (X12 RFI 2548); it is not part of the balance.
		if b.claimOK && b.status != "22" && b.clp05.ok && b.pr.ok && b.clp05.sum != b.pr.sum {
			b.at(m, b.clpAt, "2100", "CLP", "CLP05", fmt.Sprintf("patient responsibility (CLP05) is %s, but the PR adjustments of the claim and its lines add up to %s",
				b.clp05.sum, b.pr.sum))
		}
		if b.claimOK && b.charge.ok && b.clp04.ok && b.cas.ok && b.charge.sum-b.cas.sum != b.clp04.sum {
			b.at(m, b.clpAt, "2100", "CLP", "CLP04", fmt.Sprintf("claim does not balance: charge %s (CLP03) − adjustments %s (CAS of the claim and its lines) = %s, but paid (CLP04) is %s",
				b.charge.sum, b.cas.sum, b.charge.sum-b.cas.sum, b.clp04.sum))
		}
		b.claim, b.claimID = b.claim[:0], ""
	}
}

func (b *balances) EndSet(m *guide.Machine) {
	if b.gapBefore(m) {
		b.setOK = false
	}
	if b.setOK && b.hasBPR && b.bpr02.ok && b.paid.ok && b.plb.ok && b.paid.sum-b.plb.sum != b.bpr02.sum {
		b.at(m, b.bprAt, "ST", "BPR", "BPR02", fmt.Sprintf("transaction does not balance: paid on claims %s (ΣCLP04) − provider adjustments %s (ΣPLB) = %s, but the payment (BPR02) is %s",
			b.paid.sum, b.plb.sum, b.paid.sum-b.plb.sum, b.bpr02.sum))
	}
}

func (b *balances) Segment(m *guide.Machine, seg *x12.Segment, loop string) {
	b.placed(m)
	switch seg.ID() {
	case "BPR":
		b.hasBPR, b.bprAt = true, hereOf(m)
		b.bpr02.set(seg.ElementBytes(2))
	case "CLP":
		b.claim = append(b.claim[:0], seg.ElementBytes(1)...)
		b.charge.set(seg.ElementBytes(3))
		b.clp04.set(seg.ElementBytes(4))
		b.clp05.set(seg.ElementBytes(5))
		if len(seg.ElementBytes(5)) == 0 {
			b.clp05 = total{ok: true} // absent: none
		}
		b.status = string(seg.ElementBytes(2))
		b.paid.add(seg.ElementBytes(4))
		if len(seg.ElementBytes(4)) == 0 {
			b.paid.ok = false
		}
	case "SVC":
		b.svc02.set(seg.ElementBytes(2))
		b.svc03.set(seg.ElementBytes(3))
	case "CAS":
		for i := 2; i <= 17; i += 3 {
			b.code(m, seg, loop, i, carc(), "a claim adjustment reason code (CARC)")
		}
		pr := string(seg.ElementBytes(1)) == "PR"
		for i := 3; i <= 18; i += 3 {
			v := seg.ElementBytes(i)
			b.cas.add(v)
			if pr {
				b.pr.add(v)
			}
			if loop == "2110" {
				b.lineCAS.add(v)
			}
		}
	case "PLB":
		for i := 4; i <= 14; i += 2 {
			b.plb.add(seg.ElementBytes(i))
		}
	case "N4":
		n4(m, seg, loop)
	case "MIA":
		for _, i := range []int{5, 20, 21, 22, 23} {
			b.code(m, seg, loop, i, rarc(), "a remittance advice remark code (RARC)")
		}
	case "MOA":
		for i := 3; i <= 7; i++ {
			b.code(m, seg, loop, i, rarc(), "a remittance advice remark code (RARC)")
		}
	case "LQ":
		if string(seg.ElementBytes(1)) == "HE" {
			b.code(m, seg, loop, 2, rarc(), "a remittance advice remark code (RARC)")
		}
	}
}

// code reports element e of seg when it is given and not on list.
func (b *balances) code(m *guide.Machine, seg *x12.Segment, loop string, e int, list *guide.CodeList, what string) {
	v := seg.ElementBytes(e)
	if len(v) == 0 || list.HasBytes(v) {
		return
	}
	id := seg.ID()
	b.at(m, hereOf(m), loop, id, guide.ElemName(id, e, 0), fmt.Sprintf("%q is not %s on X12's list, current or deactivated", shorten(v), what))
}

// shorten keeps a quoted value to a few dozen characters.
func shorten(v []byte) []byte {
	if len(v) > 30 {
		return append(v[:30:30], "…"...)
	}
	return v
}

// usStates and caProvinces are the codes N402 takes for a US and a
// Canadian address.
var (
	usStates    = guide.NewCodeList("us states", ident.USStates)
	caProvinces = guide.NewCodeList("canadian provinces", ident.CAProvinces)
)

// n4 checks N402 against the country in N404 (none: the US).
func n4(m *guide.Machine, seg *x12.Segment, loop string) {
	state := seg.ElementBytes(2)
	if len(state) == 0 {
		return
	}
	var msg string
	switch string(seg.ElementBytes(4)) {
	case "", "US":
		if !usStates.HasBytes(state) {
			msg = fmt.Sprintf("%q is not a US state, territory or military post office code", state)
			if caProvinces.HasBytes(state) {
				msg = fmt.Sprintf("%q is a Canadian province: a Canadian address needs N404 CA", state)
			}
		}
	case "CA":
		if !caProvinces.HasBytes(state) {
			msg = fmt.Sprintf("%q is not a Canadian province or territory code", state)
		}
	}
	if msg == "" {
		return
	}
	h := hereOf(m)
	m.AddAt(guide.Finding{Level: guide.LevelElement, Segment: h.seg, SetPosition: h.setPos, SegmentID: "N4", Loop: loop,
		Element: guide.ElemName("N4", 2, 0), Code: "7", Message: msg, Offset: h.offset, Line: h.line, Value: string(state),
		ElementRef: X221A1().Segments["N4"][1].Ref})
}

// at reports a business finding at a remembered position.
func (b *balances) at(m *guide.Machine, h here, loop, id, element, msg string) {
	m.AddAt(guide.Finding{Level: guide.LevelBusiness, Segment: h.seg, SetPosition: h.setPos, SegmentID: id, Loop: loop,
		Element: element, Message: msg, Offset: h.offset, Line: h.line})
}
