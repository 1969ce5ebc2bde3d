package x222

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"strconv"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/ident"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/x12"
	"github.com/perdiem/perdiem/x12/guide"
)

// The level of each rule, as the TR3 gives it. A 999 carries what the
// guide requires of the file itself (SNIP 1-2); a payer's front end rejects
// claims for the rest in a 277CA (SNIP 3-7), as business findings.
//
//	element (999: IK3 8, IK4)   HL01 numbering, HL02 parent, HL04 against
//	                            the children, LX01 numbering (I12); N402
//	                            not a state or province code (7)
//	business (277CA)            CLM02 = ΣSV102 (balancing, SNIP 3); CLM01
//	                            longer than claim.MaxIDLength (20: the
//	                            guide's supported length, while its syntax
//	                            allows 38, SNIP 4); F8 for
//	                            frequency 7/8, SV101-7 for a NOC code and
//	                            SV107 pointers within HI (situational,
//	                            SNIP 4); NPI check digit, ICD-10 and NDC
//	                            shapes, procedure codes and modifiers on
//	                            the date of service, ZIP shapes (code sets,
//	                            SNIP 5); a PO box and a 5-digit ZIP for the
//	                            billing provider, units and charges, RD8
//	                            reversed, service after BHT04 or in the
//	                            future, per diem units over the days, a
//	                            repeated CLM01 or claim (payer edits)

// extraNOC are unlisted codes outside home infusion: a line with one must
// describe the item in SV101-7. The code set marks the NOC codes of home
// infusion (its rules.csv); an 837P may bill any service, so the validator
// adds the unlisted codes of the other HCPCS and CPT sections.
var extraNOC = []string{"A4649", "A9698", "A9699", "S9999", "C9399", "K0108", "L8699", "Q0181", "T1999", "01999", "99199", "99429"}

type nocKey struct{}
type perDiemKey struct{}

// nocCodes are the not otherwise classified codes of cs and extraNOC,
// derived once per code set.
func nocCodes(cs *codeset.Set) *CodeList {
	return cs.Derived(nocKey{}, func(s *codeset.Set) any {
		codes := append([]string(nil), extraNOC...)
		for _, c := range s.All() {
			if c.NOC {
				codes = append(codes, c.Code)
			}
		}
		return newCodeList("noc", codes)
	}).(*CodeList)
}

// perDiemCodes are the codes of cs that bill per day (codeset's
// IsPerDiem): their units may not exceed the days of service.
func perDiemCodes(cs *codeset.Set) *CodeList {
	return cs.Derived(perDiemKey{}, func(s *codeset.Set) any {
		var codes []string
		for _, c := range s.All() {
			if c.IsPerDiem() {
				codes = append(codes, c.Code)
			}
		}
		return newCodeList("per diem", codes)
	}).(*CodeList)
}

// dayNumber turns CCYYMMDD into a day count, for spans of service.
func dayNumber(ccyymmdd int) civil.Date {
	return civil.FromYMD(ccyymmdd/10000, ccyymmdd/100%100, ccyymmdd%100)
}

// dateMemo remembers the last CCYYMMDD read at one place (the from or
// the through date of DTP03) and what it reads as: the lines of a claim,
// and the claims of a file, mostly have the same dates of service.
type dateMemo struct {
	text uint64 // the date's eight bytes, as one number
	d    int
	day  civil.Date // dayNumber(d) when ok
	ok   bool
}

// read returns date8(v) and, when v is a date, its day number.
func (m *dateMemo) read(v []byte) (int, civil.Date, bool) {
	if len(v) != 8 {
		return 0, 0, false // as date8 says
	}
	if k := binary.LittleEndian.Uint64(v); k != m.text || m.d == 0 {
		m.text, m.day = k, 0
		if m.d, m.ok = date8(v); m.ok {
			m.day = dayNumber(m.d)
		}
	}
	return m.d, m.day, m.ok
}

// here is a remembered segment position, for findings reported later.
type here struct {
	seg, setPos int
	offset      int64
	line        int
}

func hereOf(m *machine) here {
	p := m.Cur().Pos()
	return here{p.Segment, m.SetPos(), p.Offset, p.Line}
}

