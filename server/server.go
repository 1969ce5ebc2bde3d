// Package server is perdiem's HTTP server: the JSON API under /v1 (coding,
// patients, episodes, claims, interchanges, acknowledgments, remittances,
// billing runs, the audit log), accounts with bearer tokens and sign-in
// sessions, and the middleware every request goes through (request ids,
// logs without patient data, secure headers, body limits, idempotent
// POSTs). Pages for people are another package's http.Handler, mounted
// for every path outside /v1 (Options.Web); they reuse this package's
// sessions, roles and CSRF tokens.
//
// Handlers are thin: decode, call the engine, the workspace's operations
// (package workspace) or the store, encode. Errors
// are JSON {"error":{"code","message","path"}}, with the status of their
// errs code; bad input is a 4xx, never a 5xx.
package server

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/perdiem/perdiem/asp"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/workspace"
)

// Options configure a Server.
type Options struct {
	// DB is the store; nil serves only what needs none (POST /v1/code,
	// the OpenAPI document) to anyone.
	DB *store.DB
	// Web serves every path outside /v1 (the pages); nil answers 404.
	Web http.Handler
	// Codes is the code set of coding; nil is the embedded one.
	Codes *codeset.Set
	// ASP are the CMS ASP quarters the asp and asp-limit drug bases of
	// the payers' contracts price by, and whose NDC crosswalk the scrub
	// judges drug units by (SC-13); without them those lines are
	// unpriced and not judged.
	ASP []*asp.Table
	// TLS says the server is reached over HTTPS: cookies are Secure and
	// responses carry Strict-Transport-Security.
	TLS bool
	// Logger gets one line per request (method, route pattern, status,
	// duration, request id) and internal errors; nil is slog.Default().
	Logger *slog.Logger
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// AuthCache is how long a successful look-up of a bearer token or a
	// session is remembered, sparing the database a query on each of a
	// client's requests: zero is DefaultAuthCache, negative remembers
	// nothing. What this process does that ends or narrows a credential
	// (signing out, revoking a token, disabling a user, changing a role)
	// takes effect at once, a session's end too; the same done by another
	// process on the database (another server, perdiem admin) takes effect
	// within AuthCache.
	AuthCache time.Duration
}

// Server is the HTTP server's handler.
type Server struct {
	opt        Options
	db         *store.DB
	codes      *codeset.Set
	ws         *workspace.Service
	log        *slog.Logger
	now        func() time.Time
	mux        *http.ServeMux
	registered []Route
	auth       *authCache
}

// Route is one operation of the API, as registered and as documented in
// the OpenAPI document.
type Route struct {
	Method string // GET, POST, PUT, DELETE
	Path   string // "/v1/episodes/{id}"
	Access Access // what the caller needs
}

// handlerFunc is a handler that returns its error for the server to
// answer with.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// New returns a server with opt.
func New(opt Options) *Server {
	s := &Server{opt: opt, db: opt.DB, codes: opt.Codes, log: opt.Logger, now: opt.Now, mux: http.NewServeMux()}
	if s.codes == nil {
		s.codes = codeset.Default()
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if ttl := cmp.Or(opt.AuthCache, DefaultAuthCache); s.db != nil && ttl > 0 {
		s.auth = newAuthCache(ttl)
		s.db.WatchCredentials(s.auth.forget)
	}
	s.ws = workspace.New(workspace.Options{Codes: s.codes, Now: s.now, ASP: opt.ASP})
	s.routes()
	s.mux.HandleFunc("/v1/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, errs404(r))
	})
	web := opt.Web
	if web == nil {
		web = http.NotFoundHandler()
	}
	s.mux.Handle("/", web)
	return s
}

// Routes lists the API's operations in the order they were registered.
func (s *Server) Routes() []Route { return append([]Route(nil), s.registered...) }

// handle registers an API operation that needs access of its caller.
// Without a store, only what needs no account is served.
func (s *Server) handle(method, path string, access Access, h handlerFunc) {
	if s.db == nil && access != Public && path != "/v1/code" {
		return
	}
	if s.db == nil {
		access = Public
	}
	s.registered = append(s.registered, Route{Method: method, Path: path, Access: access})
	s.mux.HandleFunc(method+" "+path, func(w http.ResponseWriter, r *http.Request) {
		err := Allowed(r, access)
		if err == nil {
			err = h(w, r)
		}
		if err != nil {
			writeError(w, r, err)
		}
	})
}

