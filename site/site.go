// Package site is the billing workspace's handler as perdiem serve
// runs it: the HTTP API of package server with the pages of package web
// mounted for every other path, the pages signing in, acting and checking
// CSRF tokens through the server's own sessions and roles. The command and
// the end-to-end tests of the pages start the same one.
package site

import (
	"net/http"

	"github.com/perdiem/perdiem/server"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/web"
)

// New returns the server of perdiem serve on db: the API under /v1, the
// pages for every other path. opt.DB and opt.Web are set here.
func New(db *store.DB, opt server.Options) *server.Server {
	a := &sessions{}
	opt.DB = db
	opt.Web = web.New(web.Options{DB: db, Actor: server.ActorOf, Auth: a, Codes: opt.Codes, ASP: opt.ASP, Logger: opt.Logger})
	a.srv = server.New(opt)
	return a.srv
}

// sessions gives the pages the server's sessions: who a request acts
// for, signing in and out.
type sessions struct{ srv *server.Server }

func (a *sessions) User(r *http.Request) *web.User {
	p := server.UserOf(r)
	if p == nil {
		return nil
	}
	return &web.User{Name: p.User.Name, Role: string(p.Role), CSRF: server.CSRFToken(r)}
}

func (a *sessions) SignIn(w http.ResponseWriter, r *http.Request, name, password string) error {
	_, _, err := a.srv.SignIn(w, r, name, password)
	return err
}

func (a *sessions) SignOut(w http.ResponseWriter, r *http.Request) error { return a.srv.SignOut(w, r) }