// hlEntry is an open HL at one level of the hierarchy.
type hlEntry struct {
	open     bool
	id       []byte // HL01, in a buffer kept from one HL to the next
	hl04     []byte // HL04, likewise
	children bool
	at       here
	loop     string
}

// business holds the business-rule state of one transaction set: the open
// HL chain (three levels at most) and the current claim.
type business struct {
	// noc and perDiem come from Options.Codes; nil without a code set.
	noc, perDiem *CodeList
	codes        *codeset.Set
	byBytes      *codeIndex // of codes
	today        civil.Date // Options.Today
	unchecked    unchecked  // what no shipped list could check, over every set

	created civil.Date // BHT04

	// digests of the subscriber (2010BA NM1) and patient (2010CA NM1), and
	// of the open claim's content without CLM01 (guide.Key.Sum)
	member, patient, digest uint64
	ln                      line // the open service line, until its DTP*472

	hl     [3]hlEntry
	lastHL int

	inClaim bool
	// CLM01 is copied into claimRaw and made a string only when a finding
	// names it, so a clean claim costs no allocation.
	claimRaw []byte
	claimID  string
	clm      here
	clm02    int64
	clm02ok  bool
	freq     string
	hasF8    bool
	dx       int // diagnosis codes in HI (ABK/ABF/BK/BF)
	sum      int64
	sumOK    bool
	nextLX   int
	lines    int
	// The current line's per diem units, in hundredths, until its DTP*472
	// gives the days they must fit in; -1 when the line is no per diem.
	perDiemUnits int64
	sv1At        here

	// the dates DTP03 read last, kept over every set
	fromDate, toDate dateMemo
}

// StartSet resets every field of the set's state, one by one, keeping the
// buffers: assigning a whole business would copy it through the garbage
// collector's write barriers whenever a collection is marking.
func (b *business) StartSet() {
	b.created, b.member, b.patient, b.digest = 0, 0, 0, 0
	b.ln.open, b.ln.at, b.ln.code = false, here{}, b.ln.code[:0]
	for l := range b.hl {
		e := &b.hl[l]
		e.open, e.id, e.hl04, e.children, e.at, e.loop = false, e.id[:0], e.hl04[:0], false, here{}, ""
	}
	b.lastHL = 0
	b.inClaim, b.claimRaw, b.claimID, b.clm = false, b.claimRaw[:0], "", here{}
	b.clm02, b.clm02ok, b.freq, b.hasF8, b.dx = 0, false, "", false, 0
	b.sum, b.sumOK, b.nextLX, b.lines = 0, false, 0, 0
	b.perDiemUnits, b.sv1At = -1, here{}
}

// Claim is CLM01 of the current claim, or "" outside a claim or before CLM.
func (b *business) Claim() string {
	if b.claimID == "" && len(b.claimRaw) > 0 {
		b.claimID = string(b.claimRaw)
	}
	return b.claimID
}

func (b *business) EndSet(m *machine) {
	for l := range b.hl {
		b.closeHL(m, l)
	}
}

func (b *business) Enter(m *machine, loop string) {
	if loop == "2300" {
		b.inClaim, b.claimRaw, b.claimID, b.clm = true, b.claimRaw[:0], "", hereOf(m)
		b.clm02ok, b.freq, b.hasF8, b.dx, b.sum, b.sumOK, b.nextLX, b.lines = false, "", false, 0, 0, true, 1, 0
		b.digest = mix(mix(1, b.member), b.patient)
		if m.Set() != nil {
			m.Set().Claims++
		}
	}
}

