package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/x12/x214"
	"github.com/perdiem/perdiem/x12/x835"
	"github.com/perdiem/perdiem/x12/x837p"
	"github.com/perdiem/perdiem/x12/x999"
)

// A received file moves the claims it answers: a 999 the claims of the
// interchange whose group it acknowledges (AK102 = our GS06), a 277CA each
// claim it names (TRN02 = our CLM01, the claim's id), an 835 each claim it
// pays (CLP01). What matches no claim is kept with the file, and a move
// the claim's status does not allow is skipped and said so (package store).

// transactionSet names the first transaction set of an X12 file (ST01):
// "999", "277", "835", "837", or "" when there is none.
func transactionSet(data []byte) string {
	if len(data) < 106 || !bytes.HasPrefix(data, []byte("ISA")) {
		return ""
	}
	sep := data[3]
	i := bytes.Index(data, []byte{'S', 'T', sep})
	if i < 0 || i+6 > len(data) {
		return ""
	}
	id := data[i+3:]
	if j := bytes.IndexByte(id, sep); j >= 0 {
		id = id[:j]
	}
	return string(id)
}

// received is what the files page says of a received file.
type received struct {
	Kind    string
	ID      string
	Moved   []string
	Skipped []store.Skipped
	Unmatch []string
}

func (h *Handler) receive(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	f, hdr, err := r.FormFile("file")
	if err != nil {
		h.render(w, r, http.StatusBadRequest, "files", page{Title: "Files", Nav: "files", Data: filesPage{CanWrite: true, Problem: "Choose a 999, 277CA or 835 file to receive (at most 64 MiB)."}})
		return
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		h.fail(w, r, errs.Errorf(errs.Invalid, "reading the upload: %v", err))
		return
	}
	var rc received
	switch transactionSet(data) {
	case "999":
		rc, err = h.receive999(r, data)
	case "277":
		rc, err = h.receive277(r, data)
	case "835":
		rc, err = h.receive835(r, data)
	default:
		err = errs.Errorf(errs.Invalid, "%s is not a 999, 277CA or 835 (its first transaction set is %q)", hdr.Filename, transactionSet(data))
	}
	if err != nil {
		h.render(w, r, errs.HTTPStatus(errs.CodeOf(err)), "files", page{Title: "Files", Nav: "files", Data: filesPage{CanWrite: true, Problem: err.Error()}})
		return
	}
	h.render(w, r, http.StatusOK, "files", page{Title: "Files", Nav: "files", Data: filesPage{CanWrite: true, Received: &rc, Name: hdr.Filename}})
}

func (h *Handler) receive999(r *http.Request, data []byte) (received, error) {
	acks, err := x999.Read(bytes.NewReader(data))
	if err != nil {
		return received{}, errs.Errorf(errs.Invalid, "%v", err)
	}
	rc := received{Kind: "999"}
	err = h.do(r.Context(), func(tx *store.Tx) error {
		var changes []store.ClaimChange
		for _, a := range acks {
			ctl, err := strconv.ParseInt(a.GroupControl, 10, 64)
			id := ""
			if err == nil {
				id, err = tx.InterchangeByControl(ctl)
			}
			if err != nil {
				rc.Unmatch = append(rc.Unmatch, "group "+a.GroupControl+": no interchange of ours")
				continue
			}
			ic, err := tx.Interchange(id)
			if err != nil {
				return err
			}
			for _, s := range a.Sets {
				n, err := strconv.Atoi(s.Control)
				if err != nil || n < 1 {
					rc.Unmatch = append(rc.Unmatch, "set "+s.Control+" of group "+a.GroupControl)
					continue
				}
				// Sets hold the interchange's claims in order, at most
				// MaxSetClaims each (x837p.Write).
				lo, hi := (n-1)*x837p.MaxSetClaims, min(n*x837p.MaxSetClaims, len(ic.ClaimIDs))
				if lo >= hi {
					rc.Unmatch = append(rc.Unmatch, "set "+s.Control+" of group "+a.GroupControl)
					continue
				}
				st := store.Accepted999
				if s.Status == "R" {
					st = store.Rejected999
				}
				for _, c := range ic.ClaimIDs[lo:hi] {
					changes = append(changes, store.ClaimChange{ClaimID: c, Status: st, Detail: "999 IK501 " + s.Status + " for set " + s.Control})
				}
			}
		}
		summary, _ := json.Marshal(map[string]any{"groups": len(acks)})
		unmatched, _ := json.Marshal(nonNilStrings(rc.Unmatch))
		ack, err := tx.RecordAcknowledgment(store.Acknowledgment{Kind: "999", Content: data, Summary: summary, Unmatched: unmatched}, changes)
		if err != nil {
			return err
		}
		rc.ID, rc.Skipped = ack.ID, ack.Skipped
		rc.Moved = moved(changes, ack.Skipped)
		return nil
	})
	return rc, err
}

