package workspace_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/workspace"
)

func TestDetect(t *testing.T) {
	env := func(gs08, st01 string) string {
		return isa("PAYERRCVR", "HITSUBMIT", 5) + "\nGS*XX*PAYERRCVR*HITSUBMIT*20260603*1200*5*X*" + gs08 + "~\nST*" + st01 + "*0001*" + gs08 + "~\n"
	}
	tests := []struct {
		name, file, kind, says string
	}{
		{"999", a999(1, "A", set{"0001", "A"}), workspace.Kind999, ""},
		{"277CA", a277CA(map[string]bool{"C1": true}, "C1"), workspace.Kind277CA, ""},
		{"835", an835(remitClaim{"C1", 100, 100, "1"}), workspace.Kind835, ""},
		{"a byte order mark and blank lines first", "\uFEFF\r\n" + an835(), workspace.Kind835, ""},
		{"837", env("005010X222A1", "837"), "", "segment 3) is an 837 (claims sent to a payer)"},
		{"997", env("004010X098A1", "997"), "", "a 997 functional acknowledgment"},
		{"277 claim status response", env("005010X212", "277"), "", "a 277 of 005010X212, a claim status response, not a 277CA"},
		{"an unknown set", env("005010X999", "123"), "", `a "123" transaction set, not a 999, 277CA or 835`},
		{"TA1 alone", isa("PAYERRCVR", "HITSUBMIT", 5) + "\nTA1*000000001*260603*1200*A*000~\nIEA*0*000000005~", "", "a TA1 interchange acknowledgment"},
		{"no ST", isa("PAYERRCVR", "HITSUBMIT", 5) + "\nIEA*0*000000005~", "", "no ST segment"},
		{"empty", " \n", "", "the file is empty"},
		{"JSON", `{"period": {}}`, "", "not an X12 interchange: it must start with an ISA segment (this looks like JSON)"},
		{"text", "not x12 at all", "", "not an X12 interchange"},
		{"ISA cut short", "ISA*00*          *00*", "", "the ISA segment is cut short"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, err := workspace.Detect([]byte(tt.file))
			if tt.says == "" {
				if err != nil || kind != tt.kind {
					t.Fatalf("%q, %v; want %q", kind, err, tt.kind)
				}
				return
			}
			if errs.CodeOf(err) != errs.Invalid || !strings.Contains(err.Error(), tt.says) {
				t.Errorf("error %v, want one saying %q", err, tt.says)
			}
		})
	}
}

func (f *fixture) receive(file string) (workspace.Received, error) {
	var rc workspace.Received
	err := f.try(func(tx *store.Tx) error {
		var err error
		rc, err = f.ws.Receive(tx, []byte(file))
		return err
	})
	return rc, err
}

func (f *fixture) mustReceive(file string) workspace.Received {
	f.t.Helper()
	rc, err := f.receive(file)
	if err != nil {
		f.t.Fatal(err)
	}
	return rc
}

// sent is n claims of the fixture's episode sent in one interchange.
func (f *fixture) sent(n int) (store.Interchange, []store.Claim) {
	f.t.Helper()
	var cs []store.Claim
	var ids []string
	for range n {
		c := f.newClaim(f.episode)
		cs = append(cs, c)
		ids = append(ids, c.ID)
	}
	ic, err := f.build(ids, "T")
	if err != nil {
		f.t.Fatal(err)
	}
	return ic, cs
}

func (f *fixture) wantStatus(id string, want store.Status) {
	f.t.Helper()
	if got := f.claim(id).Status; got != want {
		f.t.Errorf("claim %s is %s, want %s", id, got, want)
	}
}

