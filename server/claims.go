package server

import (
	"net/http"
	"strings"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/workspace"
)

type periodBody struct {
	From civil.Date `json:"from"`
	To   civil.Date `json:"to"`
}

// createClaim answers POST /v1/episodes/{id}/claims: the episode's current
// version coded for the period under its payer's profile into a claim,
// stored as a draft that remembers the version it came from
// (workspace.CreateClaim).
func (s *Server) createClaim(w http.ResponseWriter, r *http.Request) error {
	body, err := readJSON(w, r, maxSmall)
	if err != nil {
		return err
	}
	var req periodBody
	if err := strictDecode(body, &req); err != nil {
		return err
	}
	period, err := workspace.CheckPeriod(req.From, req.To)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	return s.writeFinal(w, r, body, func(tx *store.Tx) (int, any, error) {
		c, err := s.ws.CreateClaim(tx, id, period)
		return http.StatusCreated, c, err
	})
}

// claimAnswer is a claim with its status history.
type claimAnswer struct {
	store.Claim
	History []store.StatusChange `json:"history"`
}

func (s *Server) getClaim(w http.ResponseWriter, r *http.Request) error {
	return s.read(w, r, func(tx *store.Tx) (any, error) {
		c, err := tx.Claim(r.PathValue("id"))
		if err != nil {
			return nil, err
		}
		h, err := tx.ClaimHistory(c.ID)
		return claimAnswer{Claim: c, History: h}, err
	})
}

func (s *Server) listClaims(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.ClaimFilter{Status: store.Status(q.Get("status")), PatientID: q.Get("patient_id"), EpisodeID: q.Get("episode_id"),
		PayerID: q.Get("payer_id"), BillingRunID: q.Get("billing_run_id"), Flag: q.Get("flag")}
	if f.Status != "" && !f.Status.Valid() {
		return errs.Invalids([]errs.Problem{{Path: "?status", Message: "want one of " + statusNames()}})
	}
	if f.Flag != "" {
		if err := checkFlag(f.Flag); err != nil {
			return err
		}
	}
	return s.read(w, r, func(tx *store.Tx) (any, error) {
		cs, next, err := tx.Claims(f, p)
		return newList(cs, next), err
	})
}

func statusNames() string {
	var names []string
	for _, s := range store.Statuses {
		names = append(names, string(s))
	}
	return strings.Join(names, ", ")
}

type statusBody struct {
	Status string `json:"status"`
}

// setClaimStatus answers POST /v1/claims/{id}/status: a biller marks a
// draft ready (refused while the scrub finds an error in it), or takes a
// rejected or denied claim back to draft.
func (s *Server) setClaimStatus(w http.ResponseWriter, r *http.Request) error {
	body, err := readJSON(w, r, maxSmall)
	if err != nil {
		return err
	}
	var req statusBody
	if err := strictDecode(body, &req); err != nil {
		return err
	}
	st := store.Status(req.Status)
	if st != store.Draft && st != store.Ready {
		return errs.Invalids([]errs.Problem{{Path: "status", Message: "want draft or ready: the other statuses come from interchanges, acknowledgments and remittances"}})
	}
	id := r.PathValue("id")
	return s.write(w, r, body, func(tx *store.Tx) (int, any, error) {
		if st == store.Ready {
			if err := s.scrubBeforeReady(tx, id); err != nil {
				return 0, nil, err
			}
		}
		if err := tx.SetClaimStatus(store.ClaimChange{ClaimID: id, Status: st}, store.Source{Kind: "user", ID: actor(r).UserID}); err != nil {
			return 0, nil, err
		}
		c, err := tx.Claim(id)
		if err != nil {
			return 0, nil, err
		}
		h, err := tx.ClaimHistory(id)
		return http.StatusOK, claimAnswer{Claim: c, History: h}, err
	})
}

type interchangeBody struct {
	Claims []string `json:"claims"`
	Usage  string   `json:"usage"`
}

// createInterchange answers POST /v1/interchanges: the claims, in the
// order given, written as one 837P under the next control number of the
// database's counter, in the transaction that stores it and marks the
// claims submitted (workspace.BuildInterchange).
func (s *Server) createInterchange(w http.ResponseWriter, r *http.Request) error {
	body, err := readJSON(w, r, maxSmall)
	if err != nil {
		return err
	}
	var req interchangeBody
	if err := strictDecode(body, &req); err != nil {
		return err
	}
	return s.write(w, r, body, func(tx *store.Tx) (int, any, error) {
		ic, err := s.ws.BuildInterchange(tx, req.Claims, req.Usage)
		return http.StatusCreated, ic, err
	})
}

func (s *Server) getInterchange(w http.ResponseWriter, r *http.Request) error {
	return s.read(w, r, func(tx *store.Tx) (any, error) { return tx.Interchange(r.PathValue("id")) })
}

func (s *Server) listInterchanges(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	return s.read(w, r, func(tx *store.Tx) (any, error) {
		is, next, err := tx.Interchanges(p)
		return newList(is, next), err
	})
}

// interchange837 answers the exact bytes sent (workspace.Download837).
func (s *Server) interchange837(w http.ResponseWriter, r *http.Request) error {
	var ic store.Interchange
	if err := s.db.Do(r.Context(), actor(r), func(tx *store.Tx) error {
		var err error
		ic, err = workspace.Download837(tx, r.PathValue("id"))
		return err
	}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/edi-x12")
	w.Header().Set("Content-Disposition", `attachment; filename="`+ic.ID+`.837"`)
	w.Write(ic.Content)
	return nil
}
