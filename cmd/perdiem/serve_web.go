package main

import (
	"context"
	"net/http"

	"github.com/perdiem/perdiem/server"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/web"
)

// webStore gives the pages what they read and write in the store, in
// transactions that act for the request's user so the audit log names
// them.
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

func (s webStore) SaveEpisode(ctx context.Context, id string, base int, doc []byte) (int, error) {
	var version int64
	err := s.db.Do(ctx, server.ActorOf(ctx), func(tx *store.Tx) error {
		e, err := tx.UpdateEpisode(id, int64(base), doc)
		version = e.Version
		return err
	})
	return int(version), err
}

// webAuth gives the pages the server's sessions: who a request acts for,
// signing in and out.
type webAuth struct{ srv *server.Server }

func (a *webAuth) User(r *http.Request) *web.User {
	p := server.UserOf(r)
	if p == nil {
		return nil
	}
	return &web.User{Name: p.User.Name, Role: string(p.Role), CSRF: server.CSRFToken(r)}
}

func (a *webAuth) SignIn(w http.ResponseWriter, r *http.Request, name, password string) error {
	_, _, err := a.srv.SignIn(w, r, name, password)
	return err
}

func (a *webAuth) SignOut(w http.ResponseWriter, r *http.Request) error { return a.srv.SignOut(w, r) }

// newHandler is the server of perdiem serve: the API, with the pages
// mounted for every other path.
func newHandler(db *store.DB, opt server.Options) *server.Server {
	auth := &webAuth{}
	opt.DB = db
	opt.Web = web.New(web.Options{Store: webStore{db}, Auth: auth, Codes: opt.Codes, Logger: opt.Logger})
	auth.srv = server.New(opt)
	return auth.srv
}