func (b *business) Exit(m *machine, loop string) {
	if loop != "2300" || !b.inClaim {
		return
	}
	if b.clm02ok && b.sumOK && b.lines > 0 && b.clm02 != b.sum {
		b.at(m, b.clm, "2300", "CLM", "CLM02", fmt.Sprintf("total charge %s does not equal the sum of the line charges (SV102) %s", money.Amount(b.clm02), money.Amount(b.sum)))
	}
	if (b.freq == "7" || b.freq == "8") && !b.hasF8 {
		b.at(m, b.clm, "2300", "CLM", "CLM05-3", fmt.Sprintf("frequency %s (replacement/void) needs REF*F8 with the payer's claim control number", b.freq))
	}
	if s := m.Set(); s != nil && len(b.claimRaw) > 0 {
		s.Keys = append(s.Keys, guide.Key{ID: b.Claim(), Sum: b.digest, Segment: b.clm.seg, SetPosition: b.clm.setPos,
			Offset: b.clm.offset, Line: b.clm.line})
	}
	b.inClaim, b.claimRaw, b.claimID = false, b.claimRaw[:0], ""
}

// mix folds a digest into a running one.
func mix(h, v uint64) uint64 { return (h ^ v) * 0x100000001b3 }

// fold adds a segment of the open claim to its digest: everything but the
// claim's own identifiers (CLM01, the clearinghouse trace REF*D9 and the
// line control numbers REF*6R), so a claim sent again under a new number
// has the digest of the first.
func (b *business) fold(seg *x12.Segment) {
	raw := seg.Raw()
	switch seg.ID() {
	case "CLM":
		raw = raw[min(len(raw), 4+len(seg.ElementBytes(1))):]
	case "REF":
		if q := seg.ElementBytes(1); string(q) == "D9" || string(q) == "6R" {
			return
		}
	}
	b.digest = mix(b.digest, maphash.Bytes(guide.KeySeed(), raw))
}

// at reports a business finding at a remembered position.
func (b *business) at(m *machine, h here, loop, id, element, msg string) {
	m.AddAt(Finding{Level: LevelBusiness, Segment: h.seg, SetPosition: h.setPos, SegmentID: id, Loop: loop,
		Element: element, Message: msg, Offset: h.offset, Line: h.line})
}

func (b *business) add(m *machine, loop, element, msg string) {
	m.Add(LevelBusiness, loop, element, "", msg)
}

