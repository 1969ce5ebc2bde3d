package server

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/perdiem/perdiem/auth"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/store"
)

// SessionCookie is the name of the sign-in session's cookie.
const SessionCookie = "perdiem_session"

// CSRFHeader is the header that carries a session's CSRF token on a write;
// a form may send it as the field CSRFField instead.
const (
	CSRFHeader = "X-CSRF-Token"
	CSRFField  = "csrf_token"
)

// sessionLife is how long a sign-in lasts.
const sessionLife = 12 * time.Hour

// Sign-in limits: failures within signInWindow, per account name and per
// client address.
const (
	signInWindow      = 15 * time.Minute
	maxFailuresByName = 5
	maxFailuresByAddr = 20
)

// Access is what an operation needs of its caller.
type Access int

// The levels of access: anyone; any signed-in role (reading); a role that
// writes (biller, admin); admin.
const (
	Public Access = iota
	Read
	Write
	Administer
)

// Principal is who a request acts for: a user, and how they proved it.
type Principal struct {
	User store.User
	Role auth.Role
	// Session is true for a sign-in cookie, false for a bearer token.
	Session bool
	csrf    string
}

// UserOf returns who r acts for, or nil for a request that is signed out.
func UserOf(r *http.Request) *Principal {
	if st := stateOf(r.Context()); st != nil {
		return st.p
	}
	return nil
}

// CSRFToken is the token a page puts in its forms (field CSRFField) or
// scripts send as the CSRFHeader header for a write made with r's
// session; "" when r has no session.
func CSRFToken(r *http.Request) string {
	if p := UserOf(r); p != nil && p.Session {
		return p.csrf
	}
	return ""
}

// Allowed says whether r may do what needs a: nil, or an *Error with
// 401 (signed out) or 403 (a role that may not).
func Allowed(r *http.Request, a Access) error {
	if a == Public {
		return nil
	}
	p := UserOf(r)
	if p == nil {
		return errUnauthorized
	}
	switch {
	case a == Write && !p.Role.CanWrite(), a == Administer && !p.Role.CanAdmin():
		return errForbidden
	}
	return nil
}

var (
	errUnauthorized = &Error{Status: http.StatusUnauthorized, Code: codeUnauthorized, Message: "sign in, or send a bearer token"}
	errForbidden    = &Error{Status: http.StatusForbidden, Code: codeForbidden, Message: "your role may not do this"}
	errBadToken     = &Error{Status: http.StatusUnauthorized, Code: codeUnauthorized, Message: "the bearer token is not valid"}
	errCSRF         = &Error{Status: http.StatusForbidden, Code: codeForbidden, Message: "a write with a sign-in session needs its CSRF token in the " + CSRFHeader + " header"}
)

// authenticate finds who r acts for: a bearer token in Authorization, else
// a session cookie. A credential that is given but not valid is an error
// (401), not a signed-out request.
func (s *Server) authenticate(r *http.Request) (*Principal, error) {
	if s.db == nil {
		return nil, nil
	}
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") || !auth.HasPrefix(strings.TrimSpace(tok), auth.TokenPrefix) {
			return nil, errBadToken
		}
		hash := auth.HashSecret(strings.TrimSpace(tok))
		now := s.now()
		p, gen := s.auth.get([32]byte(hash), false, now)
		if p != nil {
			return p, nil
		}
		u, err := s.db.UserByToken(r.Context(), hash)
		if errs.CodeOf(err) == errs.NotFound {
			return nil, errBadToken
		}
		if err != nil {
			return nil, err
		}
		p = &Principal{User: u, Role: auth.Role(u.Role)}
		s.auth.put([32]byte(hash), p, now, time.Time{}, gen)
		return p, nil
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || !auth.HasPrefix(c.Value, auth.SessionPrefix) {
		return nil, nil // no session, or a cookie of no use: signed out
	}
	hash := auth.HashSecret(c.Value)
	now := s.now()
	p, gen := s.auth.get([32]byte(hash), true, now)
	if p != nil {
		return p, nil
	}
	u, csrf, expires, err := s.db.UserBySession(r.Context(), hash)
	if errs.CodeOf(err) == errs.NotFound {
		return nil, nil // expired or ended: signed out
	}
	if err != nil {
		return nil, err
	}
	p = &Principal{User: u, Role: auth.Role(u.Role), Session: true, csrf: csrf}
	s.auth.put([32]byte(hash), p, now, expires, gen)
	return p, nil
}

// checkCSRF refuses a write made with a session cookie unless it carries
// the session's CSRF token (header, or form field for a page's form). A
// bearer token is not sent by browsers on their own, so needs none.
func checkCSRF(r *http.Request, p *Principal) error {
	if p == nil || !p.Session {
		return nil
	}
	switch r.Method {
	case "GET", "HEAD", "OPTIONS":
		return nil
	}
	tok := r.Header.Get(CSRFHeader)
	if tok == "" && !strings.HasPrefix(r.URL.Path, "/v1/") {
		tok = r.PostFormValue(CSRFField)
	}
	if tok == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(p.csrf)) != 1 {
		return errCSRF
	}
	return nil
}

