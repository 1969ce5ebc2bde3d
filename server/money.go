package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/remit"
	"github.com/perdiem/perdiem/scrub"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/workspace"
)

// The money loop in the server: a stored claim scrubbed before it leaves
// (and on its way to ready), and priced under its payer's contract.

// storedOthers are the store's claims for the duplicate edit (SC-21): a
// claim that has billed the service (store.ClaimsBilling) for the same
// patient at the same payer (scrub.PatientKey).
type storedOthers struct{ tx *store.Tx }

func (o storedOthers) Billed(sv scrub.Service, exclude string) (string, error) {
	cs, err := o.tx.ClaimsBilling(sv.Code, sv.From, sv.To, exclude)
	if err != nil {
		return "", err
	}
	for _, c := range cs {
		if scrub.PatientKey(c.Claim) == sv.Patient {
			return c.ID, nil
		}
	}
	return "", nil
}

// scrubAnswer is what the scrub found in one stored claim.
type scrubAnswer struct {
	ClaimID  string    `json:"claim_id"`
	Profile  string    `json:"profile"`
	Errors   int       `json:"errors"`
	Warnings int       `json:"warnings"`
	Findings []finding `json:"findings"`
}

// finding is a scrub finding with the field path, in the claim's answer
// (GET /v1/claims/{id}), of what it is about: claim.lines[i] for a line,
// claim for the whole claim.
type finding struct {
	scrub.Finding
	Path string `json:"path"`
}

func findingPath(f scrub.Finding) string {
	if f.Line > 0 {
		return "claim.lines[" + strconv.Itoa(f.Line-1) + "]"
	}
	return "claim"
}

// scrubStored checks a stored claim as it would go out: under its payer's
// profile (else the claim's own), with the facts of the episode version it
// was coded from (dosing intervals, visit minutes), and against the
// store's other claims for duplicates.
func (s *Server) scrubStored(tx *store.Tx, c store.Claim) (scrubAnswer, error) {
	prof, err := workspace.ClaimProfile(tx, c)
	if err != nil {
		return scrubAnswer{}, err
	}
	v, err := tx.EpisodeVersion(c.EpisodeID, c.EpisodeVersion)
	if err != nil {
		return scrubAnswer{}, err
	}
	doc, err := episode.Decode(v.Document)
	if err != nil {
		return scrubAnswer{}, fmt.Errorf("episode %s version %d no longer decodes: %w", c.EpisodeID, c.EpisodeVersion, err)
	}
	fs, err := scrub.Check(c.Claim, scrub.FactsOf(doc), scrub.Options{Codes: s.codes, Profile: prof, Others: storedOthers{tx}, ASP: s.opt.ASP})
	if err != nil {
		return scrubAnswer{}, err
	}
	a := scrubAnswer{ClaimID: c.ID, Profile: prof.ID, Findings: make([]finding, len(fs))}
	for i, f := range fs {
		a.Findings[i] = finding{Finding: f, Path: findingPath(f)}
		switch f.Severity {
		case scrub.Error:
			a.Errors++
		case scrub.Warning:
			a.Warnings++
		}
	}
	tx.Audit("scrub", "claim", c.ID, fmt.Sprintf("%d errors, %d warnings", a.Errors, a.Warnings))
	return a, nil
}

// scrubClaim answers POST /v1/claims/{id}/scrub: the findings of the
// stored claim. It changes nothing, so any role may ask.
func (s *Server) scrubClaim(w http.ResponseWriter, r *http.Request) error {
	return s.read(w, r, func(tx *store.Tx) (any, error) {
		c, err := tx.Claim(r.PathValue("id"))
		if err != nil {
			return nil, err
		}
		return s.scrubStored(tx, c)
	})
}

// scrubBeforeReady refuses to make a claim ready while the scrub finds an
// error in it (a payer would reject or deny it as it stands): a conflict
// listing each error-level finding at its path. Warnings and info let it
// through; the claim's scrub (POST /v1/claims/{id}/scrub) shows them.
func (s *Server) scrubBeforeReady(tx *store.Tx, id string) error {
	c, err := tx.Claim(id)
	if err != nil {
		return err
	}
	a, err := s.scrubStored(tx, c)
	if err != nil || a.Errors == 0 {
		return err
	}
	var probs []errs.Problem
	for _, f := range a.Findings {
		if f.Severity == scrub.Error {
			probs = append(probs, errs.Problem{Path: f.Path, Message: fmt.Sprintf("scrub %s (%s): %s", f.Edit, f.Rule, f.Message)})
		}
	}
	return &errs.Error{Code: errs.Conflict, Message: fmt.Sprintf("claim %s has %d scrub errors: it cannot be ready", c.ID, a.Errors), Problems: probs}
}

// priceClaim answers GET /v1/claims/{id}/price: what the claim should pay
// under its payer's contract, each line with the terms and contract
// figures (field paths) that set it, as `perdiem price --format json`
// gives a claim.
func (s *Server) priceClaim(w http.ResponseWriter, r *http.Request) error {
	return s.read(w, r, func(tx *store.Tx) (any, error) {
		c, err := tx.Claim(r.PathValue("id"))
		if err != nil {
			return nil, err
		}
		p, err := s.ws.Price(tx, c)
		if err != nil {
			return nil, err
		}
		return p, nil
	})
}

// claimReconciliations answers GET /v1/claims/{id}/reconciliations: what
// each received 835 did to the claim, as reconciliation found it, oldest
// first.
func (s *Server) claimReconciliations(w http.ResponseWriter, r *http.Request) error {
	return s.read(w, r, func(tx *store.Tx) (any, error) {
		rs, err := tx.ClaimReconciliations(r.PathValue("id"))
		return newList(rs, ""), err
	})
}

// flagKinds are the kinds of flags a claim can carry, for ?flag=.
var flagKinds = []remit.FlagKind{remit.Underpaid, remit.Overpaid, remit.DeniedFlag, remit.Reversal, remit.Correction,
	remit.UnmatchedLine, remit.LineNotAnswered, remit.ChargeDiffers, remit.UnitsChanged, remit.CodeChanged, remit.SplitLine, remit.ForwardedFlag}

// checkFlag checks ?flag=.
func checkFlag(f string) error {
	var names []string
	for _, k := range flagKinds {
		if string(k) == f {
			return nil
		}
		names = append(names, string(k))
	}
	return errs.Invalids([]errs.Problem{{Path: "?flag", Message: "want one of " + strings.Join(names, ", ")}})
}