func (h *Handler) receive277(r *http.Request, data []byte) (received, error) {
	claims, _, err := x214.ReadClaims(bytes.NewReader(data))
	if err != nil {
		return received{}, errs.Errorf(errs.Invalid, "%v", err)
	}
	rc := received{Kind: "277CA"}
	var changes []store.ClaimChange
	for _, c := range claims {
		st := store.Rejected277CA
		if c.Accepted {
			st = store.Accepted277CA
		}
		changes = append(changes, store.ClaimChange{ClaimID: c.ClaimID, Status: st, Detail: "277CA " + string(c.Verdict) + " " + c.Category})
	}
	err = h.do(r.Context(), func(tx *store.Tx) error {
		summary, _ := json.Marshal(map[string]any{"claims": len(claims)})
		ack, err := tx.RecordAcknowledgment(store.Acknowledgment{Kind: "277CA", Content: data, Summary: summary}, changes)
		if err != nil {
			return err
		}
		rc.ID, rc.Skipped = ack.ID, ack.Skipped
		rc.Moved = moved(changes, ack.Skipped)
		return nil
	})
	return rc, err
}

func (h *Handler) receive835(r *http.Request, data []byte) (received, error) {
	rems, _, err := x835.Read(bytes.NewReader(data))
	if err != nil {
		return received{}, errs.Errorf(errs.Invalid, "%v", err)
	}
	rc := received{Kind: "835"}
	var paid money.Amount
	var payer, check string
	err = h.do(r.Context(), func(tx *store.Tx) error {
		var changes []store.ClaimChange
		for _, rem := range rems {
			payer, check = rem.Payer.Name, rem.Trace.Number
			if p, err := money.Sum(paid, rem.Payment.Amount); err == nil {
				paid = p
			}
			for _, c := range rem.Claims {
				amount := c.Paid
				st := store.PartlyPaid
				switch {
				case c.Status == "4" || amount == 0:
					st = store.Denied
				case amount >= c.Charge:
					st = store.Paid
				}
				changes = append(changes, store.ClaimChange{ClaimID: c.PatientControlNumber, Status: st, Paid: &amount,
					Detail: fmt.Sprintf("835 CLP02 %s, charged %s, paid %s", c.Status, c.Charge, c.Paid)})
			}
		}
		summary, _ := json.Marshal(map[string]any{"remittances": len(rems)})
		rem, err := tx.RecordRemittance(store.Remittance{Content: data, Payer: payer, CheckNumber: check, Paid: paid, Summary: summary}, changes)
		if err != nil {
			return err
		}
		rc.ID, rc.Skipped = rem.ID, rem.Skipped
		rc.Moved = moved(changes, rem.Skipped)
		return nil
	})
	return rc, err
}

// moved lists the changes made: "claim → status".
func moved(changes []store.ClaimChange, skipped []store.Skipped) []string {
	var out []string
	for _, ch := range changes {
		skip := false
		for _, s := range skipped {
			if s.ClaimID == ch.ClaimID && s.Status == ch.Status {
				skip = true
			}
		}
		if !skip {
			out = append(out, ch.ClaimID+" → "+statusWord(ch.Status))
		}
	}
	return out
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