func (b *business) Segment(m *machine, seg *x12.Segment, loop string) {
	if b.inClaim {
		b.fold(seg)
	}
	switch seg.ID() {
	case "HL":
		if string(seg.ElementBytes(3)) == "22" {
			b.patient = 0
		}
		b.hlSegment(m, seg, loop)
	case "NM1":
		switch loop {
		case "2010BA":
			b.member = maphash.Bytes(guide.KeySeed(), seg.Raw())
		case "2010CA":
			b.patient = maphash.Bytes(guide.KeySeed(), seg.Raw())
		}
		if string(seg.ElementBytes(8)) == "XX" {
			if v := seg.ElementBytes(9); len(v) > 0 && !ident.ValidNPI(string(v)) {
				npi := string(v)
				b.add(m, loop, "NM109", fmt.Sprintf("NPI %s fails the check digit (Luhn with prefix 80840)", npi))
			}
		}
	case "N3":
		if loop == "2010AA" {
			for i := 1; i <= 2; i++ {
				if l := seg.ElementBytes(i); mayBeBox(l) && ident.LooksLikePOBox(string(l)) {
					b.add(m, loop, elemName("N3", i, 0), fmt.Sprintf("billing provider address %q is a PO box; put it in the pay-to address (2010AB)", l))
				}
			}
		}
	case "BHT":
		if d, ok := date8(seg.ElementBytes(4)); ok {
			b.created = dayNumber(d)
		}
	case "N4":
		b.n4(m, seg, loop)
		if loop == "2010AA" {
			if v := seg.ElementBytes(3); len(v) > 0 && !ident.ValidZIP9(string(v)) {
				z := string(v)
				b.add(m, loop, "N403", fmt.Sprintf("billing provider ZIP %q must be 9 digits (ZIP+4)", z))
			}
		}
	case "DTP":
		days := 0 // days of service, when the segment gives them
		// the dates, when DTP02 is D8 or RD8 and DTP03 reads so
		var from, to civil.Date
		format, v := seg.ElementBytes(2), seg.ElementBytes(3)
		span := false
		if bytes.Equal(format, []byte("RD8")) {
			// CCYYMMDD-CCYYMMDD: the hyphen is where Cut would find it
			// unless the first date is bad anyway
			var f, t []byte
			var ok bool
			if len(v) == 17 && v[8] == '-' {
				f, t, ok = v[:8], v[9:], true
			} else {
				f, t, ok = bytes.Cut(v, []byte{'-'})
			}
			f8, fromDay, ok1 := b.fromDate.read(f)
			t8, toDay, ok2 := b.toDate.read(t)
			if ok && ok1 && ok2 && f8 > t8 {
				b.add(m, loop, "DTP03", fmt.Sprintf("date range %s runs backwards: from is after through", v))
			} else if ok && ok1 && ok2 {
				from, to, span = fromDay, toDay, true
				days = int(to-from) + 1
			}
		} else if _, day, ok := b.fromDate.read(v); ok {
			days = 1
			from, to, span = day, day, bytes.Equal(format, []byte("D8"))
		} else if !bytes.Equal(format, []byte("D8")) {
			// read as serviceSpan does: a range, whatever DTP02 says
			from, to, span = serviceSpan(format, v)
		}
		if loop == "2400" && string(seg.ElementBytes(1)) == "472" {
			if span {
				b.serviceDates(m, loop, from, to)
			}
			if days > 0 && b.perDiemUnits > int64(days)*100 {
				b.at(m, b.sv1At, loop, "SV1", "SV104", fmt.Sprintf("%s per diem units are more than the %d day(s) of service in DTP*472 (one unit a day at most, PD-1)",
					money.Amount(b.perDiemUnits).X12(), days))
			}
			b.perDiemUnits = -1
		}
	case "CLM":
		if loop == "2300" {
			b.claimRaw, b.claimID = append(b.claimRaw[:0], seg.ElementBytes(1)...), ""
			if n := len(b.claimRaw); n > claim.MaxIDLength {
				b.add(m, loop, "CLM01", fmt.Sprintf("claim id of %d characters: receivers keep at most %d, and the 835 (CLP01) and 277CA must return it whole", n, claim.MaxIDLength))
			}
			b.clm02, b.clm02ok = parseCents(seg.ElementBytes(2))
			if v := seg.ElementBytes(2); !b.clm02ok && len(v) > 0 {
				b.add(m, loop, "CLM02", fmt.Sprintf("total charge %q is not an amount in dollars and cents", v))
			}
			b.freq = string(component(seg.ElementBytes(5), seg.Delimiters().Component, 3))
		}
	case "REF":
		if loop == "2300" && string(seg.ElementBytes(1)) == "F8" {
			b.hasF8 = true
		}
	case "HI":
		b.hiSegment(m, seg, loop)
	case "LX":
		if loop == "2400" {
			if n, ok := atoi(seg.ElementBytes(1)); !ok || n != b.nextLX {
				b.guide(m, hereOf(m), loop, "LX", 1, seg.ElementBytes(1), fmt.Sprintf("line number %q out of sequence, want %d (LX01 starts at 1 in each claim and goes up by one)", seg.Element(1), b.nextLX))
			}
			b.nextLX++
		}
	case "SV1":
		if loop == "2400" {
			var proc [7][]byte // SV101's components
			splitComponents(seg.ElementBytes(1), seg.Delimiters().Component, proc[:])
			b.sv1(m, seg, loop, &proc)
			b.openLine(m, &proc)
		}
	case "LIN":
		if loop == "2410" && string(seg.ElementBytes(2)) == "N4" {
			if v := seg.ElementBytes(3); len(v) != 11 || !allDigits(v) {
				ndc := string(v)
				msg := fmt.Sprintf("NDC %q must be 11 digits in 5-4-2 form without hyphens", ndc)
				if _, err := ident.NormalizeNDC(ndc); err != nil {
					msg += ": " + err.Error()
				}
				b.add(m, loop, "LIN03", msg)
			}
		}
	}
}

// splitComponents puts the first len(out) components of the composite v in
// out, nil past its last, as component gives them one by one; out is not
// empty. It reads v once.
func splitComponents(v []byte, sep byte, out [][]byte) {
	k, start := 0, 0
	for i := 0; i < len(v); i++ {
		if v[i] == sep {
			out[k], k, start = v[start:i], k+1, i+1
			if k == len(out) {
				return
			}
		}
	}
	out[k] = v[start:]
	clear(out[k+1:])
}

