package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/x12/x214"
	"github.com/perdiem/perdiem/x12/x835"
	"github.com/perdiem/perdiem/x12/x837p"
	"github.com/perdiem/perdiem/x12/x999"
)

// unmatched is something in a received file that no claim of ours answers
// to: a group control number, a claim id. No patient data.
type unmatched struct {
	What   string `json:"what"`
	Reason string `json:"reason"`
}

// x12Kind says which transaction an X12 file holds, from its first ST.
func x12Kind(b []byte) (string, error) {
	b = bytes.TrimPrefix(bytes.TrimLeft(b, " \t\r\n"), []byte("\uFEFF"))
	if len(b) < 106 || !bytes.HasPrefix(b, []byte("ISA")) {
		return "", errs.Invalids([]errs.Problem{{Message: "not an X12 interchange: it must start with an ISA segment"}})
	}
	sep := b[3]
	for _, k := range []string{"999", "277", "835"} {
		if bytes.Contains(b, []byte("ST"+string(sep)+k+string(sep))) {
			return k, nil
		}
	}
	return "", errs.Invalids([]errs.Problem{{Message: "no ST segment of a 999, 277CA or 835"}})
}

// claimOf is our claim id for a CLM01 as a file echoes it: a claim of
// more than 50 lines went out as <id>-1, <id>-2, ….
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

type ackSummary struct {
	Kind     string `json:"kind"`
	Groups   int    `json:"groups,omitempty"`
	Claims   int    `json:"claims"`
	Accepted int    `json:"accepted"`
	Rejected int    `json:"rejected"`
}

// createAcknowledgment answers POST /v1/acknowledgments: a 999 moves the
// claims of each acknowledged transaction set to accepted_999 or
// rejected_999; a 277CA moves each claim it names to accepted_277ca or
// rejected_277ca. What matches no claim is kept and listed.
func (s *Server) createAcknowledgment(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(w, r, maxX12)
	if err != nil {
		return err
	}
	kind, err := x12Kind(body)
	if err != nil {
		return err
	}
	switch kind {
	case "999":
		acks, err := x999.Read(bytes.NewReader(body))
		if err != nil {
			return errs.Invalids([]errs.Problem{{Message: "reading the 999: " + err.Error()}})
		}
		return s.write(w, r, body, func(tx *store.Tx) (int, any, error) {
			return s.record999(tx, body, acks)
		})
	case "277":
		statuses, _, err := x214.ReadClaims(bytes.NewReader(body))
		if err != nil {
			return errs.Invalids([]errs.Problem{{Message: "reading the 277CA: " + err.Error()}})
		}
		return s.write(w, r, body, func(tx *store.Tx) (int, any, error) {
			return s.record277(tx, body, statuses)
		})
	}
	return errs.Invalids([]errs.Problem{{Message: "an 835 is a remittance: send it to /v1/remittances"}})
}

func (s *Server) record999(tx *store.Tx, body []byte, acks []*x999.Ack) (int, any, error) {
	sum := ackSummary{Kind: "999", Groups: len(acks)}
	miss := []unmatched{}
	var changes []store.ClaimChange
	for _, a := range acks {
		control, err := strconv.ParseInt(strings.TrimSpace(a.GroupControl), 10, 64)
		var icID string
		if err == nil {
			icID, err = tx.InterchangeByControl(control)
		}
		if err != nil {
			miss = append(miss, unmatched{What: "group " + a.GroupControl, Reason: "no interchange of ours has this control number"})
			continue
		}
		ic, err := tx.Interchange(icID)
		if err != nil {
			return 0, nil, err
		}
		// An interchange's sets hold x837p.MaxSetClaims claims each, in
		// order; a group rejected without set responses rejects them all.
		setStatus := map[int]string{}
		for _, st := range a.Sets {
			n, err := strconv.Atoi(strings.TrimLeft(st.Control, "0"))
			if err != nil || n < 1 {
				miss = append(miss, unmatched{What: "set " + st.Control + " of group " + a.GroupControl, Reason: "not a set number of ours"})
				continue
			}
			setStatus[n] = st.Status
		}
		for i, id := range ic.ClaimIDs {
			st, ok := setStatus[i/x837p.MaxSetClaims+1]
			if !ok {
				st = a.Status
			}
			to := store.Accepted999
			if st == "R" {
				to = store.Rejected999
				sum.Rejected++
			} else {
				sum.Accepted++
			}
			changes = append(changes, store.ClaimChange{ClaimID: id, Status: to, Detail: fmt.Sprintf("999 set status %s, group %s", st, a.GroupControl)})
		}
	}
	sum.Claims = len(changes)
	summary, _ := json.Marshal(sum)
	um, _ := json.Marshal(miss)
	a, err := tx.RecordAcknowledgment(store.Acknowledgment{Kind: "999", Content: body, Summary: summary, Unmatched: um}, changes)
	return http.StatusCreated, a, err
}

