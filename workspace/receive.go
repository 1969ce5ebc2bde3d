package workspace

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/remit"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/x12/x214"
	"github.com/perdiem/perdiem/x12/x835"
	"github.com/perdiem/perdiem/x12/x999"
)

// A received file moves the claims it answers: a 999 the claims of each
// transaction set it acknowledges (AK102 = our GS06, AK202 = the set's
// ST02 in the interchange as sent), a 277CA each
// claim it names (TRN02 = our CLM01, the claim's id), an 835 each claim it
// pays (CLP01). What matches no claim is kept with the file and listed
// (Unmatched), and a move the claim's status does not allow is skipped and
// said so (store.Skipped).

// File is a received file read and checked, not yet kept: Read it outside
// a transaction, Record it in one.
type File struct {
	Kind string // Kind999, Kind277CA or Kind835
	Data []byte

	acks     []*x999.Ack
	statuses []x214.ClaimStatus
	rems     []*x835.Remittance
	outside  []*x835.Error
}

// Read detects the kind of a received file (Detect) and reads it. A file
// that cannot be read is an invalid error saying what and where.
func Read(data []byte) (*File, error) {
	kind, err := Detect(data)
	if err != nil {
		return nil, err
	}
	f := &File{Kind: kind, Data: data}
	switch kind {
	case Kind999:
		f.acks, err = x999.Read(bytes.NewReader(data))
	case Kind277CA:
		f.statuses, _, err = x214.ReadClaims(bytes.NewReader(data))
	case Kind835:
		f.rems, f.outside, err = x835.Read(bytes.NewReader(data))
	}
	if err != nil {
		return nil, errs.Invalids([]errs.Problem{{Message: "reading the " + kind + ": " + err.Error()}})
	}
	return f, nil
}

// Unmatched is something in a received file that no claim of ours answers
// to: a group control number, a transaction set, a claim id. No patient
// data.
type Unmatched struct {
	What   string `json:"what"`
	Reason string `json:"reason"`
}

func (u Unmatched) String() string { return u.What + ": " + u.Reason }

// Received is a received file as kept: the acknowledgment (a 999 or
// 277CA) or remittance (an 835) record, the status changes it asked for
// and what matched no claim.
type Received struct {
	Kind           string
	Acknowledgment *store.Acknowledgment // a 999 or 277CA
	Remittance     *store.Remittance     // an 835
	Changes        []store.ClaimChange
	Unmatched      []Unmatched
}

// ID is the id of the record kept.
func (r *Received) ID() string {
	if r.Remittance != nil {
		return r.Remittance.ID
	}
	if r.Acknowledgment != nil {
		return r.Acknowledgment.ID
	}
	return ""
}

// Skipped are the changes the claims' statuses did not allow.
func (r *Received) Skipped() []store.Skipped {
	if r.Remittance != nil {
		return r.Remittance.Skipped
	}
	if r.Acknowledgment != nil {
		return r.Acknowledgment.Skipped
	}
	return nil
}

// Moved are the changes made: those asked for less those skipped.
func (r *Received) Moved() []store.ClaimChange {
	skipped := map[store.Skipped]bool{}
	for _, s := range r.Skipped() {
		skipped[store.Skipped{ClaimID: s.ClaimID, Status: s.Status}] = true
	}
	var out []store.ClaimChange
	for _, ch := range r.Changes {
		if !skipped[store.Skipped{ClaimID: ch.ClaimID, Status: ch.Status}] {
			out = append(out, ch)
		}
	}
	return out
}

// Receive reads a received file (Read) and keeps it (Record).
func (s *Service) Receive(tx *store.Tx, data []byte) (Received, error) {
	f, err := Read(data)
	if err != nil {
		return Received{}, err
	}
	return s.Record(tx, f)
}

// Record keeps a file Read made, moving the claims it answers, in tx.
func (s *Service) Record(tx *store.Tx, f *File) (Received, error) {
	switch f.Kind {
	case Kind999:
		return s.record999(tx, f)
	case Kind277CA:
		return s.record277(tx, f)
	case Kind835:
		return s.record835(tx, f)
	}
	return Received{}, errs.Errorf(errs.Internal, "received file of kind %q", f.Kind)
}

type ackSummary struct {
	Kind     string `json:"kind"`
	Groups   int    `json:"groups,omitempty"`
	Claims   int    `json:"claims"`
	Accepted int    `json:"accepted"`
	Rejected int    `json:"rejected"`
}