// ServeHTTP answers r through the middleware: a request id, the log line,
// the secure headers, and a JSON error for a path or method the API does
// not have.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := s.now()
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	st := &requestState{id: newRequestID()}
	r = r.WithContext(withState(r.Context(), st))
	h := rec.Header()
	secureHeaders(h, s.opt.TLS, strings.HasPrefix(r.URL.Path, "/v1/"))
	h["X-Request-Id"] = []string{st.id}
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic", "request_id", st.id, "route", r.Pattern, "panic", p)
			if !rec.wrote {
				writeError(rec, r, errInternal)
			}
		}
		s.log.LogAttrs(context.Background(), slog.LevelInfo, "request", slog.String("method", r.Method), slog.String("route", routeOf(r)),
			slog.Int("status", rec.status), slog.Float64("duration_ms", float64(s.now().Sub(start).Microseconds())/1000),
			slog.String("request_id", st.id))
	}()
	if strings.HasPrefix(r.URL.Path, "/v1/") {
		if _, pattern := s.mux.Handler(r); pattern == "/v1/" {
			s.notAllowed(rec, r)
			return
		}
	}
	p, err := s.authenticate(r)
	if err == nil && !signInPath(r) {
		err = checkCSRF(r, p)
	}
	if err != nil {
		writeError(rec, r, err)
		return
	}
	st.p = p
	st.actor = actor(r)
	if !strings.HasPrefix(r.URL.Path, "/v1/") && !s.pageAllowed(rec, r, p) {
		return
	}
	s.mux.ServeHTTP(rec, r)
}

// notAllowed answers a /v1 request that matched no operation: 405 with
// Allow when the path exists for other methods, else 404.
func (s *Server) notAllowed(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{"GET", "POST", "PUT", "DELETE"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "/v1/" {
			allow = append(allow, m)
		}
	}
	if len(allow) == 0 {
		writeError(w, r, errs404(r))
		return
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	writeError(w, r, &Error{Status: http.StatusMethodNotAllowed, Code: codeMethodNotAllowed,
		Message: r.Method + " is not allowed here; want " + strings.Join(allow, " or ")})
}

// publicPages are the pages a signed-out visitor may see: signing in and
// the stylesheet and scripts of that page.
var publicPages = []string{"/login", "/static/", "/favicon.ico"}

// pageAllowed holds the pages to the same rules as the API, whatever the
// pages' own handler does: signed out, a page other than publicPages sends
// the visitor to /login (a read) or is refused (a write); a role that may
// not write is refused every write that changes something
// (pageWriteAllowed).
func (s *Server) pageAllowed(w http.ResponseWriter, r *http.Request, p *Principal) bool {
	public := false
	for _, pp := range publicPages {
		if r.URL.Path == pp || strings.HasSuffix(pp, "/") && strings.HasPrefix(r.URL.Path, pp) {
			public = true
		}
	}
	read := r.Method == "GET" || r.Method == "HEAD"
	switch {
	case public || p != nil && (read || pageWriteAllowed(r.URL.Path, p)):
		return true
	case p == nil && read:
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	case p == nil:
		writeError(w, r, errUnauthorized)
	default:
		writeError(w, r, errForbidden)
	}
	return false
}

// pageWriteAllowed says whether p may post to a page: signing out, a
// preview or a file check (which change nothing) for any role, the admin
// pages for an admin, the others for a role that writes.
func pageWriteAllowed(path string, p *Principal) bool {
	switch {
	case path == "/logout", strings.HasSuffix(path, "/preview"), path == "/files/validate":
		return true
	case path == "/admin" || strings.HasPrefix(path, "/admin/"):
		return p.Role.CanAdmin()
	}
	return p.Role.CanWrite()
}

// signInPath says whether r signs in (the API's or a page's form), which
// needs no CSRF token: there is no session to forge yet.
func signInPath(r *http.Request) bool {
	return r.Method == "POST" && (r.URL.Path == "/v1/sessions" || r.URL.Path == "/login")
}

func errs404(r *http.Request) error {
	return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "no such API path"}
}

var errInternal = &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error"}

// routeOf is the pattern that matched r, for the log: never the path
// itself, whose ids could lead to a patient.
func routeOf(r *http.Request) string {
	if r.Pattern != "" {
		return r.Pattern
	}
	if strings.HasPrefix(r.URL.Path, "/v1/") {
		return "/v1/ (unmatched)"
	}
	return "(page)"
}

// recorder remembers the status a handler wrote, for the log.
type recorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
