package coding

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/money"
)

// Claim makes the claim of a coded document: the document's claim block as
// the header, and the coded lines, each with its line id (<claim id>-<n>,
// n from 1 in line order) and its charge (units × the charge per unit in
// claim.charges, exact, rounded half up to the cent). Each line adds to its
// reasons the claim it is on (LN-4) and how its charge was made (LN-5). A code without a
// charge, a negative charge, or a charge or total beyond what an X12
// amount carries is a problem at claim.charges.CODE; problems come back
// together as *episode.Error and no claim is made. The claim block is
// expected to have passed episode.Document.ValidateClaim.
func Claim(doc *episode.Document, res *claim.Result) (*claim.Claim, error) {
	cb := doc.Claim
	if cb == nil {
		return nil, &episode.Error{Problems: []episode.Problem{{Path: "claim", Message: "required: a claim needs the claim block (who bills whom)"}}}
	}
	var probs []episode.Problem
	fail := func(path, format string, args ...any) {
		probs = append(probs, episode.Problem{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	c := &claim.Claim{
		ID:          cb.ID,
		Frequency:   cb.Frequency,
		OriginalRef: cb.OriginalRef,
		Submitter: claim.Submitter{
			Name: cb.BillingProvider.Name,
			ID:   cb.Interchange.Sender,
		},
		Receiver: claim.Party{Name: cb.Payer.Name, ID: cb.Interchange.Receiver},
		BillingProvider: claim.Provider{
			Name:     cb.BillingProvider.Name,
			NPI:      cb.BillingProvider.NPI,
			TaxID:    cb.BillingProvider.TaxID,
			Taxonomy: cb.BillingProvider.Taxonomy,
			Address:  claim.Address(cb.BillingProvider.Address),
		},
		Subscriber: claim.Subscriber{
			MemberID:     cb.Subscriber.MemberID,
			Last:         cb.Subscriber.Last,
			First:        cb.Subscriber.First,
			Middle:       cb.Subscriber.Middle,
			Sex:          cb.Subscriber.Sex,
			Group:        cb.Subscriber.Group,
			Relationship: cb.Subscriber.Relationship,
		},
		Payer:     claim.Payer(cb.Payer),
		Diagnoses: slices.Clone(cb.Diagnoses),
		PriorAuth: cb.PriorAuth,
		Note:      cb.Note,
		Rendering: person(cb.Rendering),
		Ordering:  person(cb.Ordering),
	}
	if c.Frequency == "" {
		c.Frequency = "1"
	}
	if ct := cb.BillingProvider.Contact; ct != nil {
		c.Submitter.Contact = claim.Contact(*ct)
	}
	if d := cb.Subscriber.DOB; d != nil {
		dob := *d
		c.Subscriber.DOB = &dob
	}
	if a := cb.Subscriber.Address; a != nil {
		sa := claim.Address(*a)
		c.Subscriber.Address = &sa
	}
	if p := cb.Patient; p != nil {
		c.Patient = &claim.Patient{Last: p.Last, First: p.First, Middle: p.Middle, DOB: p.DOB, Sex: p.Sex,
			Relationship: p.Relationship, Address: claim.Address(p.Address)}
	}
	if res == nil {
		res = &claim.Result{}
	}
	c.Profile, c.Period, c.Warnings = res.Profile, res.Period, res.Warnings
	c.Lines = make([]claim.Line, len(res.Lines))
	missing := map[string]bool{} // codes whose charge is already a problem
	charges := make([]money.Amount, 0, len(res.Lines))
	onClaim := claim.Reason{Rule: "LN-4", Text: "on claim " + cb.ID + " with every line of the patient, payer and billing period " + res.Period.From.String() + ".." + res.Period.To.String()}
	for i := range res.Lines {
		l := res.Lines[i]
		l.ID = lineID(cb.ID, i)
		// The coded result keeps its reasons: the claim's go on a copy.
		l.Why = append(slices.Clip(l.Why), onClaim)
		path := "lines[" + strconv.Itoa(i) + "]"
		per, ok := cb.Charges[l.Code]
		switch {
		case !ok:
			if !missing[l.Code] {
				missing[l.Code] = true
				fail("claim.charges."+l.Code, "no charge for %s (billed on %s, %s…%s); charges are per unit", l.Code, path, l.From, l.To)
			}
		case per < 0:
			if !missing[l.Code] { // once per code, as for a missing charge
				missing[l.Code] = true
				fail("claim.charges."+l.Code, "%s: charges cannot be negative", per)
			}
		default:
			charge, err := money.Mul(per, l.Units)
			if err != nil {
				fail("claim.charges."+l.Code, "%s: %v", path, err)
			}
			l.Charge = charge
			charges = append(charges, charge)
			l.Why = append(l.Why, claim.Reason{Rule: "LN-5", Text: formatNumber(l.Units) + " unit(s) × " + per.String() + " (claim.charges." + l.Code + ") = " + charge.String()})
		}
		c.Lines[i] = l
	}
	total, err := money.Sum(charges...)
	if err != nil {
		fail("claim.charges", "the claim total: %v", err)
	}
	c.Total = total
	if len(probs) > 0 {
		return nil, &episode.Error{Problems: probs}
	}
	return c, nil
}

// person copies a provider, so the claim shares nothing with the document.
func person(p *episode.Person) *claim.Person {
	if p == nil {
		return nil
	}
	c := claim.Person(*p)
	return &c
}

// lineID is the line item control number of the i-th line of a claim.
func lineID(claimID string, i int) string { return claimID + "-" + strconv.Itoa(i+1) }

// InDocument rewrites the problems of an error about a claim made by Claim
// (their paths are paths into the claim, as x12/x837p reports them) into
// an *episode.Error whose paths point into the document the claim came
// from: billing_provider.npi is claim.billing_provider.npi, submitter.id is
// claim.interchange.sender, a line's charge is its code's entry in
// claim.charges, a line's description the drug or therapy that gave it.
// Paths of the coded lines otherwise stay lines[i], as perdiem code prints
// them. An error without problems comes back as it is.
func InDocument(doc *episode.Document, c *claim.Claim, err error) error {
	probs := errs.ProblemsOf(err)
	if len(probs) == 0 {
		return err
	}
	out := make([]episode.Problem, 0, len(probs))
	seen := map[episode.Problem]bool{}
	for _, p := range probs {
		q := episode.Problem{Path: documentPath(doc, c, p.Path), Message: p.Message}
		if !seen[q] { // the submitter's name is the billing provider's: one problem
			seen[q] = true
			out = append(out, q)
		}
	}
	return &episode.Error{Problems: out}
}

// documentPath maps a path into a claim made by Claim to the document.
func documentPath(doc *episode.Document, c *claim.Claim, path string) string {
	field, rest := path, ""
	if i := strings.IndexAny(path, ".["); i >= 0 {
		field, rest = path[:i], path[i:]
	}
	switch field {
	case "":
		return "claim"
	case "submitter":
		switch {
		case rest == ".name":
			return "claim.billing_provider.name"
		case rest == ".id":
			return "claim.interchange.sender"
		case strings.HasPrefix(rest, ".contact"):
			return "claim.billing_provider" + rest
		}
		return "claim.billing_provider"
	case "receiver":
		if rest == ".id" {
			return "claim.interchange.receiver"
		}
		return "claim.payer.name"
	case "total":
		return "claim.charges"
	case "lines":
		return linePath(doc, c, rest)
	}
	return "claim." + path
}

// linePath maps "[i].field" of the claim's lines to the document.
func linePath(doc *episode.Document, c *claim.Claim, rest string) string {
	end := strings.IndexByte(rest, ']')
	i, err := strconv.Atoi(rest[min(1, len(rest)):max(end, 0)])
	if end < 0 || err != nil || i < 0 || i >= len(c.Lines) {
		return "claim"
	}
	l := &c.Lines[i]
	switch rest[end+1:] {
	case ".charge":
		return "claim.charges." + l.Code
	case ".description":
		for k, d := range doc.Drugs {
			if d.HCPCS == l.Code && d.From == l.From && d.To == l.To {
				return "drugs[" + strconv.Itoa(k) + "].description"
			}
		}
		for k, t := range doc.Therapies {
			if l.Therapy != "" && t.ID == l.Therapy {
				return "therapies[" + strconv.Itoa(k) + "].description"
			}
		}
	}
	return "lines" + rest
}
