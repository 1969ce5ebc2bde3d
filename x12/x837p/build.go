package x837p

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/ident"
	"github.com/perdiem/perdiem/money"
)

// Options are what Build needs besides the claim.
type Options struct {
	// Codes is the code set that says which codes are not otherwise
	// classified and so carry a description in SV101-7. Required: Build
	// never reaches for a default, so one process can write claims against
	// several code set versions.
	Codes *codeset.Set
}

// Build turns a claim into its 837P form. It reports every problem it
// finds at once, as an *errs.Error (code errs.Invalid) whose paths point
// into the claim (billing_provider.npi, diagnoses[2], lines[3].ndc_unit…);
// coding.InDocument turns them into paths of the episode document. Text is
// upper-cased, as payers expect. A claim with more than MaxLines lines is
// built whole; Split divides it.
func Build(c *claim.Claim, opt Options) (*Claim, error) {
	if opt.Codes == nil {
		return nil, errs.Errorf(errs.Internal, "x837p.Build: Options.Codes is nil")
	}
	b := builder{cl: c, codes: opt.Codes}
	out := b.build()
	if len(b.probs) > 0 {
		return nil, errs.Invalids(b.probs)
	}
	return out, nil
}

type builder struct {
	cl    *claim.Claim
	codes *codeset.Set
	probs []errs.Problem
}