// record999 moves the claims of each transaction set a 999 acknowledges
// to accepted_999 or rejected_999. The group is ours when AK102 is the
// GS06 of one of our interchanges (the same number as its ISA13); each set
// response (AK2) names its set by ST02, looked up among the sets of that
// interchange as sent (its stored bytes), so each claim moves with the
// set it went in, however the sets were cut (by billing provider, at
// x837p.MaxSetClaims). A set with no response takes the group's status
// (AK901 A or E accepts, R rejects); in a group partly accepted (P) it is
// not moved and said so. A claim sent in parts in two sets is rejected
// when either is.
func (s *Service) record999(tx *store.Tx, f *File) (Received, error) {
	rc := Received{Kind: Kind999, Unmatched: []Unmatched{}}
	sum := ackSummary{Kind: Kind999, Groups: len(f.acks)}
	for _, a := range f.acks {
		group := "group " + a.GroupControl
		ic, ok, err := interchangeOfGroup(tx, a.GroupControl)
		if err != nil {
			return Received{}, err
		}
		if !ok {
			rc.Unmatched = append(rc.Unmatched, Unmatched{What: group, Reason: "no interchange of ours has this control number"})
			continue
		}
		sets, err := setsOf(ic)
		if err != nil {
			return Received{}, err
		}
		answer := map[string]x999.Set{}
		for _, st := range a.Sets {
			st02 := sets.find(st.Control)
			if st02 == "" {
				rc.Unmatched = append(rc.Unmatched, Unmatched{What: "set " + st.Control + " of " + group,
					Reason: "interchange " + ic.ID + " has no transaction set " + st.Control + " (its sets are " + strings.Join(sets.order, ", ") + ")"})
				continue
			}
			answer[st02] = *st
		}
		verdict := map[string]string{} // claim id → IK501 or AK901, rejections winning
		why := map[string]string{}
		for _, st02 := range sets.order {
			status, detail := "", ""
			if st, ok := answer[st02]; ok {
				status, detail = st.Status, fmt.Sprintf("999 set %s IK501 %s, group %s", st02, st.Status, a.GroupControl)
			} else if a.Status == "A" || a.Status == "E" || a.Status == "R" {
				status, detail = a.Status, fmt.Sprintf("999 group %s AK901 %s, no response for set %s", a.GroupControl, a.Status, st02)
			} else {
				rc.Unmatched = append(rc.Unmatched, Unmatched{What: "set " + st02 + " of " + group,
					Reason: "the 999 has no response for this set and the group's status (AK901 " + a.Status + ") does not say: its claims are not moved"})
				continue
			}
			for _, id := range sets.claims[st02] {
				if old, seen := verdict[id]; !seen || (!rejects(old) && rejects(status)) {
					verdict[id], why[id] = status, detail
				}
			}
		}
		for _, id := range ic.ClaimIDs {
			status, ok := verdict[id]
			if !ok {
				continue
			}
			to := store.Accepted999
			if rejects(status) {
				to = store.Rejected999
				sum.Rejected++
			} else {
				sum.Accepted++
			}
			rc.Changes = append(rc.Changes, store.ClaimChange{ClaimID: id, Status: to, Detail: why[id]})
		}
	}
	sum.Claims = len(rc.Changes)
	return s.keepAck(tx, f, rc, sum)
}

// rejects reports whether an IK501 or AK901 rejects: R, and M, W and X
// (authentication, assurance and decryption failures); A, E (accepted with
// errors noted) and P accept.
func rejects(status string) bool {
	switch status {
	case "R", "M", "W", "X":
		return true
	}
	return false
}

// interchangeOfGroup is the interchange whose GS06 is the group control
// number a 999's AK102 gives, if it is ours.
func interchangeOfGroup(tx *store.Tx, ak102 string) (store.Interchange, bool, error) {
	gs06, err := strconv.ParseInt(strings.TrimSpace(ak102), 10, 64)
	if err != nil {
		return store.Interchange{}, false, nil
	}
	// Our interchanges' GS06 is their ISA13: one number from the counter.
	id, err := tx.InterchangeByControl(gs06)
	if errs.CodeOf(err) == errs.NotFound {
		return store.Interchange{}, false, nil
	}
	if err != nil {
		return store.Interchange{}, false, err
	}
	ic, err := tx.Interchange(id)
	if err != nil || ic.GS06 != gs06 {
		return store.Interchange{}, false, err
	}
	return ic, true, nil
}

func (s *Service) keepAck(tx *store.Tx, f *File, rc Received, sum ackSummary) (Received, error) {
	summary, _ := json.Marshal(sum)
	um, _ := json.Marshal(rc.Unmatched)
	a, err := tx.RecordAcknowledgment(store.Acknowledgment{Kind: rc.Kind, Content: f.Data, Summary: summary, Unmatched: um}, rc.Changes)
	if err != nil {
		return Received{}, err
	}
	rc.Acknowledgment = &a
	return rc, nil
}