func unmatchedOf(t *testing.T, raw json.RawMessage) []workspace.Unmatched {
	t.Helper()
	var u []workspace.Unmatched
	if err := json.Unmarshal(raw, &u); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestReceive999(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ic, cs := f.sent(2)
		file := a999(ic.GS06, "A", set{"0001", "A"})
		rc := f.mustReceive(file)
		if rc.Kind != workspace.Kind999 || rc.Acknowledgment == nil || rc.ID() == "" || len(rc.Moved()) != 2 || len(rc.Unmatched) != 0 {
			t.Fatalf("received %+v", rc)
		}
		for _, c := range cs {
			f.wantStatus(c.ID, store.Accepted999)
		}
		f.do(func(tx *store.Tx) error {
			a, err := tx.Acknowledgment(rc.ID())
			if string(a.Content) != file || a.Kind != "999" {
				t.Errorf("kept %s %q", a.Kind, a.Content)
			}
			var sum map[string]any
			json.Unmarshal(a.Summary, &sum)
			if sum["claims"] != 2.0 || sum["accepted"] != 2.0 {
				t.Errorf("summary %s", a.Summary)
			}
			return err
		})
		// The same 999 again: the claims are past it, so both moves are
		// skipped and said so.
		again := f.mustReceive(file)
		if len(again.Skipped()) != 2 || len(again.Moved()) != 0 {
			t.Errorf("a second 999: skipped %+v, moved %+v", again.Skipped(), again.Moved())
		}
		// A rejected set rejects its claims.
		ic2, cs2 := f.sent(1)
		f.mustReceive(a999(ic2.GS06, "R", set{"0001", "R"}))
		f.wantStatus(cs2[0].ID, store.Rejected999)
		// A group rejected without set responses rejects all its claims.
		ic3, cs3 := f.sent(2)
		f.mustReceive(a999(ic3.GS06, "R"))
		for _, c := range cs3 {
			f.wantStatus(c.ID, store.Rejected999)
		}
		// A group that is none of ours is kept as unmatched.
		rc = f.mustReceive(a999(77, "A", set{"0001", "A"}))
		if want := []workspace.Unmatched{{What: "group 77", Reason: "no interchange of ours has this control number"}}; !reflect.DeepEqual(rc.Unmatched, want) {
			t.Errorf("unmatched %+v", rc.Unmatched)
		}
		if u := unmatchedOf(t, rc.Acknowledgment.Unmatched); len(u) != 1 {
			t.Errorf("kept unmatched %+v", u)
		}
	})
}

func TestReceive277CA(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		_, cs := f.sent(2)
		rc := f.mustReceive(a277CA(map[string]bool{cs[0].ID: true, cs[1].ID + "-2": false, "NOTOURS": true}, cs[0].ID, cs[1].ID+"-2", "NOTOURS"))
		if rc.Kind != workspace.Kind277CA || rc.Acknowledgment == nil || len(rc.Moved()) != 2 {
			t.Fatalf("received %+v", rc)
		}
		f.wantStatus(cs[0].ID, store.Accepted277CA)
		// A part of a claim sent in parts (<id>-2) answers for the claim.
		f.wantStatus(cs[1].ID, store.Rejected277CA)
		if want := []workspace.Unmatched{{What: "claim NOTOURS", Reason: "no claim of ours has this id"}}; !reflect.DeepEqual(rc.Unmatched, want) {
			t.Errorf("unmatched %+v", rc.Unmatched)
		}
	})
}

func TestReceive835(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		_, cs := f.sent(3)
		draft := f.newClaim(f.episode)
		total := int64(cs[0].Total)
		rc := f.mustReceive(an835(
			remitClaim{cs[0].ID, total, total, "1"},
			remitClaim{cs[1].ID, total, total - 10000, "1"},
			remitClaim{cs[2].ID, total, 0, "4"},
			remitClaim{draft.ID, total, total, "1"},
			remitClaim{"NOTOURS", 100, 100, "1"},
		))
		if rc.Kind != workspace.Kind835 || rc.Remittance == nil || rc.Acknowledgment != nil {
			t.Fatalf("received %+v", rc)
		}
		f.wantStatus(cs[0].ID, store.Paid)
		f.wantStatus(cs[1].ID, store.PartlyPaid)
		f.wantStatus(cs[2].ID, store.Denied)
		if p := f.claim(cs[1].ID).Paid; int64(p) != total-10000 {
			t.Errorf("the partly paid claim: paid %v", p)
		}
		// A draft was never sent: its move is skipped, not an error.
		f.wantStatus(draft.ID, store.Draft)
		if sk := rc.Skipped(); len(sk) != 1 || sk[0].ClaimID != draft.ID {
			t.Errorf("skipped %+v", sk)
		}
		want := []workspace.Unmatched{
			{What: "claim NOTOURS", Reason: "no claim of ours has this id"},
		}
		if !reflect.DeepEqual(rc.Unmatched, want) {
			t.Errorf("unmatched %+v", rc.Unmatched)
		}
		if rc.Remittance.CheckNumber != "CHK12345" || rc.Remittance.Payer != "EXAMPLE HEALTH PLAN" || int64(rc.Remittance.Paid) != 3*total-10000+100 {
			t.Errorf("remittance %+v", rc.Remittance)
		}
	})
}

