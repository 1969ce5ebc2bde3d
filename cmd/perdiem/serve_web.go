package main

import (
	"net/http"

	"github.com/perdiem/perdiem/server"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/web"
)

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
	opt.Web = web.New(web.Options{DB: db, Actor: server.ActorOf, Auth: auth, Codes: opt.Codes, Logger: opt.Logger})
	auth.srv = server.New(opt)
	return auth.srv
}
