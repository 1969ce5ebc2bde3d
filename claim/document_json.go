package claim

// AppendJSON appends the claim's JSON, byte for byte what an encoding/json
// Encoder with SetEscapeHTML(false) writes for it, without reflection:
// storage writes one for every claim it makes.
func (c *Claim) AppendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, c.ID)
	b = append(b, `,"frequency":`...)
	b = appendString(b, c.Frequency)
	b = appendOmitted(b, `,"original_ref":`, c.OriginalRef)
	b = append(b, `,"submitter":{"name":`...)
	b = appendString(b, c.Submitter.Name)
	b = append(b, `,"id":`...)
	b = appendString(b, c.Submitter.ID)
	b = append(b, `,"contact":{`...)
	b = c.Submitter.Contact.appendFields(b)
	b = append(b, `}},"receiver":{"name":`...)
	b = appendString(b, c.Receiver.Name)
	b = append(b, `,"id":`...)
	b = appendString(b, c.Receiver.ID)
	b = append(b, `},"billing_provider":{"name":`...)
	p := &c.BillingProvider
	b = appendString(b, p.Name)
	b = append(b, `,"npi":`...)
	b = appendString(b, p.NPI)
	b = append(b, `,"tax_id":`...)
	b = appendString(b, p.TaxID)
	b = appendOmitted(b, `,"taxonomy":`, p.Taxonomy)
	b = append(b, `,"address":`...)
	b = p.Address.appendJSON(b)
	b = append(b, `},"subscriber":`...)
	b = c.Subscriber.appendJSON(b)
	if c.Patient != nil {
		b = append(b, `,"patient":`...)
		b = c.Patient.appendJSON(b)
	}
	b = append(b, `,"payer":{"name":`...)
	b = appendString(b, c.Payer.Name)
	b = append(b, `,"id":`...)
	b = appendString(b, c.Payer.ID)
	b = appendOmitted(b, `,"filing":`, c.Payer.Filing)
	b = append(b, `},"diagnoses":`...)
	b = appendStrings(b, c.Diagnoses)
	b = appendOmitted(b, `,"prior_auth":`, c.PriorAuth)
	b = appendOmitted(b, `,"note":`, c.Note)
	if c.Rendering != nil {
		b = append(b, `,"rendering":`...)
		b = c.Rendering.appendJSON(b)
	}
	if c.Ordering != nil {
		b = append(b, `,"ordering":`...)
		b = c.Ordering.appendJSON(b)
	}
	b = append(b, `,"profile":`...)
	b = appendString(b, c.Profile)
	b = append(b, `,"period":`...)
	b = appendSpan(b, c.Period)
	b = append(b, `,"lines":`...)
	b = appendLines(b, c.Lines, nil)
	b = append(b, `,"total":`...)
	b = appendAmount(b, c.Total)
	b = append(b, `,"warnings":`...)
	b = appendWarnings(b, c.Warnings)
	return append(b, '}')
}

// appendOmitted appends the member named by key (with its comma and
// colon) when s is not empty, as omitempty does.
func appendOmitted(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	b = append(b, key...)
	return appendString(b, s)
}

// appendFields appends the contact's members without braces: all three may
// be left out, so the first written has no comma before it.
func (c *Contact) appendFields(b []byte) []byte {
	start := len(b)
	for _, f := range [...]struct{ key, v string }{{`"name":`, c.Name}, {`"phone":`, c.Phone}, {`"email":`, c.Email}} {
		if f.v == "" {
			continue
		}
		if len(b) > start {
			b = append(b, ',')
		}
		b = append(b, f.key...)
		b = appendString(b, f.v)
	}
	return b
}

func (a *Address) appendJSON(b []byte) []byte {
	b = append(b, `{"line1":`...)
	b = appendString(b, a.Line1)
	b = appendOmitted(b, `,"line2":`, a.Line2)
	b = append(b, `,"city":`...)
	b = appendString(b, a.City)
	b = append(b, `,"state":`...)
	b = appendString(b, a.State)
	b = append(b, `,"zip":`...)
	b = appendString(b, a.Zip)
	return append(b, '}')
}

func (s *Subscriber) appendJSON(b []byte) []byte {
	b = append(b, `{"member_id":`...)
	b = appendString(b, s.MemberID)
	b = append(b, `,"last":`...)
	b = appendString(b, s.Last)
	b = append(b, `,"first":`...)
	b = appendString(b, s.First)
	b = appendOmitted(b, `,"middle":`, s.Middle)
	if s.DOB != nil {
		b = append(b, `,"dob":`...)
		b = appendDate(b, *s.DOB)
	}
	b = appendOmitted(b, `,"sex":`, s.Sex)
	b = appendOmitted(b, `,"group":`, s.Group)
	b = appendOmitted(b, `,"relationship":`, s.Relationship)
	if s.Address != nil {
		b = append(b, `,"address":`...)
		b = s.Address.appendJSON(b)
	}
	return append(b, '}')
}

func (p *Patient) appendJSON(b []byte) []byte {
	b = append(b, `{"last":`...)
	b = appendString(b, p.Last)
	b = append(b, `,"first":`...)
	b = appendString(b, p.First)
	b = appendOmitted(b, `,"middle":`, p.Middle)
	b = append(b, `,"dob":`...)
	b = appendDate(b, p.DOB)
	b = append(b, `,"sex":`...)
	b = appendString(b, p.Sex)
	b = append(b, `,"relationship":`...)
	b = appendString(b, p.Relationship)
	b = append(b, `,"address":`...)
	b = p.Address.appendJSON(b)
	return append(b, '}')
}

func (p *Person) appendJSON(b []byte) []byte {
	b = append(b, `{"npi":`...)
	b = appendString(b, p.NPI)
	b = append(b, `,"last":`...)
	b = appendString(b, p.Last)
	b = appendOmitted(b, `,"first":`, p.First)
	b = appendOmitted(b, `,"taxonomy":`, p.Taxonomy)
	return append(b, '}')
}
