package workspace_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/store"
)

func TestBillEpisode(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		bare := f.newEpisode(f.payer, without(t, f.doc, "claim"))
		var run store.BillingRun
		f.do(func(tx *store.Tx) error {
			var err error
			if run, err = tx.QueueBillingRun(may, f.payer); err != nil {
				return err
			}
			if err := tx.StartBillingRun(run.ID, 2); err != nil {
				return err
			}
			for range 2 {
				// A job retried bills an episode once.
				if err := f.ws.BillEpisode(tx, run, f.episode); err != nil {
					return err
				}
			}
			return f.ws.BillEpisode(tx, run, bare)
		})
		f.do(func(tx *store.Tx) error {
			got, err := tx.BillingRun(run.ID)
			if err != nil {
				return err
			}
			if got.Done != 1 || got.Failed != 1 || len(got.Errors) != 1 || got.Errors[0].EpisodeID != bare || !strings.HasPrefix(got.Errors[0].Message, "claim: ") {
				t.Errorf("run %+v", got)
			}
			cs, _, err := tx.Claims(store.ClaimFilter{BillingRunID: run.ID}, store.Page{})
			if len(cs) != 1 || cs[0].EpisodeID != f.episode || cs[0].Status != store.Draft {
				t.Errorf("claims of the run %+v", cs)
			}
			return err
		})
		// The run's claim is coded as a claim made by hand.
		var byRun store.Claim
		f.do(func(tx *store.Tx) error {
			cs, _, err := tx.Claims(store.ClaimFilter{BillingRunID: run.ID}, store.Page{})
			if err == nil {
				byRun, err = tx.Claim(cs[0].ID)
			}
			return err
		})
		if byHand := f.newClaim(f.episode); !sameLines(byRun, byHand) {
			t.Errorf("a run's claim and a claim by hand differ:\n%+v\n%+v", byRun.Claim.Lines, byHand.Claim.Lines)
		}
	})
}

// sameLines reports whether two claims bill the same lines with the same
// reasons, the claims' ids (which line ids and LN-4 carry) aside.
func sameLines(a, b store.Claim) bool {
	if len(a.Claim.Lines) != len(b.Claim.Lines) {
		return false
	}
	for i := range a.Claim.Lines {
		x, y := anonymous(a.Claim.Lines[i], a.ID), anonymous(b.Claim.Lines[i], b.ID)
		if !reflect.DeepEqual(x, y) {
			return false
		}
	}
	return true
}

// anonymous is l with its claim's id taken out.
func anonymous(l claim.Line, id string) claim.Line {
	l.ID = strings.ReplaceAll(l.ID, id, "CLAIM")
	l.Why = append([]claim.Reason(nil), l.Why...)
	for i := range l.Why {
		l.Why[i].Text = strings.ReplaceAll(l.Why[i].Text, id, "CLAIM")
	}
	return l
}

// A billing run never bills an episode's days twice: a run over days the
// episode already has a claim for records why it made none, and a run of
// the days after bills them.
func TestBillingRunSkipsBilledPeriods(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		early := civil.Span{From: civil.FromYMD(2026, 5, 1), To: civil.FromYMD(2026, 5, 7)}
		late := civil.Span{From: civil.FromYMD(2026, 5, 13), To: civil.FromYMD(2026, 5, 31)}
		var first store.Claim
		f.do(func(tx *store.Tx) error {
			var err error
			first, err = f.ws.CreateClaim(tx, f.episode, early)
			return err
		})
		bill := func(period civil.Span) (run store.BillingRun) {
			f.do(func(tx *store.Tx) error {
				var err error
				run, err = tx.QueueBillingRun(period, f.payer)
				if err == nil {
					err = tx.StartBillingRun(run.ID, 1)
				}
				if err == nil {
					err = f.ws.BillEpisode(tx, run, f.episode)
				}
				return err
			})
			return run
		}
		whole, second := bill(may), bill(late)
		f.do(func(tx *store.Tx) error {
			got, err := tx.BillingRun(whole.ID)
			if err != nil {
				return err
			}
			want := "already billed: claim " + first.ID + " (draft) covers 05/01/2026 to 05/07/2026"
			if got.Failed != 1 || len(got.Errors) != 1 || !strings.HasPrefix(got.Errors[0].Message, want) {
				t.Errorf("May's run: %+v; want one episode not coded: %s", got, want)
			}
			if cs, _, err := tx.Claims(store.ClaimFilter{BillingRunID: whole.ID}, store.Page{}); err != nil || len(cs) != 0 {
				t.Errorf("May's run made claims %+v (%v)", cs, err)
			}
			cs, _, err := tx.Claims(store.ClaimFilter{BillingRunID: second.ID}, store.Page{})
			if len(cs) != 1 || cs[0].Period != late {
				r, _ := tx.BillingRun(second.ID)
				t.Errorf("the run of 05/13-05/31: claims %+v; want one for those days (run %+v)", cs, r)
			}
			return err
		})
	})
}