// record277 moves each claim a 277CA names to accepted_277ca or
// rejected_277ca.
func (s *Service) record277(tx *store.Tx, f *File) (Received, error) {
	rc := Received{Kind: Kind277CA, Unmatched: []Unmatched{}}
	sum := ackSummary{Kind: Kind277CA}
	for _, cs := range f.statuses {
		c, err := claimOf(tx, cs.ClaimID)
		if errs.CodeOf(err) == errs.NotFound {
			rc.Unmatched = append(rc.Unmatched, Unmatched{What: "claim " + cs.ClaimID, Reason: "no claim of ours has this id"})
			continue
		}
		if err != nil {
			return Received{}, err
		}
		to := store.Rejected277CA
		if cs.Accepted {
			to = store.Accepted277CA
			sum.Accepted++
		} else {
			sum.Rejected++
		}
		rc.Changes = append(rc.Changes, store.ClaimChange{ClaimID: c.ID, Status: to, Detail: "277CA " + string(cs.Verdict) + " " + cs.Category})
	}
	sum.Claims = len(rc.Changes)
	return s.keepAck(tx, f, rc, sum)
}

type remitSummary struct {
	Remittances int `json:"remittances"`
	Claims      int `json:"claims"`
	Paid        int `json:"paid"`
	PartlyPaid  int `json:"partly_paid"`
	Denied      int `json:"denied"`
	// Reversed counts the claims whose payment a reversal (CLP02 22)
	// took back with no correction in the same 835.
	Reversed int `json:"reversed"`
	// Underpaid and Overpaid count the claims reconciliation flagged
	// against their payer's contract.
	Underpaid int `json:"underpaid"`
	Overpaid  int `json:"overpaid"`
	Findings  int `json:"findings"`
}

