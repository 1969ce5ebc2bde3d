package workspace_test

import (
	"strings"
	"testing"

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
// reasons, their ids (and LN-4, which names the claim) aside.
func sameLines(a, b store.Claim) bool {
	if len(a.Claim.Lines) != len(b.Claim.Lines) {
		return false
	}
	for i := range a.Claim.Lines {
		x, y := a.Claim.Lines[i], b.Claim.Lines[i]
		x.ID, y.ID = "", ""
		x.Why, y.Why = withoutRule(x.Why, "LN-4"), withoutRule(y.Why, "LN-4")
		if !linesEqual(x, y) {
			return false
		}
	}
	return true
}

func withoutRule(rs []claim.Reason, rule string) []claim.Reason {
	var out []claim.Reason
	for _, r := range rs {
		if r.Rule != rule {
			out = append(out, r)
		}
	}
	return out
}
