package workspace

import (
	"encoding/json"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/pricing"
	"github.com/perdiem/perdiem/remit"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/x12/x835"
)

// DecodeContract reads a payer's contract (docs/pricing.md), each problem
// at its path under "contract". The store holds no price list, so the
// lines an ndc-price basis would price are unpriced.
func DecodeContract(raw []byte) (*pricing.Contract, error) {
	k, err := pricing.Decode(raw)
	if err != nil {
		probs := errs.ProblemsOf(err)
		if len(probs) == 0 {
			probs = []errs.Problem{{Message: err.Error()}}
		}
		for i := range probs {
			if probs[i].Path == "" {
				probs[i].Path = "contract"
			} else {
				probs[i].Path = "contract." + probs[i].Path
			}
		}
		return nil, errs.Invalids(probs)
	}
	return k, nil
}

// PayerContract is the contract of a claim's payer; a claim without a
// payer, or whose payer has no contract, is not found, and a stored
// contract with problems is a conflict listing them.
func PayerContract(tx *store.Tx, c store.Claim) (*pricing.Contract, error) {
	if c.PayerID == "" {
		return nil, errs.Errorf(errs.NotFound, "claim %s has no payer, so no contract to price it by", c.ID)
	}
	p, err := tx.Payer(c.PayerID)
	if err != nil {
		return nil, err
	}
	if len(p.Contract) == 0 {
		return nil, errs.Errorf(errs.NotFound, "payer %s has no contract: give the payer one to price its claims", p.ID)
	}
	k, err := DecodeContract(p.Contract)
	if err != nil {
		return nil, &errs.Error{Code: errs.Conflict, Message: "payer " + p.ID + "'s contract", Problems: errs.ProblemsOf(err)}
	}
	return k, nil
}

// Price is what a stored claim (with its claim.Claim) should pay under
// its payer's contract.
func (s *Service) Price(tx *store.Tx, c store.Claim) (*pricing.ClaimPrice, error) {
	k, err := PayerContract(tx, c)
	if err != nil {
		return nil, err
	}
	p, err := pricing.Price(c.Claim, k, pricing.Options{ASP: s.asp})
	if err != nil {
		return nil, err
	}
	tx.Audit("price", "claim", c.ID, "contract "+k.ID)
	return p, nil
}

// byClaim gives each claim the expected payments of its own payer's
// contract; a claim whose payer has none has no expected amounts.
type byClaim map[string]remit.Expecter

func (b byClaim) Expected(c *claim.Claim, i int) (money.Amount, string, bool) {
	if e := b[c.ID]; e != nil {
		return e.Expected(c, i)
	}
	return 0, "", false
}

// Tolerance is the tolerance of c's payer's contract (its "tolerance",
// else pricing.DefaultTolerance): how far the allowed amounts may be from
// the expected ones before reconciliation flags them.
func (b byClaim) Tolerance(c *claim.Claim) (money.Amount, bool) {
	if t, ok := b[c.ID].(remit.Tolerances); ok {
		return t.Tolerance(c)
	}
	return 0, false
}

// reconcile reconciles the remittances with the claims they pay (package
// remit), each priced under its payer's contract when it has one, and
// gives each claim's outcome and reconciliation to keep.
func (s *Service) reconcile(tx *store.Tx, claims []store.Claim, rems []*x835.Remittance) (map[string]*remit.ClaimOutcome, map[string]store.Reconciliation, error) {
	cls := make([]*claim.Claim, len(claims))
	exp := byClaim{}
	contracts := map[string]*pricing.Contract{}
	for i, c := range claims {
		cls[i] = c.Claim
		if c.PayerID == "" {
			continue
		}
		k, ok := contracts[c.PayerID]
		if !ok {
			var err error
			k, err = PayerContract(tx, c)
			switch errs.CodeOf(err) {
			case "":
			case errs.NotFound, errs.Conflict:
				k = nil // reconciled without expected amounts
			default:
				return nil, nil, err
			}
			contracts[c.PayerID] = k
		}
		if k != nil {
			exp[c.ID] = &pricing.Expecter{Contract: k, Options: pricing.Options{ASP: s.asp}}
		}
	}
	r := remit.NewReconciler(cls, remit.Options{Expecter: exp, Tolerance: pricing.DefaultTolerance})
	payments := map[string][]*remit.ClaimPayment{}
	for _, rem := range rems {
		out, err := r.Add(rem)
		if err != nil {
			return nil, nil, err
		}
		for _, cp := range out.Claims {
			if cp.ClaimID != "" {
				payments[cp.ClaimID] = append(payments[cp.ClaimID], cp)
			}
		}
	}
	outcomes, _ := r.Finish()
	byID := map[string]*remit.ClaimOutcome{}
	recs := map[string]store.Reconciliation{}
	for _, o := range outcomes {
		if o.Outcome == remit.NoRemittance {
			continue
		}
		byID[o.ClaimID] = o
		rc := store.Reconciliation{ClaimID: o.ClaimID, Outcome: string(o.Outcome), Billed: o.Billed, Expected: o.Expected,
			Paid: o.Paid, PatientResponsibility: o.PatientResponsibility, Flags: []store.Flag{}}
		add := func(fs []remit.Flag) {
			for _, f := range fs {
				rc.Flags = append(rc.Flags, store.Flag{Kind: string(f.Kind), Message: f.Message})
			}
		}
		add(o.Flags)
		for _, cp := range payments[o.ClaimID] {
			add(cp.Flags)
			for _, l := range cp.Lines {
				add(l.Flags)
			}
		}
		var err error
		if rc.Payments, err = json.Marshal(payments[o.ClaimID]); err != nil {
			return nil, nil, err
		}
		recs[o.ClaimID] = rc
	}
	return byID, recs, nil
}
