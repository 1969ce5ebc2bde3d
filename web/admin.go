package web

import (
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/perdiem/perdiem/auth"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/store"
)

// auditPageSize is how many audit entries one page of the log shows,
// newest first; older ones are a link away.
const auditPageSize = 100

// adminPage is the users and tokens page: the users and their roles, the
// forms that add a user and a token, the tokens. NewToken is the secret of
// a token just made, shown this once.
type adminPage struct {
	Self     string
	Users    []store.User
	Tokens   []tokenRow
	NewUser  userForm
	NewToken *newToken
	TokenFor tokenForm
	Note     string
	Roles    []string
}

type tokenRow struct {
	store.Token
	UserName string
}

type userForm struct {
	Name, Role string
	Problems   map[string]string
}

type tokenForm struct {
	User, Name string
	Problems   map[string]string
}

type newToken struct {
	UserName, Name, Secret string
}

// notes are what the page says after an action, by the key the action
// redirects with.
var notes = map[string]string{
	"created":  "The user was added.",
	"role":     "The role was changed.",
	"disabled": "The user was disabled: their sessions have ended and their tokens no longer work.",
	"enabled":  "The user was enabled.",
	"revoked":  "The token was revoked: it no longer works.",
}

// admin shows the users and roles and the API tokens. Admins only (the
// guard, the server and here). The audit log filters it once carried go
// to the audit page.
func (h *Handler) admin(w http.ResponseWriter, r *http.Request) {
	if !h.opt.Auth.User(r).CanAdmin() {
		h.forbidden(w, r)
		return
	}
	q := r.URL.Query()
	for _, k := range []string{"actor", "kind", "record", "action"} {
		if q.Has(k) {
			http.Redirect(w, r, "/admin/audit?"+r.URL.RawQuery, http.StatusSeeOther)
			return
		}
	}
	h.renderAdmin(w, r, http.StatusOK, adminPage{Note: notes[q.Get("done")]})
}