// sv1 checks a service line's charge, units, codes and diagnosis pointers;
// proc is SV101 split into components.
func (b *business) sv1(m *machine, seg *x12.Segment, loop string, proc *[7][]byte) {
	b.lines++
	csep := seg.Delimiters().Component
	amt, ok := parseCents(seg.ElementBytes(2))
	if ok {
		b.sum += amt
	} else {
		b.sumOK = false
		if v := seg.ElementBytes(2); len(v) > 0 {
			b.add(m, loop, "SV102", fmt.Sprintf("line charge %q is not an amount in dollars and cents", v))
		}
	}
	if u := seg.ElementBytes(4); len(u) > 0 && !positive(u) {
		b.add(m, loop, "SV104", fmt.Sprintf("units %q must be greater than zero", u))
	}
	b.perDiemUnits = -1
	if b.perDiem != nil && has(b.perDiem, proc[1]) {
		if u, ok := parseCents(seg.ElementBytes(4)); ok {
			b.perDiemUnits, b.sv1At = u, hereOf(m)
		}
	}
	if code := proc[1]; b.noc != nil && has(b.noc, code) && len(proc[6]) == 0 {
		b.add(m, loop, "SV101-7", fmt.Sprintf("%s is a not-otherwise-classified code: SV101-7 must describe the item", code))
	}
	var ptrs [4][]byte
	splitComponents(seg.ElementBytes(7), csep, ptrs[:])
	for k := 1; k <= 4; k++ {
		p := ptrs[k-1]
		if len(p) == 0 {
			continue
		}
		n, ok := atoi(p)
		if ok && n >= 1 && n <= 12 && n > b.dx {
			b.add(m, loop, elemName("SV1", 7, k), fmt.Sprintf("diagnosis pointer %d points past the %d diagnosis codes in HI", n, b.dx))
		}
	}
}

func (b *business) hiSegment(m *machine, seg *x12.Segment, loop string) {
	if loop != "2300" {
		return
	}
	csep := seg.Delimiters().Component
	for i := 1; i <= seg.Len(); i++ {
		e := seg.ElementBytes(i)
		switch string(component(e, csep, 1)) {
		case "ABK", "ABF":
			b.dx++
		case "BK", "BF":
			b.dx++
			continue
		default:
			continue
		}
		v := component(e, csep, 2)
		if ident.ICD10Shape(v) {
			continue // NormalizeICD10 would return it unchanged
		}
		code := string(v)
		if n, err := ident.NormalizeICD10(code); err != nil {
			b.add(m, loop, elemName("HI", i, 2), err.Error())
		} else if n != code {
			b.add(m, loop, elemName("HI", i, 2), fmt.Sprintf("ICD-10-CM %q must be written as %s (upper case, no decimal point)", code, n))
		}
	}
}

