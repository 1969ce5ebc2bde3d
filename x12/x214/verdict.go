package x214

import "io"

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

// verdictOf sums up statuses (a claim's and its lines'), with the
// category that decided it ("" when none did).
func verdictOf(statuses ...[]Status) (Verdict, string) {
	var accepted, notFound, received, action string
	for _, ss := range statuses {
		for _, s := range ss {
			for _, c := range s.Codes {
				switch c.Category {
				case "A3", "A6", "A7", "A8":
					return Rejected, c.Category
				case "A2", "A5":
					accepted = or(accepted, c.Category)
				case "A4":
					notFound = or(notFound, c.Category)
				case "A0", "A1":
					received = or(received, c.Category)
				}
				if s.Action == "U" && action == "" {
					action = c.Category
				}
			}
			if s.Action == "U" && len(s.Codes) == 0 {
				return Rejected, ""
			}
		}
	}
	switch {
	case action != "":
		return Rejected, action
	case accepted != "":
		return Accepted, accepted
	case notFound != "":
		return NotFound, notFound
	case received != "":
		return Received, received
	}
	return Unknown, ""
}

// ClaimStatus is one claim of a 277CA with what the acknowledgment says
// of it, flattened for callers that want a list (a server, a report).
type ClaimStatus struct {
	ClaimID                 string  `json:"claim_id"`                             // TRN02 = the 837's CLM01
	PayerClaimControlNumber string  `json:"payer_claim_control_number,omitempty"` // REF*1K
	Verdict                 Verdict `json:"verdict"`
	Accepted                bool    `json:"accepted"` // Verdict is Accepted
	// Category is the status category that decided the verdict (the first
	// rejecting one of a rejected claim, A2 of an accepted one, …), with
	// its meaning; "" when none did.
	Category        string `json:"category,omitempty"`
	CategoryMeaning string `json:"category_meaning,omitempty"`
	// Codes are the status composites of the claim and then of its lines,
	// in order, each once, with their meanings.
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
						all := [][]Status{c.Statuses}
						for _, l := range c.Lines {
							all = append(all, l.Statuses)
						}
						if _, cat := verdictOf(all...); cat != "" {
							cs.Category = cat
							cs.CategoryMeaning = NewStatusCode(cat, "", "").CategoryMeaning
						}
						add := func(ss []Status) {
							for _, s := range ss {
								for _, c := range s.Codes {
									if !hasCode(cs.Codes, c) {
										cs.Codes = append(cs.Codes, c)
									}
								}
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

// ReadClaims reads every 277CA in r and gives its claims flattened, in
// order, with every finding of the file (those of each acknowledgment,
// then those outside any): the form a server or a work queue wants. The
// error is Read's.
func ReadClaims(r io.Reader) ([]ClaimStatus, []*Finding, error) {
	acks, outside, err := Read(r)
	claims := []ClaimStatus{}
	var findings []*Finding
	for _, a := range acks {
		claims = append(claims, a.Claims()...)
		findings = append(findings, a.Findings...)
	}
	return claims, append(findings, outside...), err
}
