package episode

import (
	"slices"
	"strings"
	"time"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/ident"
)

// The claim block's vocabularies are the claim's (package claim), defined
// once for the document, the 837P writer and the tests.
var (
	relationships    = claim.RelationshipWords()
	claimFrequencies = claim.Frequencies
	filingCodes      = claim.FilingCodes
)

var sexes = []string{"F", "M", "U"}

// ValidateClaim checks the claim block that perdiem claim needs and perdiem
// code ignores: who bills, who is insured, who pays, the diagnoses and the
// envelope. Charges are the claim writer's to check against the coded lines.
func (d *Document) ValidateClaim() []Problem {
	var c checker
	cl := d.Claim
	if cl == nil {
		c.add("claim", "missing: want the claim block (billing provider, subscriber, payer, diagnoses, interchange)")
		return c.probs
	}
	required(&c, "claim.id", cl.ID, "the claim id (CLM01)")
	if len(cl.ID) > claim.MaxIDLength {
		c.add("claim.id", "%d characters: want at most %d (CLM01 as the 837P guide limits it)", len(cl.ID), claim.MaxIDLength)
	}
	c.enum(under("claim"), "frequency", cl.Frequency, claimFrequencies)
	if (cl.Frequency == "7" || cl.Frequency == "8") && cl.OriginalRef == "" {
		c.add("claim.original_ref", "missing: frequency %s replaces or voids a claim, so want the payer's claim number of the original", cl.Frequency)
	}

	bp := &cl.BillingProvider
	required(&c, "claim.billing_provider.name", bp.Name, "the billing provider's name")
	npi(&c, "claim.billing_provider.npi", bp.NPI)
	if len(bp.TaxID) != 9 || !digits(bp.TaxID) {
		c.add("claim.billing_provider.tax_id", "%q: want the 9-digit EIN or SSN without hyphens", bp.TaxID)
	}
	taxonomy(&c, "claim.billing_provider.taxonomy", bp.Taxonomy)
	address(&c, "claim.billing_provider.address", &bp.Address, true)

	s := &cl.Subscriber
	required(&c, "claim.subscriber.member_id", s.MemberID, "the member id")
	required(&c, "claim.subscriber.last", s.Last, "the subscriber's last name")
	required(&c, "claim.subscriber.first", s.First, "the subscriber's first name")
	if s.DOB != nil {
		d.birthDate(&c, "claim.subscriber.dob", *s.DOB)
	}
	c.enum(under("claim.subscriber"), "sex", s.Sex, sexes)
	c.enum(under("claim.subscriber"), "relationship", s.Relationship, relationships)
	if s.Address != nil {
		address(&c, "claim.subscriber.address", s.Address, false)
	}
	self := s.Relationship == "" || s.Relationship == "self"
	switch p := cl.Patient; {
	case p == nil && !self:
		c.add("claim.patient", "missing: the subscriber's relationship is %q, so want the patient", s.Relationship)
	case p != nil && self:
		c.add("claim.patient", "given, but the patient is the subscriber (relationship self): leave it null")
	case p != nil:
		required(&c, "claim.patient.last", p.Last, "the patient's last name")
		required(&c, "claim.patient.first", p.First, "the patient's first name")
		if p.DOB == 0 {
			c.add("claim.patient.dob", wantDate)
		} else {
			d.birthDate(&c, "claim.patient.dob", p.DOB)
		}
		if p.Sex == "" {
			c.add("claim.patient.sex", "missing: want one of %s", strings.Join(sexes, ", "))
		}
		c.enum(under("claim.patient"), "sex", p.Sex, sexes)
		switch {
		case p.Relationship == "":
			c.add("claim.patient.relationship", "missing: want the patient's relationship to the subscriber")
		case p.Relationship == "self":
			c.add("claim.patient.relationship", "\"self\": a patient apart from the subscriber is not self")
		default:
			c.enum(under("claim.patient"), "relationship", p.Relationship, relationships)
		}
		address(&c, "claim.patient.address", &p.Address, false)
	}

	required(&c, "claim.payer.name", cl.Payer.Name, "the payer's name")
	required(&c, "claim.payer.id", cl.Payer.ID, "the payer id")
	c.enum(under("claim.payer"), "filing", cl.Payer.Filing, filingCodes)

	switch n := len(cl.Diagnoses); {
	case n == 0:
		c.add("claim.diagnoses", "missing: want 1 to 12 ICD-10-CM codes")
	case n > 12:
		c.add("claim.diagnoses", "%d codes: a claim carries at most 12", n)
	}
	seen := make([]string, 0, len(cl.Diagnoses))
	for i, dx := range cl.Diagnoses {
		code, err := ident.NormalizeICD10(dx)
		switch {
		case err != nil:
			c.add(indexPath("claim.diagnoses", i), "%s", err)
		case slices.Contains(seen, code):
			c.add(indexPath("claim.diagnoses", i), "%q is listed twice", dx)
		}
		seen = append(seen, code)
	}

	person(&c, "claim.rendering", cl.Rendering)
	person(&c, "claim.ordering", cl.Ordering)

	ic := &cl.Interchange
	envelopeID(&c, "claim.interchange.sender", ic.Sender)
	envelopeID(&c, "claim.interchange.receiver", ic.Receiver)
	if ic.Usage != "" && ic.Usage != "T" && ic.Usage != "P" {
		c.add("claim.interchange.usage", "%q: want T (test) or P (production)", ic.Usage)
	}
	sortByPath(c.probs)
	return c.probs
}

