package x837p

import (
	"slices"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
)

// Coded turns a claim read from an 837P back into a claim.Claim, for the
// packages that judge claims (scrubbing, pricing, reconciliation) whatever
// wrote them. Values stay in X12 form (names in upper case, diagnosis codes
// without dots, NDCs in 11 digits). Each line's kind comes from the code
// set: a per diem code (codeset IsPerDiem), nursing, a drug (a line with an
// NDC, or a drug code), else a supply. What the 837P does not carry stays
// empty: the profile, the reasons of the lines, the warnings. The period
// runs from the first to the last day of service.
func (c *Claim) Coded(cs *codeset.Set) *claim.Claim {
	out := &claim.Claim{}
	c.CodedInto(out, cs)
	return out
}

// CodedInto is Coded into out, whose lines it reuses: a reader that judges
// one claim at a time allocates nothing for the lines of the next.
func (c *Claim) CodedInto(out *claim.Claim, cs *codeset.Set) {
	lines := out.Lines[:0]
	*out = claim.Claim{
		ID:          c.ID,
		Frequency:   c.Frequency,
		OriginalRef: c.OriginalRef,
		Submitter: claim.Submitter{Name: c.Submitter.Name, ID: c.Submitter.ID,
			Contact: claim.Contact(c.Submitter.Contact)},
		Receiver: claim.Party(c.Receiver),
		BillingProvider: claim.Provider{Name: c.Billing.Name, NPI: c.Billing.NPI, TaxID: c.Billing.TaxID,
			Taxonomy: c.Billing.Taxonomy, Address: claim.Address(c.Billing.Address)},
		Subscriber: claim.Subscriber{
			MemberID: c.Subscriber.MemberID,
			Last:     c.Subscriber.Last,
			First:    c.Subscriber.First,
			Middle:   c.Subscriber.Middle,
			Sex:      c.Subscriber.Sex,
			Group:    c.Subscriber.Group,
		},
		Payer:     claim.Payer{Name: c.Payer.Name, ID: c.Payer.ID, Filing: c.Subscriber.Filing},
		Diagnoses: slices.Clone(c.Diagnoses),
		PriorAuth: c.PriorAuth,
		Note:      c.Note,
		Total:     c.Total,
		Lines:     slices.Grow(lines, len(c.Lines))[:len(c.Lines)],
		Warnings:  []claim.Warning{},
	}
	if d := c.Subscriber.DOB; d != nil {
		dob := *d
		out.Subscriber.DOB = &dob
	}
	if a := c.Subscriber.Address; a != nil {
		addr := claim.Address(*a)
		out.Subscriber.Address = &addr
	}
	if p := c.Patient; p != nil {
		rel := p.Relationship
		for _, r := range claim.Relationships {
			if r.Code == p.Relationship {
				rel = r.Word
			}
		}
		out.Patient = &claim.Patient{Last: p.Last, First: p.First, Middle: p.Middle, DOB: p.DOB, Sex: p.Sex,
			Relationship: rel, Address: claim.Address(p.Address)}
	} else {
		out.Subscriber.Relationship = "self"
	}
	if r := c.Rendering; r != nil {
		out.Rendering = &claim.Person{NPI: r.NPI, Last: r.Last, First: r.First, Taxonomy: r.Taxonomy}
	}
	for i := range c.Lines {
		l := &c.Lines[i]
		ol := claim.Line{
			ID:          l.ControlNum,
			Code:        l.Code,
			Modifiers:   slices.Clone(l.Modifiers),
			From:        l.From,
			To:          l.To,
			Units:       l.Units,
			Charge:      l.Charge,
			POS:         l.POS,
			Kind:        kindOf(cs, l),
			Description: l.Description,
			Why:         []claim.Reason{},
		}
		if ol.Modifiers == nil {
			ol.Modifiers = []string{}
		}
		if d := l.Drug; d != nil {
			ol.NDC, ol.NDCQuantity, ol.NDCUnit = d.NDC, d.Quantity, d.Unit
		}
		if o := l.Ordering; o != nil && out.Ordering == nil {
			out.Ordering = &claim.Person{NPI: o.NPI, Last: o.Last, First: o.First}
		}
		if i == 0 || l.From < out.Period.From {
			out.Period.From = l.From
		}
		if i == 0 || l.To > out.Period.To {
			out.Period.To = l.To
		}
		out.Lines[i] = ol
	}
}

func kindOf(cs *codeset.Set, l *Line) claim.Kind {
	code, ok := cs.Lookup(l.Code)
	switch {
	case ok && code.IsPerDiem():
		return claim.PerDiem
	case ok && code.Kind == codeset.Nursing:
		return claim.Nursing
	case l.Drug != nil || ok && code.Kind == codeset.DrugKind:
		return claim.Drug
	}
	return claim.Supply
}