func (s *Server) record277(tx *store.Tx, body []byte, statuses []x214.ClaimStatus) (int, any, error) {
	sum := ackSummary{Kind: "277CA"}
	miss := []unmatched{}
	var changes []store.ClaimChange
	for _, cs := range statuses {
		c, err := claimOf(tx, cs.ClaimID)
		if errs.CodeOf(err) == errs.NotFound {
			miss = append(miss, unmatched{What: "claim " + cs.ClaimID, Reason: "no claim of ours has this id"})
			continue
		}
		if err != nil {
			return 0, nil, err
		}
		to := store.Rejected277CA
		if cs.Accepted {
			to = store.Accepted277CA
			sum.Accepted++
		} else {
			sum.Rejected++
		}
		changes = append(changes, store.ClaimChange{ClaimID: c.ID, Status: to, Detail: "277CA " + string(cs.Verdict) + " " + cs.Category})
	}
	sum.Claims = len(changes)
	summary, _ := json.Marshal(sum)
	um, _ := json.Marshal(miss)
	a, err := tx.RecordAcknowledgment(store.Acknowledgment{Kind: "277CA", Content: body, Summary: summary, Unmatched: um}, changes)
	return http.StatusCreated, a, err
}

type remitSummary struct {
	Remittances int `json:"remittances"`
	Claims      int `json:"claims"`
	Paid        int `json:"paid"`
	PartlyPaid  int `json:"partly_paid"`
	Denied      int `json:"denied"`
	Findings    int `json:"findings"`
}

// createRemittance answers POST /v1/remittances: each claim an 835 pays
// (CLP01, our claim id) moves to paid, partly_paid or denied with the
// amount paid; a reversal, and a claim that is not ours, is kept and
// listed as unmatched.
func (s *Server) createRemittance(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(w, r, maxX12)
	if err != nil {
		return err
	}
	if kind, err := x12Kind(body); err != nil {
		return err
	} else if kind != "835" {
		return errs.Invalids([]errs.Problem{{Message: "not an 835: a 999 or 277CA goes to /v1/acknowledgments"}})
	}
	rems, outside, err := x835.Read(bytes.NewReader(body))
	if err != nil {
		return errs.Invalids([]errs.Problem{{Message: "reading the 835: " + err.Error()}})
	}
	return s.write(w, r, body, func(tx *store.Tx) (int, any, error) {
		sum := remitSummary{Remittances: len(rems), Findings: len(outside)}
		miss := []unmatched{}
		paid := map[string]money.Amount{}
		denied := map[string]bool{}
		var order []string
		var rec store.Remittance
		var total []money.Amount
		for _, rem := range rems {
			sum.Findings += len(rem.Findings)
			total = append(total, rem.Payment.Amount)
			if rec.CheckNumber == "" {
				rec.CheckNumber, rec.Payer = rem.Trace.Number, rem.Payer.Name
			}
			for _, cl := range rem.Claims {
				c, err := claimOf(tx, cl.PatientControlNumber)
				switch {
				case errs.CodeOf(err) == errs.NotFound:
					miss = append(miss, unmatched{What: "claim " + cl.PatientControlNumber, Reason: "no claim of ours has this id"})
					continue
				case err != nil:
					return 0, nil, err
				case cl.Status == "22":
					miss = append(miss, unmatched{What: "claim " + cl.PatientControlNumber, Reason: "a reversal (CLP02 22): not applied, review it"})
					continue
				}
				if _, ok := paid[c.ID]; !ok {
					order = append(order, c.ID)
				}
				sum, err := money.Sum(paid[c.ID], cl.Paid)
				if err != nil {
					return 0, nil, errs.Invalids([]errs.Problem{{Message: "claim " + c.ID + ": the amounts paid: " + err.Error()}})
				}
				paid[c.ID] = sum
				denied[c.ID] = denied[c.ID] || cl.Status == "4"
			}
		}
		var changes []store.ClaimChange
		for _, id := range order {
			c, err := tx.Claim(id)
			if err != nil {
				return 0, nil, err
			}
			p := paid[id]
			to := store.Paid
			switch {
			case denied[id] || p <= 0:
				to = store.Denied
				sum.Denied++
			case p < c.Total:
				to = store.PartlyPaid
				sum.PartlyPaid++
			default:
				sum.Paid++
			}
			changes = append(changes, store.ClaimChange{ClaimID: id, Status: to, Paid: &p, Detail: "835 paid " + p.String() + " of " + c.Total.String()})
		}
		sum.Claims = len(changes)
		rec.Paid, _ = money.Sum(total...)
		rec.Content = body
		rec.Summary, _ = json.Marshal(sum)
		rec.Unmatched, _ = json.Marshal(miss)
		out, err := tx.RecordRemittance(rec, changes)
		return http.StatusCreated, out, err
	})
}

func (s *Server) getAcknowledgment(w http.ResponseWriter, r *http.Request) error {
	return s.read(w, r, func(tx *store.Tx) (any, error) { return tx.Acknowledgment(r.PathValue("id")) })
}

func (s *Server) getRemittance(w http.ResponseWriter, r *http.Request) error {
	return s.read(w, r, func(tx *store.Tx) (any, error) { return tx.Remittance(r.PathValue("id")) })
}
