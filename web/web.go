package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/perdiem/perdiem/asp"
	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/coding"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/workspace"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options configure the pages.
type Options struct {
	// DB is the store the pages read and write.
	DB *store.DB
	// Actor says who a request's context acts for, for the audit log
	// (the server's ActorOf); nil acts as the system.
	Actor func(context.Context) store.Actor
	Auth  Auth
	// Codes is the code set of coding; nil is the embedded one.
	Codes *codeset.Set
	// ASP are the CMS ASP quarters a claim's page prices the asp and
	// asp-limit drug bases by, as the API does.
	ASP []*asp.Table
	// Logger gets internal errors; nil is slog.Default().
	Logger *slog.Logger
	// Now is the clock (a new billing run suggests the month before
	// today's); nil is time.Now.
	Now func() time.Time
}

// Handler serves the pages.
type Handler struct {
	opt  Options
	log  *slog.Logger
	tmpl map[string]*template.Template
	mux  *http.ServeMux
	ws   *workspace.Service
}

var funcs = template.FuncMap{
	"usdate": usDate,
	"status": statusWord,
	"money":  moneyText,
	"moneyp": func(a *money.Amount) string {
		if a == nil {
			return "—"
		}
		return moneyText(*a)
	},
	"outcome": func(o string) string { return strings.ReplaceAll(o, "-", " ") },
	"when":    func(t time.Time) string { return t.Local().Format("01/02/2006 15:04") },
	"iso":     func(d civil.Date) string { return d.String() },
	"rule":    func(id string) Rule { return rules[id] },
	"join":    strings.Join,
	"inc":     func(i int) int { return i + 1 },
	"units":   func(u float64) string { return strconv.FormatFloat(u, 'f', -1, 64) },
}

// New returns the pages' handler.
func New(opt Options) *Handler {
	h := &Handler{opt: opt, log: opt.Logger, mux: http.NewServeMux(), tmpl: map[string]*template.Template{}}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.opt.Codes == nil {
		h.opt.Codes = codeset.Default()
	}
	h.ws = workspace.New(workspace.Options{Codes: h.opt.Codes, ASP: h.opt.ASP})
	pages, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, p := range pages {
		name := strings.TrimSuffix(strings.TrimPrefix(p, "templates/"), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		h.tmpl[name] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/_*.html", p))
	}
	static, _ := fs.Sub(staticFS, "static")
	h.mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler(http.FileServerFS(static))))
	h.mux.HandleFunc("GET /episodes/{id}/calendar", h.calendar)
	h.mux.HandleFunc("GET /episodes/{id}/edit", h.edit)
	h.mux.HandleFunc("POST /episodes/{id}/edit", h.edit)
	h.mux.HandleFunc("POST /episodes/{id}/preview", h.preview)
	h.mux.HandleFunc("GET /rules", h.rules)
	h.mux.HandleFunc("GET /{$}", h.queue)
	h.mux.HandleFunc("GET /patients", h.patients)
	h.mux.HandleFunc("GET /patients/{id}", h.patient)
	h.mux.HandleFunc("POST /episodes/{id}/claims", h.newClaim)
	h.mux.HandleFunc("GET /claims/{id}", h.claimPage)
	h.mux.HandleFunc("GET /claims/{id}/print", h.claimPrint)
	h.mux.HandleFunc("POST /interchanges", h.newInterchange)
	h.mux.HandleFunc("GET /interchanges/{id}/837", h.download837)
	h.mux.HandleFunc("GET /files", h.files)
	h.mux.HandleFunc("POST /files/validate", h.validate)
	h.mux.HandleFunc("POST /files/receive", h.receive)
	h.mux.HandleFunc("GET /billing-runs", h.billingRuns)
	h.mux.HandleFunc("POST /billing-runs", h.startRun)
	h.mux.HandleFunc("GET /billing-runs/{id}", h.billingRun)
	h.mux.HandleFunc("GET /admin", h.admin)
	h.mux.HandleFunc("GET /admin/audit", h.auditLog)
	h.mux.HandleFunc("POST /admin/users", h.createUser)
	h.mux.HandleFunc("POST /admin/users/{id}/role", h.setRole)
	h.mux.HandleFunc("POST /admin/users/{id}/disable", h.disableUser)
	h.mux.HandleFunc("POST /admin/users/{id}/enable", h.enableUser)
	h.mux.HandleFunc("POST /admin/tokens", h.createToken)
	h.mux.HandleFunc("POST /admin/tokens/revoke", h.revokeToken)
	h.mux.HandleFunc("GET /login", h.login)
	h.mux.HandleFunc("POST /login", h.login)
	h.mux.HandleFunc("POST /logout", h.logout)
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.guard(h.mux).ServeHTTP(w, r) }

