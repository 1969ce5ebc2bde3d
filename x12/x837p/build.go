package x837p

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/ident"
	"github.com/perdiem/perdiem/money"
)

// Build turns the document's claim block and its coded lines into a Claim.
// It reports every problem it finds at once, as an *episode.Error whose
// paths point into the document (claim.charges.S9500, claim.diagnoses[2],
// drugs[1].description…). Text is upper-cased, as payers expect. A claim
// with more than MaxLines lines is built whole; Split divides it.
func Build(doc *episode.Document, res *claim.Result) (*Claim, error) {
	b := builder{doc: doc, codes: codeset.Default()}
	c := b.build(res)
	if len(b.probs) > 0 {
		return nil, &episode.Error{Problems: b.probs}
	}
	return c, nil
}

type builder struct {
	doc   *episode.Document
	codes *codeset.Set
	probs []episode.Problem
}

func (b *builder) fail(path, format string, args ...any) {
	b.probs = append(b.probs, episode.Problem{Path: path, Message: fmt.Sprintf(format, args...)})
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
		b.fail(path, "%q is %d characters; the 837P allows %d", s, len(s), max)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c > '~' {
			b.fail(path, "%q contains %q; use the X12 basic character set (letters, digits, spaces and punctuation)", s, c)
			break
		}
		if strings.IndexByte(delimiters, c) >= 0 {
			b.fail(path, "%q contains %q, an X12 delimiter", s, c)
			break
		}
	}
	return s
}

// delimiters are the separators Write uses; data may not contain them.
const delimiters = "*:^~"

func (b *builder) build(res *claim.Result) *Claim {
	cb := b.doc.Claim
	if cb == nil {
		b.fail("claim", "required: perdiem claim needs the claim block (who bills whom)")
		return nil
	}
	c := &Claim{
		ID:          b.text("claim.id", cb.ID, MaxClaimID, true),
		Frequency:   cb.Frequency,
		OriginalRef: b.text("claim.original_ref", cb.OriginalRef, 50, false),
		PriorAuth:   b.text("claim.prior_auth", cb.PriorAuth, 50, false),
		Note:        b.text("claim.note", cb.Note, MaxNote, false),
	}
	switch c.Frequency {
	case "":
		c.Frequency = "1"
	case "1":
	case "7", "8":
		if c.OriginalRef == "" {
			b.fail("claim.original_ref", "required with frequency %s: the payer's claim number of the claim being replaced or voided (REF*F8)", c.Frequency)
		}
	default:
		b.fail("claim.frequency", "%q: want 1 (original), 7 (replacement) or 8 (void)", c.Frequency)
	}
	if c.Frequency == "1" && c.OriginalRef != "" {
		b.fail("claim.original_ref", "only for frequency 7 or 8")
	}

	bp := &cb.BillingProvider
	c.Submitter = Submitter{
		Name:    b.text("claim.billing_provider.name", bp.Name, 60, true),
		ID:      b.text("claim.interchange.sender", cb.Interchange.Sender, 15, true),
		Contact: b.contact(bp.Contact),
	}
	c.Receiver = Party{
		Name: b.text("claim.payer.name", cb.Payer.Name, 60, true),
		ID:   b.text("claim.interchange.receiver", cb.Interchange.Receiver, 15, true),
	}
	c.Billing = Billing{
		Name:     c.Submitter.Name,
		NPI:      b.npi("claim.billing_provider.npi", bp.NPI),
		TaxID:    b.taxID("claim.billing_provider.tax_id", bp.TaxID),
		Taxonomy: b.text("claim.billing_provider.taxonomy", bp.Taxonomy, 50, false),
		Address:  b.address("claim.billing_provider.address", &bp.Address),
	}
	if ident.LooksLikePOBox(c.Billing.Address.Line1) || ident.LooksLikePOBox(c.Billing.Address.Line2) {
		b.fail("claim.billing_provider.address", "a post office or lock box; the billing provider needs a street address")
	}
	if !ident.ValidZIP9(c.Billing.Address.Zip) {
		b.fail("claim.billing_provider.address.zip", "%q: the billing provider needs a 9-digit ZIP+4", bp.Address.Zip)
	}
	c.Payer = Party{Name: c.Receiver.Name, ID: b.text("claim.payer.id", cb.Payer.ID, 80, true)}
	b.subscriber(c, cb)
	b.diagnoses(c, cb.Diagnoses)
	if r := cb.Rendering; r != nil && r.NPI != bp.NPI {
		c.Rendering = b.person("claim.rendering", r, true)
	}
	b.lines(c, res)
	return c
}