// TestReceive835Reversal: a reversal (CLP02 22, its amounts negated)
// takes back the payment posted before it. Alone, it puts the claim back
// to the status it had before that payment, paid what is left, with a
// history entry naming the remittance; its correction, in a later 835 or
// after it in the same one, then sets the status as any payment does. A
// reversal of a claim with no payment posted is left for a person, and a
// payment reversed in the same 835 leaves the claim as it was.
func TestReceive835Reversal(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		_, cs := f.sent(4)
		total := int64(cs[0].Total)
		f.mustReceive(a277CA(map[string]bool{cs[0].ID: true, cs[1].ID: true}, cs[0].ID, cs[1].ID))
		f.mustReceive(an835(remitClaim{cs[0].ID, total, total, "1"}, remitClaim{cs[1].ID, total, total, "1"}))
		f.wantStatus(cs[0].ID, store.Paid)
		f.wantStatus(cs[1].ID, store.Paid)

		// cs[0]: reversed alone; cs[1]: reversed and corrected to less;
		// cs[2]: a reversal with no payment posted; cs[3]: paid and
		// reversed in one 835.
		rc := f.mustReceive(an835(
			remitClaim{cs[0].ID, -total, -total, "22"},
			remitClaim{cs[1].ID, -total, -total, "22"},
			remitClaim{cs[1].ID, total, total - 5000, "1"},
			remitClaim{cs[2].ID, -total, -total, "22"},
			remitClaim{cs[3].ID, total, total, "1"},
			remitClaim{cs[3].ID, -total, -total, "22"},
		))
		f.wantStatus(cs[0].ID, store.Accepted277CA)
		if p := f.claim(cs[0].ID).Paid; p != 0 {
			t.Errorf("the reversed claim is paid %v, want 0.00", p)
		}
		f.wantStatus(cs[1].ID, store.PartlyPaid)
		if p := int64(f.claim(cs[1].ID).Paid); p != total-5000 {
			t.Errorf("the corrected claim is paid %d, want %d", p, total-5000)
		}
		f.wantStatus(cs[2].ID, store.Submitted)
		f.wantStatus(cs[3].ID, store.Submitted)
		if p := f.claim(cs[3].ID).Paid; p != 0 {
			t.Errorf("the claim paid and reversed in one 835 is paid %v, want 0.00", p)
		}
		want := []workspace.Unmatched{{What: "claim " + cs[2].ID, Reason: "a reversal (CLP02 22) of a payment not posted to it (it is submitted): not applied, review it"}}
		if !reflect.DeepEqual(rc.Unmatched, want) {
			t.Errorf("unmatched %+v", rc.Unmatched)
		}
		var sum struct {
			Reversed   int
			PartlyPaid int `json:"partly_paid"`
		}
		if err := json.Unmarshal(rc.Remittance.Summary, &sum); err != nil || sum.Reversed != 1 || sum.PartlyPaid != 1 {
			t.Errorf("summary %s", rc.Remittance.Summary)
		}
		var hist []store.StatusChange
		f.do(func(tx *store.Tx) error {
			var err error
			hist, err = tx.ClaimHistory(cs[0].ID)
			return err
		})
		last := hist[len(hist)-1]
		if last.Status != store.Accepted277CA || last.Source.Kind != "remittance" || last.Source.ID != rc.Remittance.ID ||
			!strings.Contains(last.Detail, "reversal (CLP02 22)") || !strings.Contains(last.Detail, "back to accepted_277ca") {
			t.Errorf("the reversal's history entry %+v", last)
		}

		// The correction comes in a later 835: it pays as any payment.
		f.mustReceive(an835(remitClaim{cs[0].ID, total, total - 2000, "1"}))
		f.wantStatus(cs[0].ID, store.PartlyPaid)
		if p := int64(f.claim(cs[0].ID).Paid); p != total-2000 {
			t.Errorf("the claim corrected later is paid %d, want %d", p, total-2000)
		}
	})
}