// earliestBirth is the earliest date of birth a claim may carry: older
// dates are typing errors (1090 for 1990), not patients.
var earliestBirth = civil.FromYMD(1900, 1, 1)

// today is the calendar day on this machine; tests may fix it.
var today = func() civil.Date {
	y, m, d := time.Now().Date()
	return civil.FromYMD(y, int(m), d)
}

// birthDate checks a date of birth: from 1900 on, not in the future and not
// after the first day of service.
func (d *Document) birthDate(c *checker, path string, dob civil.Date) {
	first := d.firstService()
	switch {
	case dob < earliestBirth:
		c.add(path, "%s is before %s: want the date of birth (a year typed wrong?)", dob, earliestBirth)
	case dob > today():
		c.add(path, "%s is in the future: want the date of birth", dob)
	case first != 0 && dob > first:
		c.add(path, "%s is after the first day of service %s: want the date of birth", dob, first)
	}
}

// firstService is the earliest day the document bills for, or 0.
func (d *Document) firstService() civil.Date {
	var first civil.Date
	see := func(day civil.Date) {
		if day != 0 && (first == 0 || day < first) {
			first = day
		}
	}
	for _, t := range d.Therapies {
		see(t.Start)
	}
	for _, v := range d.Visits {
		see(v.Date)
	}
	for _, x := range d.Drugs {
		see(x.From)
	}
	for _, x := range d.Supplies {
		see(x.Date)
	}
	return first
}

func required(c *checker, path, v, what string) {
	if strings.TrimSpace(v) == "" {
		c.add(path, "missing: want %s", what)
	}
}

func npi(c *checker, path, v string) {
	switch {
	case v == "":
		c.add(path, "missing: want a 10-digit NPI")
	case !ident.ValidNPI(v):
		c.add(path, "%q: want a 10-digit NPI that passes the check-digit test", v)
	}
}

func taxonomy(c *checker, path, v string) {
	if v == "" {
		return
	}
	ok := len(v) == 10
	for i := 0; ok && i < len(v); i++ {
		b := v[i]
		ok = b >= '0' && b <= '9' || b >= 'A' && b <= 'Z'
	}
	if !ok {
		c.add(path, "%q: want a 10-character provider taxonomy code such as 3336H0001X", v)
	}
}

func person(c *checker, path string, p *Person) {
	if p == nil {
		return
	}
	npi(c, path+".npi", p.NPI)
	required(c, path+".last", p.Last, "the last name")
	taxonomy(c, path+".taxonomy", p.Taxonomy)
}

// address checks a postal address; a billing provider's needs ZIP+4 and a
// street, not a box (X12 2010AA N3/N4).
func address(c *checker, path string, a *Address, billing bool) {
	required(c, path+".line1", a.Line1, "the street address")
	if billing && ident.LooksLikePOBox(a.Line1) {
		c.add(path+".line1", "%q: a billing provider address must be a street address, not a post office or lock box", a.Line1)
	}
	required(c, path+".city", a.City, "the city")
	if len(a.State) != 2 || !upper(a.State) {
		c.add(path+".state", "%q: want a 2-letter state code", a.State)
	}
	switch {
	case billing && !ident.ValidZIP9(a.Zip):
		c.add(path+".zip", "%q: want the 9-digit ZIP+4 without a hyphen", a.Zip)
	case !billing && (len(a.Zip) != 5 && len(a.Zip) != 9 || !digits(a.Zip)):
		c.add(path+".zip", "%q: want a 5- or 9-digit ZIP code without a hyphen", a.Zip)
	}
}

func envelopeID(c *checker, path, v string) {
	switch {
	case strings.TrimSpace(v) == "":
		c.add(path, "missing: want the interchange id (up to 15 characters)")
	case len(v) > 15:
		c.add(path, "%q is %d characters: want at most 15", v, len(v))
	}
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func upper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// under spells the paths of the fields of the object at prefix.
func under(prefix string) pathFunc {
	return func(field string) string { return prefix + "." + field }
}
