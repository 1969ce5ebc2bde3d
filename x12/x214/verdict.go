package x214

// Verdict is what a 277CA says of a claim, summed up from its statuses.
type Verdict string

// The verdicts. A claim is Rejected when any status of it or of its lines
// has a rejecting category (A3, A6, A7, A8) or the action U; else Accepted
// when one has A2 (accepted into adjudication) or A5 (split upon
// acceptance); else NotFound with A4; else Received with A0 (forwarded) or
// A1 (received, not yet accepted); else Unknown (no status, or categories
// on no list).
const (
	Accepted Verdict = "accepted"
	Rejected Verdict = "rejected"
	NotFound Verdict = "not_found"
	Received Verdict = "received"
	Unknown  Verdict = "unknown"
)

// verdictOf sums up statuses (a claim's and its lines').
func verdictOf(statuses ...[]Status) Verdict {
	var accepted, notFound, received bool
	for _, ss := range statuses {
		for _, s := range ss {
			if s.Action == "U" {
				return Rejected
			}
			for _, c := range s.Codes {
				switch c.Category {
				case "A3", "A6", "A7", "A8":
					return Rejected
				case "A2", "A5":
					accepted = true
				case "A4":
					notFound = true
				case "A0", "A1":
					received = true
				}
			}
		}
	}
	switch {
	case accepted:
		return Accepted
	case notFound:
		return NotFound
	case received:
		return Received
	}
	return Unknown
}

// ClaimStatus is one claim of a 277CA with what the acknowledgment says
// of it, flattened for callers that want a list (a server, a report).
type ClaimStatus struct {
	ClaimID                 string  `json:"claim_id"`                             // TRN02 = the 837's CLM01
	PayerClaimControlNumber string  `json:"payer_claim_control_number,omitempty"` // REF*1K
	Verdict                 Verdict `json:"verdict"`
	Accepted                bool    `json:"accepted"` // Verdict is Accepted
	// Codes are every status composite of the claim and then of its
	// lines, in order, with their meanings.
	Codes   []StatusCode `json:"codes"`
	Message string       `json:"message,omitempty"` // STC12s, joined

	Patient  Name   `json:"patient"`
	Provider Name   `json:"provider"`
	Batch    string `json:"batch"` // the 837's BHT03 (2200B TRN02)
	// LineControlNumbers are the REF*FJ of the lines that caused a
	// rejection (the 837's REF*6R).
	LineControlNumbers []string `json:"line_control_numbers,omitempty"`
}

// Claims flattens the acknowledgment into one ClaimStatus per claim, in
// order.
func (a *Ack) Claims() []ClaimStatus {
	var out []ClaimStatus
	for _, src := range a.Sources {
		for _, rc := range src.Receivers {
			for _, pv := range rc.Providers {
				for _, pt := range pv.Patients {
					for _, c := range pt.Claims {
						cs := ClaimStatus{ClaimID: c.ClaimID, PayerClaimControlNumber: c.PayerClaimControlNumber,
							Verdict: c.Verdict, Accepted: c.Verdict == Accepted, Codes: []StatusCode{},
							Patient: pt.Name, Provider: pv.Name, Batch: rc.Batch}
						add := func(ss []Status) {
							for _, s := range ss {
								cs.Codes = append(cs.Codes, s.Codes...)
								if s.Message != "" {
									if cs.Message != "" {
										cs.Message += "; "
									}
									cs.Message += s.Message
								}
							}
						}
						add(c.Statuses)
						for _, l := range c.Lines {
							add(l.Statuses)
							if l.ControlNumber != "" {
								cs.LineControlNumbers = append(cs.LineControlNumbers, l.ControlNumber)
							}
						}
						out = append(out, cs)
					}
				}
			}
		}
	}
	return out
}
