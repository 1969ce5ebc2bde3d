package web

import (
	"context"
	"strings"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/coding"
	"github.com/perdiem/perdiem/store"
)

// The pages read and write the store in transactions acting for the
// request's user (Options.Actor), so every read of patient data is in the
// audit log as the API's are.

func (h *Handler) do(ctx context.Context, fn func(tx *store.Tx) error) error {
	a := store.System
	if h.opt.Actor != nil {
		a = h.opt.Actor(ctx)
	}
	return h.opt.DB.Do(ctx, a, fn)
}

// Episode is one version of an episode as the pages show it.
type Episode struct {
	ID          string
	PatientID   string
	PatientName string
	PayerID     string
	Status      string
	Version     int
	// Document is the episode document (docs/input-format.md) as stored.
	Document []byte
	// Coding codes the document as the episode's claims are coded: under
	// its payer's profile (workspace.CodingOptions).
	Coding coding.Options
}

func (h *Handler) episode(ctx context.Context, id string) (*Episode, error) {
	var out *Episode
	err := h.do(ctx, func(tx *store.Tx) error {
		e, v, err := tx.Episode(id)
		if err != nil {
			return err
		}
		p, err := tx.Patient(e.PatientID)
		if err != nil {
			return err
		}
		opt, err := h.ws.CodingOptions(tx, e)
		if err != nil {
			return err
		}
		out = &Episode{ID: e.ID, PatientID: e.PatientID, PatientName: p.Name, PayerID: e.PayerID, Status: e.Status,
			Version: int(v.Version), Document: v.Document, Coding: opt}
		return nil
	})
	return out, err
}

func (h *Handler) saveEpisode(ctx context.Context, id string, base int, doc []byte) (int, error) {
	var v int
	err := h.do(ctx, func(tx *store.Tx) error {
		e, err := tx.UpdateEpisode(id, int64(base), doc)
		v = int(e.Version)
		return err
	})
	return v, err
}

// allPages reads every page of a list, up to limit items.
func allPages[T any](limit int, page func(p store.Page) ([]T, string, error)) ([]T, error) {
	var out []T
	p := store.Page{Limit: store.MaxLimit}
	for {
		items, next, err := page(p)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" || len(out) >= limit {
			return out, nil
		}
		p.Cursor = next
	}
}

// createClaim codes the latest version of an episode for a billing period
// under its payer's profile and stores the claim as a draft, as POST
// /v1/episodes/{id}/claims does (workspace.CreateClaim).
func (h *Handler) createClaim(ctx context.Context, episodeID string, period civil.Span) (store.Claim, error) {
	var out store.Claim
	err := h.do(ctx, func(tx *store.Tx) error {
		var err error
		out, err = h.ws.CreateClaim(tx, episodeID, period)
		return err
	})
	return out, err
}

// createInterchange puts claims in one 837P with the next control number
// (workspace.BuildInterchange). Interchanges the pages build are marked T
// (test) until the pharmacy's trading partner agreement says otherwise.
func (h *Handler) createInterchange(ctx context.Context, ids []string) (store.Interchange, error) {
	var out store.Interchange
	err := h.do(ctx, func(tx *store.Tx) error {
		var err error
		out, err = h.ws.BuildInterchange(tx, ids, "T")
		return err
	})
	return out, err
}

// claimLineWhy is a line's reasons as rule IDs with their sentences.
func claimLineWhy(l claim.Line) []CellReason {
	out := make([]CellReason, 0, len(l.Why))
	for _, r := range l.Why {
		out = append(out, reason(r.Rule, r.Text))
	}
	return out
}

// statusWords are the claim statuses as people say them.
var statusWords = map[store.Status]string{
	store.Draft:         "to check",
	store.Ready:         "ready to send",
	store.Submitted:     "submitted, waiting",
	store.Accepted999:   "accepted (999)",
	store.Rejected999:   "rejected (999)",
	store.Accepted277CA: "accepted by payer (277CA)",
	store.Rejected277CA: "rejected by payer (277CA)",
	store.Paid:          "paid",
	store.PartlyPaid:    "partly paid",
	store.Denied:        "denied",
}

func statusWord(s store.Status) string {
	if w, ok := statusWords[s]; ok {
		return w
	}
	return strings.ReplaceAll(string(s), "_", " ")
}