// mayBeBox reports whether an address line has the letters BOX or DRAWER
// in any case, which every line ident.LooksLikePOBox takes for a box has:
// the many lines without them are settled without its allocations.
func mayBeBox(v []byte) bool {
	for i := 0; i+3 <= len(v); i++ {
		if c := v[i] | 0x20; c == 'b' && v[i+1]|0x20 == 'o' && v[i+2]|0x20 == 'x' ||
			c == 'd' && i+6 <= len(v) && bytes.EqualFold(v[i:i+6], []byte("drawer")) {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// hlSegment checks the hierarchy the TR3 gives: HL01 starts at 1 in each
// transaction set and goes up by one; HL02 names an HL that precedes, one
// level up; HL04 says whether children follow. These are implementation
// guide rules on element values: a breach rejects the transaction set
// (IK3 code 8, IK4 code I12), as a missing segment does.
func (b *business) hlSegment(m *machine, seg *x12.Segment, loop string) {
	id := seg.ElementBytes(1)
	b.lastHL++
	n, ok := atoi(id)
	if !ok {
		// what atoi does not read (a sign, ten digits or more) Atoi may
		var err error
		n, err = strconv.Atoi(string(id))
		ok = err == nil
	}
	if !ok || n != b.lastHL {
		b.guide(m, hereOf(m), loop, "HL", 1, id, fmt.Sprintf("HL ID %q out of sequence, want %d (HL01 starts at 1 in each transaction set and goes up by one)", id, b.lastHL))
		if ok {
			b.lastHL = n
		}
	}
	level := -1
	switch string(seg.ElementBytes(3)) {
	case "20":
		level = 0
	case "22":
		level = 1
	case "23":
		level = 2
	}
	if level < 0 {
		return
	}
	for l := level; l < len(b.hl); l++ {
		b.closeHL(m, l)
	}
	if level > 0 {
		p := &b.hl[level-1]
		parent := seg.ElementBytes(2)
		switch {
		case !p.open:
			b.guide(m, hereOf(m), loop, "HL", 2, parent, fmt.Sprintf("parent HL %q not found: no HL one level up precedes this one", parent))
		case !bytes.Equal(parent, p.id):
			b.guide(m, hereOf(m), loop, "HL", 2, parent, fmt.Sprintf("parent HL %q not found; the enclosing HL is %q", parent, p.id))
		default:
			if !p.children && string(p.hl04) == "0" {
				b.guide(m, p.at, p.loop, "HL", 4, p.hl04, fmt.Sprintf("HL %s says it has no children (HL04=0) but HL %s is its child", p.id, id))
			}
			p.children = true
		}
	}
	// field by field: assigning a whole hlEntry would copy it through the
	// write barriers while a collection is marking
	e := &b.hl[level]
	e.open, e.id, e.hl04, e.children, e.at, e.loop = true, append(e.id[:0], id...), append(e.hl04[:0], seg.ElementBytes(4)...), false, hereOf(m), loop
}

func (b *business) closeHL(m *machine, l int) {
	e := &b.hl[l]
	if e.open && string(e.hl04) == "1" && !e.children {
		b.guide(m, e.at, e.loop, "HL", 4, e.hl04, fmt.Sprintf("HL %s says it has children (HL04=1) but none follows", e.id))
	}
	e.open = false
}

// guide reports a breach of an implementation guide rule on the value of
// element e of a segment at h: an element finding with IK403 code I12
// (implementation pattern match failure), which rejects the set.
func (b *business) guide(m *machine, h here, loop, id string, e int, v []byte, msg string) {
	b.elementAt(m, h, loop, id, e, "I12", v, msg)
}

// elementAt reports an element finding with IK403 code about element e of
// the segment at h.
func (b *business) elementAt(m *machine, h here, loop, id string, e int, code string, v []byte, msg string) {
	f := Finding{Level: LevelElement, Segment: h.seg, SetPosition: h.setPos, SegmentID: id, Loop: loop,
		Element: elemName(id, e, 0), Code: code, Message: msg, Offset: h.offset, Line: h.line, Value: string(v)}
	if defs := X222A1().Segments[id]; e <= len(defs) {
		f.ElementRef = defs[e-1].Ref
	}
	m.AddAt(f)
}

// positive reports whether a decimal number is greater than zero, at any
// precision (units may be fractional: 0.001 is positive).
func positive(v []byte) bool {
	if _, ok := numeric(v, true); !ok || v[0] == '-' {
		return false
	}
	for _, d := range v {
		if d >= '1' && d <= '9' {
			return true
		}
	}
	return false
}

// parseCents reads an X12 R value as integer cents (hundredths).
func parseCents(v []byte) (int64, bool) {
	m, ok := money.ParseX12(v)
	return int64(m), ok
}

// atoi reads a small unsigned decimal without allocating.
func atoi(v []byte) (int, bool) {
	if len(v) == 0 || len(v) > 9 {
		return 0, false
	}
	n := 0
	for _, d := range v {
		if d < '0' || d > '9' {
			return 0, false
		}
		n = n*10 + int(d-'0')
	}
	return n, true
}

func allDigits(v []byte) bool {
	for _, c := range v {
		if !isDigit(c) {
			return false
		}
	}
	return len(v) > 0
}