// record835 moves each claim an 835 pays (CLP01, our claim id) to paid,
// partly_paid or denied with the amount paid, its CLPs summed; a claim
// that is not ours is kept as unmatched. Each claim paid is reconciled
// (reconcile) and the result kept with the remittance: when its payer's
// contract prices every line, the reconciliation's outcome sets the
// status (paid as expected is paid, underpaid or a line denied is partly
// paid); without one, the amount paid against the charge does.
//
// A reversal (CLP02 22) takes back the payment posted before: its negated
// amounts are added to what the claim was paid. With its correction in
// the same 835 (a new CLP after it), the correction sets the status as
// any payment does. Alone, it puts the claim back where it was before the
// payment (store.StatusBeforePayment: accepted by a 277CA or a 999, or
// submitted), to wait for the correction; a reversal of a claim with no
// payment posted is kept as unmatched, for a person.
func (s *Service) record835(tx *store.Tx, f *File) (Received, error) {
	rc := Received{Kind: Kind835, Unmatched: []Unmatched{}}
	sum := remitSummary{Remittances: len(f.rems), Findings: len(f.outside)}
	paid := map[string]money.Amount{}
	reversed := map[string]money.Amount{} // the reversals' CLP04s, summed
	adjudicated := map[string]bool{}      // a CLP other than a reversal
	lastReversal := map[string]bool{}     // no CLP after the last reversal
	denied := map[string]bool{}
	var order []string
	var rec store.Remittance
	var total []money.Amount
	for _, rem := range f.rems {
		sum.Findings += len(rem.Findings)
		total = append(total, rem.Payment.Amount)
		if rec.CheckNumber == "" {
			rec.CheckNumber, rec.Payer = rem.Trace.Number, rem.Payer.Name
		}
		for _, cl := range rem.Claims {
			c, err := claimOf(tx, cl.PatientControlNumber)
			switch {
			case errs.CodeOf(err) == errs.NotFound:
				rc.Unmatched = append(rc.Unmatched, Unmatched{What: "claim " + cl.PatientControlNumber, Reason: "no claim of ours has this id"})
				continue
			case err != nil:
				return Received{}, err
			}
			_, seen := paid[c.ID]
			if _, rev := reversed[c.ID]; !seen && !rev {
				order = append(order, c.ID)
			}
			if cl.Status == "22" {
				r, err := money.Sum(reversed[c.ID], cl.Paid)
				if err != nil {
					return Received{}, errs.Invalids([]errs.Problem{{Message: "claim " + c.ID + ": the amounts reversed: " + err.Error()}})
				}
				reversed[c.ID], lastReversal[c.ID] = r, true
				continue
			}
			lastReversal[c.ID] = false
			p, err := money.Sum(paid[c.ID], cl.Paid)
			if err != nil {
				return Received{}, errs.Invalids([]errs.Problem{{Message: "claim " + c.ID + ": the amounts paid: " + err.Error()}})
			}
			paid[c.ID] = p
			adjudicated[c.ID] = true
			denied[c.ID] = denied[c.ID] || cl.Status == "4"
		}
	}
	claims := make([]store.Claim, len(order))
	for i, id := range order {
		c, err := tx.Claim(id)
		if err != nil {
			return Received{}, err
		}
		claims[i] = c
	}
	outcomes, recs, err := s.reconcile(tx, claims, f.rems)
	if err != nil {
		return Received{}, err
	}
	for _, c := range claims {
		id := c.ID
		rev, isRev := reversed[id]
		p := paid[id]
		if isRev {
			// The reversal takes back what was paid before it (in an
			// earlier 835, or in this one); what comes after it pays anew.
			var err error
			if p, err = money.Sum(c.Paid, rev, p); err != nil {
				return Received{}, errs.Invalids([]errs.Problem{{Message: "claim " + id + ": the amounts paid: " + err.Error()}})
			}
		}
		if isRev && lastReversal[id] {
			switch c.Status {
			case store.Paid, store.PartlyPaid, store.Denied:
				ch, err := reversal(tx, c, rev, p)
				if err != nil {
					return Received{}, err
				}
				sum.Reversed++
				rc.Changes = append(rc.Changes, ch)
			default:
				if !adjudicated[id] {
					rc.Unmatched = append(rc.Unmatched, Unmatched{What: "claim " + id, Reason: "a reversal (CLP02 22) of a payment not posted to it (it is " + string(c.Status) + "): not applied, review it"})
					continue
				}
				// Paid and reversed in this 835: nothing is left to post.
			}
			if rcn, ok := recs[id]; ok {
				rec.Claims = append(rec.Claims, rcn)
			}
			continue
		}
		to := store.Paid
		switch o := outcomes[id]; {
		case o != nil && o.Expected != nil && (o.Outcome == remit.Paid || o.Outcome == remit.PartlyPaid || o.Outcome == remit.Denied):
			// The contract says what paid in full is: the reconciliation's
			// outcome decides, so a contractual write-off is no partial
			// payment and an underpayment is.
			to = map[remit.Outcome]store.Status{remit.Paid: store.Paid, remit.PartlyPaid: store.PartlyPaid, remit.Denied: store.Denied}[o.Outcome]
		case denied[id] || p <= 0:
			to = store.Denied
		case p < c.Total:
			to = store.PartlyPaid
		}
		switch to {
		case store.Denied:
			sum.Denied++
		case store.PartlyPaid:
			sum.PartlyPaid++
		default:
			sum.Paid++
		}
		detail := "835 paid " + p.String() + " of " + c.Total.String()
		if isRev {
			detail = "835 reversed " + rev.String() + " and corrected: paid " + p.String() + " of " + c.Total.String()
		}
		if rcn, ok := recs[id]; ok {
			if rcn.Expected != nil {
				detail += ", expected " + rcn.Expected.String()
			}
			for _, k := range rcn.FlagKinds() {
				switch k {
				case string(remit.Underpaid):
					sum.Underpaid++
				case string(remit.Overpaid):
					sum.Overpaid++
				}
			}
			rec.Claims = append(rec.Claims, rcn)
		}
		rc.Changes = append(rc.Changes, store.ClaimChange{ClaimID: id, Status: to, Paid: &p, Detail: detail})
	}
	sum.Claims = len(rc.Changes)
	rec.Paid, _ = money.Sum(total...)
	rec.Content = f.Data
	rec.Summary, _ = json.Marshal(sum)
	rec.Unmatched, _ = json.Marshal(rc.Unmatched)
	out, err := tx.RecordRemittance(rec, rc.Changes)
	if err != nil {
		return Received{}, err
	}
	rc.Remittance = &out
	return rc, nil
}

// reversal is the change a reversal (CLP02 22) with no correction after
// it makes to claim c, paid, partly paid or denied before: c back to its
// status before the payment, paid what is left (p), to wait for the
// correction.
func reversal(tx *store.Tx, c store.Claim, reversed, p money.Amount) (store.ClaimChange, error) {
	back, err := tx.StatusBeforePayment(c.ID)
	if err != nil {
		return store.ClaimChange{}, err
	}
	return store.ClaimChange{ClaimID: c.ID, Status: back, Paid: &p, Reversal: true,
		Detail: "835 reversal (CLP02 22) of " + reversed.String() + ": paid " + p.String() + " of " + c.Total.String() + ", back to " + string(back) + " to wait for the correction"}, nil
}

// claimOf is our claim for a CLM01 as a file echoes it: a claim of more
// than 50 lines went out as <id>-1, <id>-2, ….
func claimOf(tx *store.Tx, clm01 string) (store.Claim, error) {
	c, err := tx.Claim(clm01)
	if errs.CodeOf(err) == errs.NotFound {
		if i := strings.LastIndexByte(clm01, '-'); i > 0 {
			if _, aerr := strconv.Atoi(clm01[i+1:]); aerr == nil {
				return tx.Claim(clm01[:i])
			}
		}
	}
	return c, err
}
