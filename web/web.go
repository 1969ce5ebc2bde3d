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
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/coding"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/errs"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Episode is one version of an episode as the pages show it.
type Episode struct {
	ID          string
	PatientID   string
	PatientName string
	Version     int
	// Document is the episode document (docs/input-format.md) as stored.
	Document []byte
}

// Store is what the pages need from storage.
type Store interface {
	// Episode returns the latest version of an episode; a missing one is
	// an errs.NotFound error.
	Episode(ctx context.Context, id string) (*Episode, error)
}

// Options configure the pages.
type Options struct {
	Store Store
	// Codes is the code set of coding; nil is the embedded one.
	Codes *codeset.Set
	// Logger gets internal errors; nil is slog.Default().
	Logger *slog.Logger
}

// Handler serves the pages.
type Handler struct {
	opt  Options
	log  *slog.Logger
	tmpl map[string]*template.Template
	mux  *http.ServeMux
}

var funcs = template.FuncMap{
	"usdate": usDate,
	"iso":    func(d civil.Date) string { return d.String() },
	"rule":   func(id string) Rule { return rules[id] },
	"join":   strings.Join,
	"inc":    func(i int) int { return i + 1 },
	"units":  func(u float64) string { return strconv.FormatFloat(u, 'f', -1, 64) },
}

// New returns the pages' handler.
func New(opt Options) *Handler {
	h := &Handler{opt: opt, log: opt.Logger, mux: http.NewServeMux(), tmpl: map[string]*template.Template{}}
	if h.log == nil {
		h.log = slog.Default()
	}
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
	h.mux.HandleFunc("GET /rules", h.rules)
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

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
	Data  any
}

// render writes a page, or an error page when the template fails: the
// template runs into a buffer first so a failure never shows half a page.
func (h *Handler) render(w http.ResponseWriter, status int, name string, p page) {
	t, ok := h.tmpl[name]
	if !ok {
		h.fail(w, errs.Errorf(errs.Internal, "no page %s", name))
		return
	}
	var b bytes.Buffer
	if err := t.Execute(&b, p); err != nil {
		h.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// fail answers with an error page: the message of a bad request or a
// missing record, a bare "internal error" for anything else (logged).
func (h *Handler) fail(w http.ResponseWriter, err error) {
	code := errs.CodeOf(err)
	msg := err.Error()
	if code == errs.Internal {
		h.log.Error("page", "error", err)
		msg = "internal error"
	}
	var b bytes.Buffer
	t := h.tmpl["error"]
	if t == nil || t.Execute(&b, page{Title: "Error", Data: msg}) != nil {
		http.Error(w, msg, errs.HTTPStatus(code))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(errs.HTTPStatus(code))
	w.Write(b.Bytes())
}

// calendarPage is the data of the calendar page.
type calendarPage struct {
	Episode  *Episode
	Calendar *Calendar
	Problems []episode.Problem
}

func (h *Handler) calendar(w http.ResponseWriter, r *http.Request) {
	ep, err := h.opt.Store.Episode(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, err)
		return
	}
	doc, err := episode.Decode(ep.Document)
	if err != nil {
		h.fail(w, err)
		return
	}
	var month civil.Date
	if m := r.URL.Query().Get("month"); m != "" {
		if month, err = ParseMonth(m); err != nil {
			h.fail(w, errs.Errorf(errs.Invalid, "%v", err))
			return
		}
	} else {
		month = firstMonth(doc)
	}
	cal, err := BuildCalendar(doc, coding.Options{Codes: h.opt.Codes}, month)
	var probs []episode.Problem
	if e := (*episode.Error)(nil); errors.As(err, &e) {
		probs, err = e.Problems, nil
	}
	if err != nil {
		h.fail(w, err)
		return
	}
	title := ep.PatientName + " — calendar"
	if cal != nil {
		title += ", " + cal.Title
	}
	h.render(w, http.StatusOK, "calendar", page{Title: title, Nav: "patients",
		Data: calendarPage{Episode: ep, Calendar: cal, Problems: probs}})
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
	h.render(w, http.StatusOK, "rules", page{Title: "Coding rules", Nav: "rules", Data: list})
}
