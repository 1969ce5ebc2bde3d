package main

import (
	"context"

	"github.com/perdiem/perdiem/server"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/web"
)

// webStore gives the pages what they read from the store, in transactions
// that act for the request's user so the audit log names them.
type webStore struct{ db *store.DB }

func (s webStore) Episode(ctx context.Context, id string) (*web.Episode, error) {
	var out web.Episode
	err := s.db.Do(ctx, server.ActorOf(ctx), func(tx *store.Tx) error {
		e, v, err := tx.Episode(id)
		if err != nil {
			return err
		}
		p, err := tx.Patient(e.PatientID)
		if err != nil {
			return err
		}
		out = web.Episode{ID: e.ID, PatientID: e.PatientID, PatientName: p.Name, Version: int(v.Version), Document: v.Document}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