func (b *builder) contact(ct *episode.Contact) Contact {
	const path = "claim.billing_provider.contact"
	if ct == nil || ct.Phone == "" && ct.Email == "" {
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

func (b *builder) address(path string, a *episode.Address) Address {
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

// filingCodes are the SBR09 claim filing indicator codes of 005010X222A1.
var filingCodes = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true, "16": true, "17": true,
	"AM": true, "BL": true, "CH": true, "CI": true, "DS": true, "FI": true, "HM": true,
	"LM": true, "MA": true, "MB": true, "MC": true, "OF": true, "TV": true, "VA": true,
	"WC": true, "ZZ": true,
}

// relationships maps the document's words (and the codes themselves) to PAT01.
var relationships = map[string]string{
	"spouse": "01", "child": "19", "employee": "20", "unknown": "21",
	"life-partner": "53", "life_partner": "53", "life partner": "53", "other": "G8",
	"01": "01", "19": "19", "20": "20", "21": "21", "53": "53", "G8": "G8",
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

func (b *builder) subscriber(c *Claim, cb *episode.Claim) {
	const path = "claim.subscriber"
	s := &cb.Subscriber
	c.Subscriber = Subscriber{
		Responsibility: "P",
		Group:          b.text(path+".group", s.Group, 50, false),
		Filing:         cb.Payer.Filing,
		MemberID:       b.text(path+".member_id", s.MemberID, 80, true),
		Last:           b.text(path+".last", s.Last, 60, true),
		First:          b.text(path+".first", s.First, 35, false),
		Middle:         b.text(path+".middle", s.Middle, 25, false),
	}
	if c.Subscriber.Filing == "" {
		c.Subscriber.Filing = "CI"
	} else if !filingCodes[c.Subscriber.Filing] {
		b.fail("claim.payer.filing", "%q is not a claim filing indicator code (CI commercial, BL Blue Cross, HM HMO, MB Medicare Part B, MC Medicaid, …)", cb.Payer.Filing)
	}
	if p := cb.Patient; p != nil {
		const pp = "claim.patient"
		rel, ok := relationships[strings.ToLower(p.Relationship)]
		if !ok {
			b.fail(pp+".relationship", "%q: want spouse, child, employee, life-partner, other or unknown", p.Relationship)
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
	if s.Relationship != "" && s.Relationship != "self" && s.Relationship != "18" {
		b.fail(path+".relationship", "%q without a patient block: the subscriber is the patient (\"self\"); put the patient in claim.patient", s.Relationship)
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

func (b *builder) diagnoses(c *Claim, dx []string) {
	switch {
	case len(dx) == 0:
		b.fail("claim.diagnoses", "required: at least the principal diagnosis")
	case len(dx) > MaxDiagnoses:
		b.fail("claim.diagnoses", "%d codes; the 837P carries at most %d", len(dx), MaxDiagnoses)
	}
	for i, d := range dx {
		n, err := ident.NormalizeICD10(d)
		if err != nil {
			b.fail(fmt.Sprintf("claim.diagnoses[%d]", i), "%v", err)
		}
		c.Diagnoses = append(c.Diagnoses, n)
	}
}

func (b *builder) person(path string, p *episode.Person, taxonomy bool) *Provider {
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

func (b *builder) lines(c *Claim, res *claim.Result) {
	if res == nil || len(res.Lines) == 0 {
		b.fail("claim", "the episode coded to no lines: nothing to bill")
		return
	}
	cb := b.doc.Claim
	var ordering *Provider
	if cb.Ordering != nil {
		ordering = b.person("claim.ordering", cb.Ordering, false)
	}
	c.POS = claimPOS(res.Lines)
	missing := map[string]bool{}
	for i := range res.Lines {
		l := &res.Lines[i]
		path := fmt.Sprintf("lines[%d]", i)
		out := Line{
			Code:       l.Code,
			Modifiers:  l.Modifiers,
			Units:      l.Units,
			POS:        l.POS,
			From:       l.From,
			To:         l.To,
			ControlNum: c.ID + "-" + strconv.Itoa(i+1),
		}
		if out.POS == "" {
			out.POS = c.POS
		}
		if l.Units <= 0 {
			b.fail(path+".units", "%v: a billed line needs positive units", l.Units)
		}
		if l.To < l.From {
			b.fail(path, "service ends %s before it starts %s", l.To, l.From)
		}
		per, ok := cb.Charges[l.Code]
		switch {
		case !ok && !missing[l.Code]:
			missing[l.Code] = true
			b.fail("claim.charges."+l.Code, "no charge for %s (billed on %s, %s…%s); charges are per unit", l.Code, path, l.From, l.To)
		case ok && per < 0:
			b.fail("claim.charges."+l.Code, "%s: charges cannot be negative", per)
		case ok:
			charge, err := money.Mul(per, l.Units)
			if err != nil {
				b.fail("claim.charges."+l.Code, "%s: %v", path, err)
			}
			out.Charge = charge
		}
		if code, ok := b.codes.Lookup(l.Code); ok && code.NOC {
			dp := b.descriptionPath(l, path)
			if strings.TrimSpace(l.Description) == "" {
				b.fail(dp, "%s is a not-otherwise-classified code: the 837P needs a description of what was given (SV101-7)", l.Code)
			}
			out.Description = b.text(dp, l.Description, MaxLineDesc, false)
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
	total, err := c.LineTotal()
	if err != nil {
		b.fail("claim.charges", "the claim total (CLM02): %v", err)
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

// descriptionPath points a missing NOC description at the document field
// it comes from: the drug entry billed on the line, or the therapy.
func (b *builder) descriptionPath(l *claim.Line, fallback string) string {
	for i, d := range b.doc.Drugs {
		if d.HCPCS == l.Code && d.From == l.From && d.To == l.To {
			return fmt.Sprintf("drugs[%d].description", i)
		}
	}
	for i, t := range b.doc.Therapies {
		if l.Therapy != "" && t.ID == l.Therapy {
			return fmt.Sprintf("therapies[%d].description", i)
		}
	}
	return fallback + ".description"
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
