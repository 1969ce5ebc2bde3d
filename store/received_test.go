package store_test

import (
	"testing"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/store"
)

// TestReceivedFiles: a 999 and an 835 are kept byte for byte, move their
// claims with themselves as the source, and keep the changes they asked
// for that the claims' statuses did not allow.
func TestReceivedFiles(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		e := newEpisode(t, db, `{}`)
		c1, c2 := newClaim(t, db, e), newClaim(t, db, e)
		do(t, db, func(tx *store.Tx) error {
			_, err := tx.CreateInterchange([]string{c1.ID}, build)
			return err
		})
		content := []byte("ISA*00*...~AK9*A*1*1*1~\xff")
		var ack store.Acknowledgment
		do(t, db, func(tx *store.Tx) error {
			var err error
			ack, err = tx.RecordAcknowledgment(store.Acknowledgment{Kind: "999", Content: content, Summary: []byte(`{"accepted":1}`)},
				[]store.ClaimChange{{ClaimID: c1.ID, Status: store.Accepted999}, {ClaimID: c2.ID, Status: store.Accepted999}, {ClaimID: "C-none", Status: store.Accepted999}})
			return err
		})
		if len(ack.Skipped) != 2 || ack.Skipped[0].ClaimID != c2.ID || ack.Skipped[1].ClaimID != "C-none" {
			t.Fatalf("skipped %+v", ack.Skipped)
		}
		paid := money.Amount(325050)
		var rem store.Remittance
		do(t, db, func(tx *store.Tx) error {
			got, err := tx.Acknowledgment(ack.ID)
			if err != nil {
				return err
			}
			if string(got.Content) != string(content) || string(got.Summary) != `{"accepted":1}` || len(got.Skipped) != 2 {
				t.Errorf("stored %+v", got)
			}
			rem, err = tx.RecordRemittance(store.Remittance{Content: []byte("ISA~CLP~"), Payer: "PAYER01", CheckNumber: "EFT123", Paid: paid},
				[]store.ClaimChange{{ClaimID: c1.ID, Status: store.Paid, Paid: &paid, Detail: "CLP02 1"}})
			return err
		})
		do(t, db, func(tx *store.Tx) error {
			c, err := tx.Claim(c1.ID)
			if err != nil {
				return err
			}
			if c.Status != store.Paid || c.Paid != paid {
				t.Errorf("claim after the 835: %s %v", c.Status, c.Paid)
			}
			h, err := tx.ClaimHistory(c1.ID)
			if err != nil {
				return err
			}
			last := h[len(h)-1]
			if len(h) != 4 || h[2].Source.ID != ack.ID || last.Source.Kind != "remittance" || last.Source.ID != rem.ID {
				t.Errorf("history %+v", h)
			}
			r, err := tx.Remittance(rem.ID)
			if err == nil && (r.CheckNumber != "EFT123" || r.Paid != paid || len(r.Skipped) != 0) {
				t.Errorf("stored %+v", r)
			}
			if err != nil {
				return err
			}
			acks, _, err := tx.Acknowledgments(store.Page{})
			if err != nil {
				return err
			}
			if len(acks) != 1 || acks[0].ID != ack.ID || acks[0].Content != nil || len(acks[0].Skipped) != 2 {
				t.Errorf("acknowledgments %+v", acks)
			}
			rems, _, err := tx.Remittances(store.Page{})
			if len(rems) != 1 || rems[0].ID != rem.ID || rems[0].Paid != paid || rems[0].Content != nil {
				t.Errorf("remittances %+v", rems)
			}
			return err
		})
		err := db.Do(ctx, alice, func(tx *store.Tx) error {
			_, err := tx.RecordAcknowledgment(store.Acknowledgment{Kind: "997", Content: content}, nil)
			return err
		})
		wantCode(t, err, errs.Invalid)
	})
}

// TestBillingRunCountsEachEpisodeOnce: an episode recorded twice in a run
// (its job retried) is a conflict, and the counts and errors add up.
func TestBillingRunCountsEachEpisodeOnce(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		e1, e2 := newEpisode(t, db, `{}`), newEpisode(t, db, `{}`)
		var run store.BillingRun
		do(t, db, func(tx *store.Tx) error {
			var err error
			run, err = tx.CreateBillingRun(civil.Span{From: civil.FromYMD(2026, 3, 1), To: civil.FromYMD(2026, 3, 31)}, "")
			if err != nil {
				return err
			}
			if err := tx.StartBillingRun(run.ID, 2); err != nil {
				return err
			}
			c, r := sampleClaim()
			sc, err := tx.CreateClaim(store.NewClaim{EpisodeID: e1.ID, EpisodeVersion: 1, BillingRunID: run.ID, Claim: c, Result: r})
			if err != nil {
				return err
			}
			return tx.RecordBillingItem(run.ID, e1.ID, sc.ID, "")
		})
		err := db.Do(ctx, alice, func(tx *store.Tx) error {
			done, err := tx.BillingItemDone(run.ID, e1.ID)
			if !done || err != nil {
				t.Errorf("BillingItemDone %v %v", done, err)
			}
			return tx.RecordBillingItem(run.ID, e1.ID, "", "again")
		})
		wantCode(t, err, errs.Conflict)
		do(t, db, func(tx *store.Tx) error {
			if err := tx.RecordBillingItem(run.ID, e2.ID, "", "PD-1: no therapy in the period"); err != nil {
				return err
			}
			return tx.FinishBillingRun(run.ID, store.RunDone, "")
		})
		do(t, db, func(tx *store.Tx) error {
			r, err := tx.BillingRun(run.ID)
			if err != nil {
				return err
			}
			if r.State != store.RunDone || r.Total != 2 || r.Done != 1 || r.Failed != 1 || len(r.Errors) != 1 ||
				r.Errors[0].EpisodeID != e2.ID || r.FinishedAt == nil {
				t.Errorf("run %+v", r)
			}
			cs, _, err := tx.Claims(store.ClaimFilter{BillingRunID: run.ID}, store.Page{})
			if len(cs) != 1 {
				t.Errorf("%d claims of the run", len(cs))
			}
			if err != nil {
				return err
			}
			runs, _, err := tx.BillingRuns(store.Page{})
			if len(runs) != 1 || runs[0].Done != 1 || runs[0].Failed != 1 || len(runs[0].Errors) != 0 {
				t.Errorf("runs %+v", runs)
			}
			return err
		})
	})
}