func (b *builder) fail(path, format string, args ...any) {
	b.probs = append(b.probs, errs.Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// text upper-cases s and checks it can travel in an element: printable
// ASCII without any of the delimiters, and at most max characters (0: no
// limit). Required text must not be empty.
func (b *builder) text(path, s string, max int, required bool) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	switch {
	case s == "" && required:
		b.fail(path, "required")
	case max > 0 && len(s) > max:
		b.fail(path, "%d characters; the 837P allows %d", len(s), max)
	}
	// Ranging over the string reads characters, not bytes, so the message
	// names É as É (a byte of it would print as Ã).
	for _, c := range s {
		if c < ' ' || c > '~' {
			b.fail(path, "%q contains %q; use the X12 basic character set (letters, digits, spaces and punctuation)", s, c)
			break
		}
		if strings.ContainsRune(delimiters, c) {
			b.fail(path, "%q contains %q, an X12 delimiter", s, c)
			break
		}
	}
	return s
}

// delimiters are the separators Write uses; data may not contain them.
const delimiters = "*:^~"

func (b *builder) build() *Claim {
	cl := b.cl
	c := &Claim{
		ID:          b.text("id", cl.ID, MaxClaimID, true),
		Frequency:   cl.Frequency,
		OriginalRef: b.text("original_ref", cl.OriginalRef, 50, false),
		PriorAuth:   b.text("prior_auth", cl.PriorAuth, 50, false),
		Note:        b.text("note", cl.Note, MaxNote, false),
	}
	switch c.Frequency {
	case "":
		c.Frequency = "1"
	case "1":
	case "7", "8":
		if c.OriginalRef == "" {
			b.fail("original_ref", "required with frequency %s: the payer's claim number of the claim being replaced or voided (REF*F8)", c.Frequency)
		}
	default:
		b.fail("frequency", "%q: want 1 (original), 7 (replacement) or 8 (void)", c.Frequency)
	}
	if c.Frequency == "1" && c.OriginalRef != "" {
		b.fail("original_ref", "only for frequency 7 or 8")
	}

	bp := &cl.BillingProvider
	c.Submitter = Submitter{
		Name:    b.text("submitter.name", cl.Submitter.Name, 60, true),
		ID:      b.text("submitter.id", cl.Submitter.ID, 15, true),
		Contact: b.contact(&cl.Submitter.Contact),
	}
	c.Receiver = Party{
		Name: b.text("receiver.name", cl.Receiver.Name, 60, true),
		ID:   b.text("receiver.id", cl.Receiver.ID, 15, true),
	}
	c.Billing = Billing{
		Name:     b.text("billing_provider.name", bp.Name, 60, true),
		NPI:      b.npi("billing_provider.npi", bp.NPI),
		TaxID:    b.taxID("billing_provider.tax_id", bp.TaxID),
		Taxonomy: b.text("billing_provider.taxonomy", bp.Taxonomy, 50, false),
		Address:  b.address("billing_provider.address", &bp.Address),
	}
	if ident.LooksLikePOBox(c.Billing.Address.Line1) || ident.LooksLikePOBox(c.Billing.Address.Line2) {
		b.fail("billing_provider.address", "a post office or lock box; the billing provider needs a street address")
	}
	if !ident.ValidZIP9(c.Billing.Address.Zip) {
		b.fail("billing_provider.address.zip", "%q: the billing provider needs a 9-digit ZIP+4", bp.Address.Zip)
	}
	c.Payer = Party{
		Name: b.text("payer.name", cl.Payer.Name, 60, true),
		ID:   b.text("payer.id", cl.Payer.ID, 80, true),
	}
	b.subscriber(c)
	b.diagnoses(c, cl.Diagnoses)
	if r := cl.Rendering; r != nil && r.NPI != bp.NPI {
		c.Rendering = b.person("rendering", r, true)
	}
	b.lines(c)
	return c
}

func (b *builder) contact(ct *claim.Contact) Contact {
	const path = "submitter.contact"
	if ct.Phone == "" && ct.Email == "" {
		b.fail(path, "required: a phone or email for the submitter contact (1000A PER)")
		return Contact{}
	}
	out := Contact{
		Name:  b.text(path+".name", ct.Name, 60, false),
		Email: b.text(path+".email", ct.Email, 256, false),
	}
	if ct.Phone != "" {
		out.Phone = strings.Map(func(r rune) rune {
			if strings.ContainsRune(" -().+", r) {
				return -1
			}
			return r
		}, ct.Phone)
		if len(out.Phone) < 10 || strings.Trim(out.Phone, "0123456789") != "" {
			b.fail(path+".phone", "%q: want the area code and number, digits only", ct.Phone)
		}
	}
	return out
}

func (b *builder) npi(path, s string) string {
	if !ident.ValidNPI(s) {
		b.fail(path, "%q is not an NPI (10 digits with a valid check digit)", s)
	}
	return s
}

func (b *builder) taxID(path, s string) string {
	t := strings.ReplaceAll(s, "-", "")
	if len(t) != 9 || strings.Trim(t, "0123456789") != "" {
		b.fail(path, "%q: want a 9-digit EIN", s)
	}
	return t
}

func (b *builder) address(path string, a *claim.Address) Address {
	out := Address{
		Line1: b.text(path+".line1", a.Line1, 55, true),
		Line2: b.text(path+".line2", a.Line2, 55, false),
		City:  b.text(path+".city", a.City, 30, true),
		State: b.text(path+".state", a.State, 2, true),
		Zip:   strings.ReplaceAll(a.Zip, "-", ""),
	}
	if n := len(out.Zip); (n != 5 && n != 9) || strings.Trim(out.Zip, "0123456789") != "" {
		b.fail(path+".zip", "%q: want a 5- or 9-digit ZIP code", a.Zip)
	}
	return out
}

func sex(s string) (string, bool) {
	switch strings.ToUpper(s) {
	case "F", "FEMALE":
		return "F", true
	case "M", "MALE":
		return "M", true
	case "U", "UNKNOWN":
		return "U", true
	}
	return "", false
}

func (b *builder) subscriber(c *Claim) {
	const path = "subscriber"
	cl := b.cl
	s := &cl.Subscriber
	c.Subscriber = Subscriber{
		Responsibility: "P",
		Group:          b.text(path+".group", s.Group, 50, false),
		Filing:         cl.Payer.Filing,
		MemberID:       b.text(path+".member_id", s.MemberID, 80, true),
		Last:           b.text(path+".last", s.Last, 60, true),
		First:          b.text(path+".first", s.First, 35, false),
		Middle:         b.text(path+".middle", s.Middle, 25, false),
	}
	if c.Subscriber.Filing == "" {
		c.Subscriber.Filing = claim.DefaultFiling
	} else if !slices.Contains(claim.FilingCodes, c.Subscriber.Filing) {
		b.fail("payer.filing", "%q is not a claim filing indicator code (CI commercial, BL Blue Cross, HM HMO, MB Medicare Part B, MC Medicaid, …)", cl.Payer.Filing)
	}
	if p := cl.Patient; p != nil {
		const pp = "patient"
		rel, ok := claim.RelationshipCode(p.Relationship)
		if !ok || rel == selfCode {
			b.fail(pp+".relationship", "%q: want one of %s (not self: a patient apart from the subscriber)", p.Relationship, strings.Join(claim.RelationshipWords(), ", "))
		}
		sx, ok := sex(p.Sex)
		if !ok {
			b.fail(pp+".sex", "%q: want F, M or U", p.Sex)
		}
		c.Patient = &Patient{
			Relationship: rel,
			Last:         b.text(pp+".last", p.Last, 60, true),
			First:        b.text(pp+".first", p.First, 35, false),
			Middle:       b.text(pp+".middle", p.Middle, 25, false),
			DOB:          p.DOB,
			Sex:          sx,
			Address:      b.address(pp+".address", &p.Address),
		}
		return
	}
	// The subscriber is the patient: 2010BA carries the address and DMG.
	if code, _ := claim.RelationshipCode(s.Relationship); s.Relationship != "" && code != selfCode {
		b.fail(path+".relationship", "%q without a patient: the subscriber is the patient (\"self\"), or the patient is given apart", s.Relationship)
	}
	if s.Address == nil {
		b.fail(path+".address", "required when the subscriber is the patient")
	} else {
		a := b.address(path+".address", s.Address)
		c.Subscriber.Address = &a
	}
	if s.DOB == nil {
		b.fail(path+".dob", "required when the subscriber is the patient")
	} else {
		d := *s.DOB
		c.Subscriber.DOB = &d
	}
	sx, ok := sex(s.Sex)
	if !ok {
		b.fail(path+".sex", "%q: want F, M or U (required when the subscriber is the patient)", s.Sex)
	}
	c.Subscriber.Sex = sx
}

// selfCode is the relationship code of a subscriber who is the patient
// (SBR02); a patient apart from the subscriber has another (PAT01).
var selfCode, _ = claim.RelationshipCode("self")

func (b *builder) diagnoses(c *Claim, dx []string) {
	switch {
	case len(dx) == 0:
		b.fail("diagnoses", "required: at least the principal diagnosis")
	case len(dx) > MaxDiagnoses:
		b.fail("diagnoses", "%d codes; the 837P carries at most %d", len(dx), MaxDiagnoses)
	}
	for i, d := range dx {
		n, err := ident.NormalizeICD10(d)
		if err != nil {
			b.fail(fmt.Sprintf("diagnoses[%d]", i), "%v", err)
		}
		c.Diagnoses = append(c.Diagnoses, n)
	}
}

func (b *builder) person(path string, p *claim.Person, taxonomy bool) *Provider {
	out := &Provider{
		Last:  b.text(path+".last", p.Last, 60, true),
		First: b.text(path+".first", p.First, 35, false),
		NPI:   b.npi(path+".npi", p.NPI),
	}
	if taxonomy {
		out.Taxonomy = b.text(path+".taxonomy", p.Taxonomy, 50, false)
	}
	return out
}

// ndcUnits maps the unit words the engine and documents use to CTP05-1.
var ndcUnits = map[string]string{
	"F2": "F2", "IU": "F2", "GR": "GR", "G": "GR", "ME": "ME", "MG": "ME",
	"ML": "ML", "UN": "UN", "EA": "UN", "EACH": "UN", "UNIT": "UN", "UNITS": "UN",
}

func (b *builder) lines(c *Claim) {
	cl := b.cl
	if len(cl.Lines) == 0 {
		b.fail("lines", "no lines: nothing to bill")
		return
	}
	var ordering *Provider
	if cl.Ordering != nil {
		ordering = b.person("ordering", cl.Ordering, false)
	}
	c.POS = claimPOS(cl.Lines)
	ids := make(map[string]bool, len(cl.Lines))
	charges := make([]money.Amount, len(cl.Lines))
	for i := range cl.Lines {
		l := &cl.Lines[i]
		path := "lines[" + strconv.Itoa(i) + "]"
		out := Line{
			Code:       l.Code,
			Modifiers:  l.Modifiers,
			Units:      l.Units,
			POS:        l.POS,
			From:       l.From,
			To:         l.To,
			Charge:     l.Charge,
			ControlNum: b.text(path+".id", l.ID, MaxLineCtlNum, true),
		}
		if ids[out.ControlNum] && out.ControlNum != "" {
			b.fail(path+".id", "%q is the id of an earlier line; each line needs its own (REF*6R)", l.ID)
		}
		ids[out.ControlNum] = true
		if out.POS == "" {
			out.POS = c.POS
		}
		if l.Units <= 0 {
			b.fail(path+".units", "%v: a billed line needs positive units", l.Units)
		}
		if l.To < l.From {
			b.fail(path, "service ends %s before it starts %s", l.To, l.From)
		}
		switch {
		case l.Charge < 0:
			b.fail(path+".charge", "%s: charges cannot be negative", l.Charge)
		case l.Charge > money.Max:
			b.fail(path+".charge", "%s: %v", l.Charge, money.ErrOverflow)
		}
		charges[i] = l.Charge
		if code, ok := b.codes.Lookup(l.Code); ok && code.NOC {
			if strings.TrimSpace(l.Description) == "" {
				b.fail(path+".description", "%s is a not-otherwise-classified code: the 837P needs a description of what was given (SV101-7)", l.Code)
			}
			out.Description = b.text(path+".description", l.Description, MaxLineDesc, false)
		}
		if l.Kind == claim.Drug && l.NDC != "" {
			out.Drug = b.drug(path, l)
		}
		if l.Kind == claim.Drug && ordering != nil {
			out.Ordering = ordering
		}
		out.Pointers = pointers(l.Kind, len(c.Diagnoses))
		c.Lines = append(c.Lines, out)
	}
	total, err := money.Sum(charges...)
	switch {
	case err != nil:
		b.fail("total", "the sum of the line charges: %v", err)
	case total != cl.Total:
		b.fail("total", "%s, but the line charges add up to %s", cl.Total, total)
	}
	c.Total = total
}

func (b *builder) drug(path string, l *claim.Line) *Drug {
	d := &Drug{NDC: l.NDC, Quantity: l.NDCQuantity}
	if len(l.NDC) != 11 || strings.Trim(l.NDC, "0123456789") != "" {
		b.fail(path+".ndc", "%q: want 11 digits (5-4-2)", l.NDC)
	}
	if l.NDCQuantity <= 0 {
		b.fail(path+".ndc_quantity", "%v: want the quantity dispensed (CTP04)", l.NDCQuantity)
	}
	u, ok := ndcUnits[strings.ToUpper(l.NDCUnit)]
	if !ok {
		b.fail(path+".ndc_unit", "%q: want UN, ML, GR, ME or F2", l.NDCUnit)
	}
	d.Unit = u
	return d
}

// claimPOS is CLM05-1: the place of service the per diem lines share, or
// the most common one (earliest first on a tie) when they differ or when
// there is no per diem line.
func claimPOS(lines []claim.Line) string {
	pick := func(perDiemOnly bool) string {
		count := map[string]int{}
		best := ""
		for _, l := range lines {
			if (perDiemOnly && l.Kind != claim.PerDiem) || l.POS == "" {
				continue
			}
			count[l.POS]++
			if best == "" || count[l.POS] > count[best] {
				best = l.POS
			}
		}
		return best
	}
	if p := pick(true); p != "" {
		return p
	}
	if p := pick(false); p != "" {
		return p
	}
	return "12"
}

// pointers are SV107. A per diem pays for the whole therapy, so it points at
// every diagnosis (up to four); drug, nursing and supply lines point at the
// principal diagnosis, the condition the therapy treats.
func pointers(k claim.Kind, ndx int) []int {
	n := 1
	if k == claim.PerDiem {
		n = min(ndx, MaxPointers)
	}
	p := make([]int, max(n, 1))
	for i := range p {
		p[i] = i + 1
	}
	return p
}

// Split divides a claim with more than MaxLines lines into claims of at most
// MaxLines lines each, numbered <id>-1, <id>-2, … (each with its own
// total). Line control numbers are kept, so they stay unique. A claim within
// the limit comes back as is.
func Split(c *Claim) ([]*Claim, error) {
	if len(c.Lines) <= MaxLines {
		return []*Claim{c}, nil
	}
	n := (len(c.Lines) + MaxLines - 1) / MaxLines
	if id := c.ID + "-" + strconv.Itoa(n); len(id) > MaxClaimID {
		return nil, fmt.Errorf("claim %s has %d lines and must be split into %d claims, but %q is longer than %d characters (CLM01)", c.ID, len(c.Lines), n, id, MaxClaimID)
	}
	out := make([]*Claim, 0, n)
	for k := range n {
		part := *c
		part.ID = c.ID + "-" + strconv.Itoa(k+1)
		part.Lines = c.Lines[k*MaxLines : min((k+1)*MaxLines, len(c.Lines))]
		part.Total, _ = part.LineTotal() // a part of a claim whose total fits
		out = append(out, &part)
	}
	return out, nil
}