// remote is the client's address for the audit log and the sign-in limit.
func remote(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// actor is the store's record of who r acts for and from where.
func actor(r *http.Request) store.Actor {
	a := store.Actor{Remote: remote(r)}
	if p := UserOf(r); p != nil {
		a.UserID = p.User.ID
	}
	return a
}

// ActorOf is who a request's context acts for and from where, for the
// audit log of what a page reads or writes in the store: the context of a
// request the server passed to Options.Web.
func ActorOf(ctx context.Context) store.Actor {
	if st := stateOf(ctx); st != nil {
		return st.actor
	}
	return store.Actor{}
}

// SignIn checks name and password and on success starts a session: its
// cookie is set on w, and the session's CSRF token returned. Attempts are
// counted per name and per address in the database, so the limits hold
// across every server on it, and from before the password is checked, so
// attempts made at once count too; past a limit every attempt is refused
// (429) until the oldest failure is 15 minutes old, whatever the password.
// A success clears its name's count. An unknown name and a wrong password
// are told apart neither by the answer nor by its time.
func (s *Server) SignIn(w http.ResponseWriter, r *http.Request, name, password string) (store.User, string, error) {
	if s.db == nil {
		return store.User{}, "", errUnauthorized
	}
	now := s.now()
	addr := remote(r)
	byName := store.SignInLimit{Scope: "name", Subject: name, Max: maxFailuresByName}
	limits := []store.SignInLimit{byName, {Scope: "address", Subject: addr, Max: maxFailuresByAddr}}
	var u store.User
	var hash, attempt string
	var wait time.Duration
	var lookup error // the account's; an unknown name is counted as any failure
	if err := s.db.Do(r.Context(), actor(r), func(tx *store.Tx) error {
		var err error
		if attempt, wait, err = tx.BeginSignIn(limits, now, signInWindow); err != nil || attempt == "" {
			return err
		}
		u, hash, lookup = tx.UserByName(name)
		if errs.CodeOf(lookup) == errs.NotFound {
			return nil
		}
		return lookup
	}); err != nil {
		return store.User{}, "", err
	}
	if attempt == "" {
		secs := int(wait/time.Second) + 1
		w.Header().Set("Retry-After", fmt.Sprint(secs))
		return store.User{}, "", &Error{Status: http.StatusTooManyRequests, Code: codeRateLimited,
			Message: fmt.Sprintf("too many failed sign-ins; try again in %d seconds", secs)}
	}
	ok := false
	if lookup == nil {
		ok = auth.CheckPassword(password, hash) && !u.Disabled
	} else {
		auth.WasteTime(password)
	}
	if !ok {
		return store.User{}, "", &Error{Status: http.StatusUnauthorized, Code: codeUnauthorized, Message: "wrong name or password"}
	}
	secret, sh := auth.NewSecret(auth.SessionPrefix)
	csrf, _ := auth.NewSecret("")
	expires := now.Add(sessionLife)
	if err := s.db.Do(r.Context(), store.Actor{UserID: u.ID, Remote: addr}, func(tx *store.Tx) error {
		if err := tx.SignInSucceeded(attempt, byName); err != nil {
			return err
		}
		return tx.CreateSession(u.ID, sh, csrf, expires)
	}); err != nil {
		return store.User{}, "", err
	}
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: secret, Path: "/", Expires: expires, MaxAge: int(sessionLife / time.Second),
		HttpOnly: true, Secure: s.opt.TLS, SameSite: http.SameSiteLaxMode,
	})
	return u, csrf, nil
}

// SignOut ends r's session, if it has one, and clears its cookie.
func (s *Server) SignOut(w http.ResponseWriter, r *http.Request) error {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.opt.TLS, SameSite: http.SameSiteLaxMode})
	c, err := r.Cookie(SessionCookie)
	if err != nil || s.db == nil {
		return nil
	}
	return s.db.Do(r.Context(), actor(r), func(tx *store.Tx) error {
		return tx.DeleteSession(auth.HashSecret(c.Value))
	})
}

// signInRequest is the body of POST /v1/sessions.
type signInRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

type sessionAnswer struct {
	User      store.User `json:"user"`
	CSRFToken string     `json:"csrf_token"`
}

func (s *Server) createSession(w http.ResponseWriter, r *http.Request) error {
	var req signInRequest
	if err := decodeJSON(w, r, maxSmall, &req); err != nil {
		return err
	}
	u, csrf, err := s.SignIn(w, r, req.Name, req.Password)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sessionAnswer{User: u, CSRFToken: csrf})
	return nil
}

func (s *Server) deleteSession(w http.ResponseWriter, r *http.Request) error {
	if err := s.SignOut(w, r); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type meAnswer struct {
	User      store.User `json:"user"`
	Via       string     `json:"via"`
	CSRFToken string     `json:"csrf_token,omitempty"`
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	p := UserOf(r)
	a := meAnswer{User: p.User, Via: "token"}
	if p.Session {
		a.Via, a.CSRFToken = "session", p.csrf
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}