func TestReceiveErrors(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ic, cs := f.sent(1)
		tests := []struct{ name, file string }{
			{"not X12", "not x12 at all"},
			{"an 837", string(ic.Content)},
			{"a 999 without AK1", strings.Replace(a999(ic.GS06, "A", set{"0001", "A"}), "AK1*HC*", "AKX*HC*", 1)},
		}
		for _, tt := range tests {
			_, err := f.receive(tt.file)
			wantErr(t, tt.name, err, errs.Invalid, "")
		}
		f.wantStatus(cs[0].ID, store.Submitted)
		f.do(func(tx *store.Tx) error {
			as, _, err := tx.Acknowledgments(store.Page{})
			if len(as) != 0 {
				t.Errorf("%d acknowledgments kept from bad files", len(as))
			}
			return err
		})
	})
}

// TestReceive999MatchesSetsByControlNumber: an interchange of claims of
// two billing providers goes out as three transaction sets (ST02 0001:
// a1, 0002: b1, 0003: a2, a set for each run of one provider's claims); a
// 999 names the set it answers by ST02 (AK202), so rejecting 0002 rejects
// b1 alone, whatever the order of the answers.
func TestReceive999MatchesSetsByControlNumber(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		other := f.newEpisode(f.payer, edit(t, f.doc, `"name": "ACME HOME INFUSION"`, `"name": "OTHER HOME INFUSION"`, `"npi": "1234567893"`, `"npi": "1456789019"`))
		send := func() (store.Interchange, [3]string) {
			a1, b1, a2 := f.newClaim(f.episode), f.newClaim(other), f.newClaim(f.episode)
			ic, err := f.build([]string{a1.ID, b1.ID, a2.ID}, "T")
			if err != nil {
				t.Fatal(err)
			}
			x := string(ic.Content)
			for i, id := range []string{a1.ID, b1.ID, a2.ID} {
				st := "ST*837*000" + string(rune('1'+i)) + "*"
				if j, k := strings.Index(x, st), strings.Index(x, "CLM*"+id+"*"); j < 0 || k < j || strings.Contains(x[j+len(st):k], "ST*837*") {
					t.Fatalf("claim %d is not in set %s:\n%s", i+1, st, x)
				}
			}
			return ic, [3]string{a1.ID, b1.ID, a2.ID}
		}

		ic, c := send()
		rc := f.mustReceive(a999(ic.GS06, "P", set{"0001", "A"}, set{"0002", "R"}, set{"0003", "E"}, set{"0009", "A"}))
		f.wantStatus(c[0], store.Accepted999)
		f.wantStatus(c[1], store.Rejected999)
		f.wantStatus(c[2], store.Accepted999)
		want := []workspace.Unmatched{{What: fmt.Sprintf("set 0009 of group %d", ic.GS06),
			Reason: "interchange " + ic.ID + " has no transaction set 0009 (its sets are 0001, 0002, 0003)"}}
		if !reflect.DeepEqual(rc.Unmatched, want) {
			t.Errorf("unmatched %+v", rc.Unmatched)
		}
		f.do(func(tx *store.Tx) error {
			h, err := tx.ClaimHistory(c[1])
			if last := h[len(h)-1]; last.Detail != fmt.Sprintf("999 set 0002 IK501 R, group %d", ic.GS06) || last.Source.ID != rc.ID() {
				t.Errorf("the rejection is recorded as %+v", last)
			}
			return err
		})

		// Answers out of order and without the leading zeros.
		ic, c = send()
		f.mustReceive(a999(ic.GS06, "P", set{"3", "R"}, set{"1", "A"}, set{"2", "A"}))
		f.wantStatus(c[0], store.Accepted999)
		f.wantStatus(c[1], store.Accepted999)
		f.wantStatus(c[2], store.Rejected999)

		// A partly accepted group with no answer for two of its sets: only
		// the answered set's claim moves; the others are said so.
		ic, c = send()
		rc = f.mustReceive(a999(ic.GS06, "P", set{"0002", "A"}))
		f.wantStatus(c[0], store.Submitted)
		f.wantStatus(c[1], store.Accepted999)
		f.wantStatus(c[2], store.Submitted)
		if len(rc.Unmatched) != 2 || rc.Unmatched[0].What != fmt.Sprintf("set 0001 of group %d", ic.GS06) || !strings.Contains(rc.Unmatched[0].Reason, "its claims are not moved") {
			t.Errorf("unmatched %+v", rc.Unmatched)
		}
	})
}