func staticHandler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

// page is what every page's layout needs.
type page struct {
	Title string
	Nav   string
	User  *User
	CSRF  string
	Data  any
}

// render writes a page, or an error page when the template fails: the
// template runs into a buffer first so a failure never shows half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	t, ok := h.tmpl[name]
	if !ok {
		h.fail(w, r, errs.Errorf(errs.Internal, "no page %s", name))
		return
	}
	if p.User == nil {
		p.User = h.opt.Auth.User(r)
	}
	if p.User != nil {
		p.CSRF = p.User.CSRF
	}
	var b bytes.Buffer
	if err := t.Execute(&b, p); err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// fail answers with an error page: the message of a bad request or a
// missing record, a bare "internal error" for anything else (logged).
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := errs.CodeOf(err)
	msg := err.Error()
	if code == errs.Internal {
		h.log.Error("page", "path", r.URL.Path, "error", err)
		msg = "internal error"
	}
	h.renderError(w, r, errs.HTTPStatus(code), msg)
}

func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	var b bytes.Buffer
	t := h.tmpl["error"]
	p := page{Title: "Error", Data: msg, User: h.opt.Auth.User(r)}
	if p.User != nil {
		p.CSRF = p.User.CSRF
	}
	if t == nil || t.Execute(&b, p) != nil {
		http.Error(w, msg, status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// calendarPage is the data of the calendar page.
type calendarPage struct {
	CanEdit  bool
	Episode  *Episode
	Calendar *Calendar
	Problems []episode.Problem
}

func (h *Handler) calendar(w http.ResponseWriter, r *http.Request) {
	ep, err := h.episode(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	doc, err := episode.Decode(ep.Document)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var month civil.Date
	if m := r.URL.Query().Get("month"); m != "" {
		if month, err = ParseMonth(m); err != nil {
			h.fail(w, r, errs.Errorf(errs.Invalid, "%v", err))
			return
		}
	} else {
		month = firstMonth(doc)
	}
	cal, err := BuildCalendar(doc, ep.Coding, month)
	var probs []episode.Problem
	if e := (*episode.Error)(nil); errors.As(err, &e) {
		probs, err = e.Problems, nil
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	title := ep.PatientName + " — calendar"
	if cal != nil {
		title += ", " + cal.Title
	}
	h.render(w, r, http.StatusOK, "calendar", page{Title: title, Nav: "patients",
		Data: calendarPage{CanEdit: h.opt.Auth.User(r).CanWrite(), Episode: ep, Calendar: cal, Problems: probs}})
}

// editPage is the data of the episode editor.
type editPage struct {
	Episode *Episode
	Editor  *Editor
	CSRF    string
	Months  []monthOption
	Preview previewData
	Saved   string
}

type monthOption struct {
	Key, Title string
	Selected   bool
}

// previewData is the calendar and claim lines of an unsaved document, or
// its problems.
type previewData struct {
	Calendar *Calendar
	Problems []episode.Problem
}

// edit shows the editor (GET) or acts on it (POST): adds a row, previews,
// or saves a new version.
func (h *Handler) edit(w http.ResponseWriter, r *http.Request) {
	u := h.opt.Auth.User(r)
	if !u.CanWrite() {
		h.forbidden(w, r)
		return
	}
	ep, err := h.episode(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var ed *Editor
	action := ""
	if r.Method == http.MethodPost {
		if err := r.ParseForm(); err != nil {
			h.fail(w, r, errs.Errorf(errs.Invalid, "the form: %v", err))
			return
		}
		action = r.PostForm.Get("_action")
		ed = EditorFromForm(ep.ID, r.PostForm, strings.TrimPrefix(action, "add:"))
	} else if ed, err = EditorFromDocument(ep.ID, ep.Version, ep.Document); err != nil {
		h.fail(w, r, err)
		return
	}
	if ep.PayerID != "" && ep.Coding.Profile != nil {
		ed.PayerProfile = ep.Coding.Profile.ID
	}
	doc, probs := ed.Document(ep.Document)
	pv := h.previewOf(doc, ep.Coding, probs, r.FormValue("_month"))
	status := http.StatusOK
	if action == "save" {
		if len(probs) == 0 {
			_, err := episode.Decode(doc)
			var e *episode.Error
			if errors.As(err, &e) {
				probs = e.Problems
			}
		}
		if len(probs) == 0 && len(pv.Problems) == 0 {
			_, err := h.saveEpisode(r.Context(), ep.ID, ed.Base, doc)
			if err == nil {
				http.Redirect(w, r, "/episodes/"+url.PathEscape(ep.ID)+"/calendar", http.StatusSeeOther)
				return
			}
			if errs.CodeOf(err) != errs.Conflict && errs.CodeOf(err) != errs.Invalid {
				h.fail(w, r, err)
				return
			}
			probs = append(probs, episode.Problem{Message: err.Error()})
		}
		probs = append(probs, pv.Problems...)
		status = http.StatusUnprocessableEntity
	} else if action != "" && action != "preview" {
		// A row was added: its blank fields are no problem yet.
		probs = nil
	}
	ed.SetProblems(probs)
	h.render(w, r, status, "edit", page{Title: ep.PatientName + " — edit episode", Nav: "patients",
		Data: editPage{Episode: ep, Editor: ed, CSRF: u.CSRF, Months: monthOptions(pv, r.FormValue("_month")), Preview: pv}})
}

// preview answers the editor's live preview: the calendar and lines of
// the unsaved form, as a fragment.
func (h *Handler) preview(w http.ResponseWriter, r *http.Request) {
	ep, err := h.episode(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errs.Errorf(errs.Invalid, "the form: %v", err))
		return
	}
	ed := EditorFromForm(ep.ID, r.PostForm, "")
	doc, probs := ed.Document(ep.Document)
	pv := h.previewOf(doc, ep.Coding, probs, r.PostForm.Get("_month"))
	var b bytes.Buffer
	if err := h.tmpl["edit"].ExecuteTemplate(&b, "preview", pv); err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b.Bytes())
}

// previewOf codes a document built by the editor with opt (the episode's,
// so under its payer's profile as its claims are) for the month asked for
// (YYYY-MM; by default the period's first).
func (h *Handler) previewOf(doc []byte, opt coding.Options, probs []episode.Problem, month string) previewData {
	if len(probs) > 0 {
		return previewData{Problems: probs}
	}
	d, err := episode.Decode(doc)
	var e *episode.Error
	if errors.As(err, &e) {
		return previewData{Problems: e.Problems}
	}
	if err != nil {
		return previewData{Problems: []episode.Problem{{Message: err.Error()}}}
	}
	m, err := ParseMonth(month)
	if err != nil {
		m = firstMonth(d)
	}
	cal, err := BuildCalendar(d, opt, m)
	if errors.As(err, &e) {
		return previewData{Problems: e.Problems}
	}
	if err != nil {
		return previewData{Problems: []episode.Problem{{Message: err.Error()}}}
	}
	return previewData{Calendar: cal}
}

// monthOptions lists the months of the billing period for the preview.
func monthOptions(pv previewData, selected string) []monthOption {
	if pv.Calendar == nil {
		return nil
	}
	p := pv.Calendar.Period
	var out []monthOption
	for m := MonthOf(p.From); m <= p.To && len(out) < 120; m = m.MonthEnd() + 1 {
		y, mo, _ := m.YMD()
		out = append(out, monthOption{Key: monthKey(m), Title: monthNames[mo-1] + " " + strconv.Itoa(y), Selected: monthKey(m) == selected})
	}
	return out
}

// firstMonth is the month the calendar opens on: the billing period's
// first, or the first therapy's.
func firstMonth(doc *episode.Document) civil.Date {
	if doc.Period != nil {
		return MonthOf(doc.Period.From)
	}
	first := civil.Date(0)
	for i, t := range doc.Therapies {
		if i == 0 || t.Start < first {
			first = t.Start
		}
	}
	return MonthOf(first)
}

func (h *Handler) rules(w http.ResponseWriter, r *http.Request) {
	list := make([]Rule, 0, len(ruleOrder))
	for _, id := range ruleOrder {
		list = append(list, rules[id])
	}
	h.render(w, r, http.StatusOK, "rules", page{Title: "Coding rules", Nav: "rules", Data: list})
}
