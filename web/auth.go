package web

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"

	"github.com/perdiem/perdiem/errs"
)

// User is who a page is shown to.
type User struct {
	Name string
	// Role is admin, biller or auditor: billers and admins write, auditors
	// only read, admins also manage users and read the audit log.
	Role string
	// CSRF is the token the session's forms carry in CSRFField.
	CSRF string
}

// CanWrite says whether the user's role may change records.
func (u *User) CanWrite() bool { return u != nil && (u.Role == "admin" || u.Role == "biller") }

// CanAdmin says whether the user's role manages users and reads the audit log.
func (u *User) CanAdmin() bool { return u != nil && u.Role == "admin" }

// CSRFField is the form field that carries the session's CSRF token, the
// one the server checks on a page's POST.
const CSRFField = "csrf_token"

// Auth is the server's sign-in: who a request acts for, and starting and
// ending a session.
type Auth interface {
	// User returns who r acts for, or nil when r is signed out.
	User(r *http.Request) *User
	// SignIn checks the name and password and sets the session cookie on
	// w; a wrong pair is an error, whose message the form shows.
	SignIn(w http.ResponseWriter, r *http.Request, name, password string) error
	// SignOut ends r's session.
	SignOut(w http.ResponseWriter, r *http.Request) error
}

// guard lets the sign-in page and the static files through, sends a
// signed-out request to sign in, and refuses a write to a role that only
// reads or to a form without the session's CSRF token.
func (h *Handler) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/login" {
			next.ServeHTTP(w, r)
			return
		}
		u := h.opt.Auth.User(r)
		if u == nil {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			h.fail(w, r, errs.Errorf(errs.Invalid, "sign in first"))
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if r.URL.Path != "/logout" && !writesAllowed(r.URL.Path, u) {
				h.forbidden(w, r)
				return
			}
			tok := r.PostFormValue(CSRFField)
			if tok == "" {
				tok = r.Header.Get("X-CSRF-Token")
			}
			if u.CSRF == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(u.CSRF)) != 1 {
				h.forbidden(w, r)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// writesAllowed says whether u may POST to path: previews and file checks
// change nothing and are open to every role; admin pages need an admin.
func writesAllowed(path string, u *User) bool {
	switch {
	case strings.HasSuffix(path, "/preview"), path == "/files/validate":
		return true
	case strings.HasPrefix(path, "/admin"):
		return u.CanAdmin()
	}
	return u.CanWrite()
}

func (h *Handler) forbidden(w http.ResponseWriter, r *http.Request) {
	h.renderError(w, r, http.StatusForbidden, "Your role may not do this, or the form is stale: reload the page and try again.")
}

type loginPage struct {
	Next  string
	Name  string
	Error string
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	next := r.FormValue("next")
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/login") {
		next = "/"
	}
	if r.Method != http.MethodPost {
		h.render(w, r, http.StatusOK, "login", page{Title: "Sign in", Data: loginPage{Next: next}})
		return
	}
	name := r.PostFormValue("name")
	if err := h.opt.Auth.SignIn(w, r, name, r.PostFormValue("password")); err != nil {
		msg := "The name or the password is not right."
		if errs.CodeOf(err) != errs.Invalid && errs.CodeOf(err) != errs.NotFound {
			msg = err.Error()
		}
		h.render(w, r, http.StatusUnauthorized, "login", page{Title: "Sign in", Data: loginPage{Next: next, Name: name, Error: msg}})
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	if err := h.opt.Auth.SignOut(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