func (h *Handler) renderAdmin(w http.ResponseWriter, r *http.Request, status int, pg adminPage) {
	pg.Self = h.opt.Auth.User(r).Name
	pg.Roles = []string{string(store.RoleBiller), string(store.RoleAuditor), string(store.RoleAdmin)}
	if pg.NewUser.Role == "" {
		pg.NewUser.Role = string(store.RoleBiller)
	}
	err := h.do(r.Context(), func(tx *store.Tx) error {
		var err error
		if pg.Users, err = allPages(maxListed, tx.Users); err != nil {
			return err
		}
		names := map[string]string{}
		for _, u := range pg.Users {
			names[u.ID] = u.Name
		}
		tokens, err := tx.Tokens("")
		for _, t := range tokens {
			pg.Tokens = append(pg.Tokens, tokenRow{Token: t, UserName: names[t.UserID]})
		}
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, "admin", page{Title: "Admin: users and tokens", Nav: "admin", Data: pg})
}

// adminDone goes back to the admin page saying what was done.
func adminDone(w http.ResponseWriter, r *http.Request, note string) {
	http.Redirect(w, r, "/admin?done="+note, http.StatusSeeOther)
}

// adminAct runs an admin's action on the user of the path, which may not
// be the admin themself: that one an admin leaves to another, so there is
// always an admin who can sign in.
func (h *Handler) adminAct(w http.ResponseWriter, r *http.Request, note string, act func(tx *store.Tx, u store.User) error) {
	if !h.opt.Auth.User(r).CanAdmin() {
		h.forbidden(w, r)
		return
	}
	err := h.do(r.Context(), func(tx *store.Tx) error {
		u, err := tx.User(r.PathValue("id"))
		if err != nil {
			return err
		}
		if u.Name == h.opt.Auth.User(r).Name {
			return errs.Errorf(errs.Invalid, "you may not change your own role or disable yourself: another admin may")
		}
		return act(tx, u)
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	adminDone(w, r, note)
}

func (h *Handler) setRole(w http.ResponseWriter, r *http.Request) {
	role := r.PostFormValue("role")
	if !store.Role(role).Valid() {
		h.fail(w, r, errs.Errorf(errs.Invalid, "role %q: want admin, biller or auditor", role))
		return
	}
	h.adminAct(w, r, "role", func(tx *store.Tx, u store.User) error { return tx.SetRole(u.ID, role) })
}

func (h *Handler) disableUser(w http.ResponseWriter, r *http.Request) {
	h.adminAct(w, r, "disabled", func(tx *store.Tx, u store.User) error { return tx.DisableUser(u.ID) })
}

func (h *Handler) enableUser(w http.ResponseWriter, r *http.Request) {
	h.adminAct(w, r, "enabled", func(tx *store.Tx, u store.User) error { return tx.EnableUser(u.ID) })
}

// createUser adds a user as perdiem admin create-user does: the password
// typed twice, hashed with argon2id (package auth), never stored or shown.
func (h *Handler) createUser(w http.ResponseWriter, r *http.Request) {
	if !h.opt.Auth.User(r).CanAdmin() {
		h.forbidden(w, r)
		return
	}
	f := userForm{Name: strings.TrimSpace(r.PostFormValue("name")), Role: r.PostFormValue("role"), Problems: map[string]string{}}
	pw, again := r.PostFormValue("password"), r.PostFormValue("password2")
	if f.Name == "" {
		f.Problems["name"] = "required"
	}
	if _, err := auth.ParseRole(f.Role); err != nil {
		f.Problems["role"] = "want admin, biller or auditor"
	}
	if err := auth.CheckPasswordRules(pw); err != nil {
		f.Problems["password"] = strings.TrimPrefix(err.Error(), "password: ")
	} else if pw != again {
		f.Problems["password2"] = "not the same as the password"
	}
	var hash string
	if len(f.Problems) == 0 {
		var err error
		if hash, err = auth.HashPassword(pw); err != nil {
			h.fail(w, r, err)
			return
		}
		err = h.do(r.Context(), func(tx *store.Tx) error {
			_, err := tx.CreateUser(f.Name, f.Role, hash)
			return err
		})
		switch {
		case errs.CodeOf(err) == errs.Conflict:
			f.Problems["name"] = "taken: choose another name"
		case err != nil:
			h.fail(w, r, err)
			return
		default:
			adminDone(w, r, "created")
			return
		}
	}
	h.renderAdmin(w, r, http.StatusUnprocessableEntity, adminPage{NewUser: f})
}

// createToken makes a bearer token for a user, as perdiem admin
// create-token does, and shows its secret in this one answer: only its
// hash is kept, so it is never shown again.
func (h *Handler) createToken(w http.ResponseWriter, r *http.Request) {
	if !h.opt.Auth.User(r).CanAdmin() {
		h.forbidden(w, r)
		return
	}
	f := tokenForm{User: r.PostFormValue("user"), Name: strings.TrimSpace(r.PostFormValue("name")), Problems: map[string]string{}}
	if f.Name == "" {
		f.Problems["name"] = "required: say what uses the token"
	}
	if f.User == "" {
		f.Problems["user"] = "choose a user"
	}
	if len(f.Problems) > 0 {
		h.renderAdmin(w, r, http.StatusUnprocessableEntity, adminPage{TokenFor: f})
		return
	}
	secret, hash := auth.NewSecret(auth.TokenPrefix)
	var u store.User
	err := h.do(r.Context(), func(tx *store.Tx) error {
		var err error
		if u, err = tx.User(f.User); err != nil {
			return err
		}
		return tx.CreateToken(u.ID, f.Name, hash)
	})
	if errs.CodeOf(err) == errs.NotFound {
		f.Problems["user"] = "no such user: choose one from the list"
		h.renderAdmin(w, r, http.StatusUnprocessableEntity, adminPage{TokenFor: f})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderAdmin(w, r, http.StatusCreated, adminPage{NewToken: &newToken{UserName: u.Name, Name: f.Name, Secret: secret}})
}

// revokeToken stops a token, named by the hex of its hash, from working.
func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request) {
	if !h.opt.Auth.User(r).CanAdmin() {
		h.forbidden(w, r)
		return
	}
	hash, err := hex.DecodeString(r.PostFormValue("token"))
	if err != nil || len(hash) != 32 {
		h.fail(w, r, errs.Errorf(errs.Invalid, "token %q: want the hex of a token's hash, as the list gives it", r.PostFormValue("token")))
		return
	}
	if err := h.do(r.Context(), func(tx *store.Tx) error { return tx.RevokeToken(hash) }); err != nil {
		h.fail(w, r, err)
		return
	}
	adminDone(w, r, "revoked")
}

// auditPage is one page of the audit log, filtered.
type auditPage struct {
	Users                  []store.User
	Names                  map[string]string
	Actor, Kind, Record, A string
	From, To               string
	Problems               map[string]string
	Entries                []store.AuditEntry
	Older, Newest          string
	Kinds, Actions         []string
}

// auditKinds and auditActions are what the filters suggest; others may be
// typed.
var (
	auditKinds   = []string{"patient", "episode", "claim", "interchange", "acknowledgment", "remittance", "billing_run", "payer", "user", "audit"}
	auditActions = []string{"create", "read", "update", "list", "download", "finish", "sign-in", "sign-out", "set-role", "disable", "enable", "set-password", "create-token", "revoke-token"}
)

// auditLog shows the audit log newest first, auditPageSize entries a page,
// filtered by who, record kind, record id, action and a range of days
// (MM/DD/YYYY, both included, in the server's time zone). Admins only.
func (h *Handler) auditLog(w http.ResponseWriter, r *http.Request) {
	if !h.opt.Auth.User(r).CanAdmin() {
		h.forbidden(w, r)
		return
	}
	q := r.URL.Query()
	pg := auditPage{Actor: q.Get("actor"), Kind: strings.TrimSpace(q.Get("kind")), Record: strings.TrimSpace(q.Get("record")),
		A: strings.TrimSpace(q.Get("action")), From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")),
		Problems: map[string]string{}, Names: map[string]string{}, Kinds: auditKinds, Actions: auditActions}
	f := store.AuditFilter{Actor: pg.Actor, Kind: pg.Kind, RecordID: pg.Record, Action: pg.A}
	day := func(field, s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		d, err := parseUSDate(s)
		if err != nil {
			pg.Problems[field] = "want a date MM/DD/YYYY"
			return time.Time{}
		}
		y, m, dd := d.YMD()
		return time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.Local)
	}
	f.Since = day("from", pg.From)
	if until := day("to", pg.To); !until.IsZero() {
		f.Until = until.AddDate(0, 0, 1)
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Until.After(f.Since) {
		pg.Problems["to"] = "before the first day"
	}
	cursor := q.Get("before")
	if cursor != "" {
		if n, err := strconv.ParseInt(cursor, 10, 64); err != nil || n < 1 {
			h.fail(w, r, errs.Errorf(errs.Invalid, "before %q: want an entry number", cursor))
			return
		}
	}
	status := http.StatusOK
	if len(pg.Problems) > 0 {
		status = http.StatusBadRequest
	}
	err := h.do(r.Context(), func(tx *store.Tx) error {
		var err error
		if pg.Users, err = allPages(maxListed, tx.Users); err != nil {
			return err
		}
		for _, u := range pg.Users {
			pg.Names[u.ID] = u.Name
		}
		if len(pg.Problems) > 0 {
			return nil
		}
		var next string
		pg.Entries, next, err = tx.AuditLog(f, store.Page{Limit: auditPageSize, Cursor: cursor})
		v := url.Values{}
		for k, x := range map[string]string{"actor": pg.Actor, "kind": pg.Kind, "record": pg.Record, "action": pg.A, "from": pg.From, "to": pg.To} {
			if x != "" {
				v.Set(k, x)
			}
		}
		if cursor != "" {
			pg.Newest = "/admin/audit?" + v.Encode()
		}
		if next != "" {
			v.Set("before", next)
			pg.Older = "/admin/audit?" + v.Encode()
		}
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, "audit", page{Title: "Admin: audit log", Nav: "admin", Data: pg})
}
