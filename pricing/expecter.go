package pricing

import (
	"strings"
	"sync"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/money"
)

// Expecter gives the expected payment of each line of a claim under a
// contract, as reconciliation asks for it (remit.Expecter): it prices a
// claim when first asked about one of its lines and answers the others from
// that price.
type Expecter struct {
	Contract *Contract
	Options  Options

	mu    sync.Mutex
	last  *claim.Claim
	price *ClaimPrice
}

// Expected returns the expected payment of line i of c and the contract
// terms that set it; ok is false when the line is unpriced (no term gives
// it a rate) or the claim cannot be priced.
// Tolerance is the contract's reconciliation tolerance, for every claim
// (remit.Tolerances).
func (e *Expecter) Tolerance(*claim.Claim) (money.Amount, bool) {
	return e.Contract.VarianceTolerance(), true
}

func (e *Expecter) Expected(c *claim.Claim, i int) (amount money.Amount, term string, ok bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if c != e.last {
		e.last = c
		p, err := Price(c, e.Contract, e.Options)
		if err != nil {
			p = nil
		}
		e.price = p
	}
	if e.price == nil || i < 0 || i >= len(e.price.Lines) {
		return 0, "", false
	}
	lp := &e.price.Lines[i]
	if lp.Status == Unpriced {
		return 0, "", false
	}
	term = lp.TermIDs()
	if lp.LesserOf {
		term += " (lesser of charge)"
	}
	return lp.Expected, term, true
}

// TermIDs names the terms that priced the line, in day order, joined by
// ", " (one unless a term ends inside the line).
func (lp *LinePrice) TermIDs() string {
	var ids []string
	for _, p := range lp.Parts {
		if p.Term != "" && (len(ids) == 0 || ids[len(ids)-1] != p.Term) {
			ids = append(ids, p.Term)
		}
	}
	return strings.Join(ids, ", ")
}
