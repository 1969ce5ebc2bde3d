package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/pricing"
	"github.com/perdiem/perdiem/remit"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/workspace"
	"github.com/perdiem/perdiem/x12/x222"
	"github.com/perdiem/perdiem/x12/x999"
)

// queueGroups are the tabs of the work queue: what a biller does next
// with a claim, each gathering the statuses that need it.
var queueGroups = []struct {
	Key, Title string
	Statuses   []store.Status
}{
	{"check", "To check", []store.Status{store.Draft}},
	{"ready", "Ready to send", []store.Status{store.Ready}},
	{"waiting", "Submitted, waiting", []store.Status{store.Submitted, store.Accepted999, store.Accepted277CA}},
	{"rejected", "Rejected", []store.Status{store.Rejected999, store.Rejected277CA}},
	// and the claims an 835 paid below their contract (flag underpaid)
	{"denied", "Denied or underpaid", []store.Status{store.Denied, store.PartlyPaid}},
	{"paid", "Paid", []store.Status{store.Paid}},
}

type queueTab struct {
	Key, Title string
	Count      int
	Current    bool
	URL        string
}

type claimRow struct {
	store.Claim
	PatientName string
	PayerName   string
	Sendable    bool
}

type queuePage struct {
	Tabs     []queueTab
	Group    string
	Payers   []store.Payer
	Payer    string
	From, To string
	Q        string
	Run      string
	Rows     []claimRow
	Built    string
	CanWrite bool
}

// maxListed bounds what a page lists of a table: the demo and a small
// pharmacy hold far fewer; a larger one needs the filters.
const maxListed = 5000

func (h *Handler) queue(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	pg := queuePage{Group: q.Get("status"), Payer: q.Get("payer"), From: q.Get("from"), To: q.Get("to"), Q: strings.TrimSpace(q.Get("q")),
		Run: q.Get("run"), Built: q.Get("built"), CanWrite: h.opt.Auth.User(r).CanWrite()}
	if pg.Group == "" {
		pg.Group = "check"
	}
	var period civil.Span
	if pg.From != "" || pg.To != "" {
		var err error
		if period.From, err = parseUSDate(pg.From); err != nil && pg.From != "" {
			h.fail(w, r, errs.Errorf(errs.Invalid, "from %q: want MM/DD/YYYY", pg.From))
			return
		}
		if period.To, err = parseUSDate(pg.To); err != nil && pg.To != "" {
			h.fail(w, r, errs.Errorf(errs.Invalid, "to %q: want MM/DD/YYYY", pg.To))
			return
		}
		if pg.To == "" {
			period.To = civil.FromYMD(9999, 12, 31)
		}
	}
	var claims []store.Claim
	names := map[string]string{}
	payerNames := map[string]string{}
	err := h.do(r.Context(), func(tx *store.Tx) error {
		var err error
		claims, err = allPages(maxListed, func(p store.Page) ([]store.Claim, string, error) {
			return tx.Claims(store.ClaimFilter{PayerID: pg.Payer, BillingRunID: pg.Run}, p)
		})
		if err != nil {
			return err
		}
		patients, err := allPages(maxListed, tx.Patients)
		if err != nil {
			return err
		}
		for _, p := range patients {
			names[p.ID] = p.Name
		}
		pg.Payers, err = allPages(maxListed, tx.Payers)
		for _, p := range pg.Payers {
			payerNames[p.ID] = p.Name
		}
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	counts := map[string]int{}
	groupOf := map[store.Status]string{}
	for _, g := range queueGroups {
		for _, s := range g.Statuses {
			groupOf[s] = g.Key
		}
	}
	needle := strings.ToLower(pg.Q)
	for _, c := range claims {
		if (pg.From != "" || pg.To != "") && !c.Period.Overlaps(period) {
			continue
		}
		if needle != "" && !strings.Contains(strings.ToLower(c.ID), needle) && !strings.Contains(strings.ToLower(names[c.PatientID]), needle) {
			continue
		}
		g := groupOf[c.Status]
		if slices.Contains(c.Flags, string(remit.Underpaid)) {
			g = "denied" // paid below its contract, whatever its status
		}
		counts[g]++
		if g == pg.Group {
			pg.Rows = append(pg.Rows, claimRow{Claim: c, PatientName: names[c.PatientID], PayerName: payerNames[c.PayerID],
				Sendable: c.Status == store.Draft || c.Status == store.Ready})
		}
	}
	for _, g := range queueGroups {
		v := url.Values{"status": {g.Key}}
		for k, x := range map[string]string{"payer": pg.Payer, "from": pg.From, "to": pg.To, "q": pg.Q, "run": pg.Run} {
			if x != "" {
				v.Set(k, x)
			}
		}
		pg.Tabs = append(pg.Tabs, queueTab{Key: g.Key, Title: g.Title, Count: counts[g.Key], Current: g.Key == pg.Group, URL: "/?" + v.Encode()})
	}
	h.render(w, r, http.StatusOK, "queue", page{Title: "Work queue", Nav: "queue", Data: pg})
}

type patientsPage struct {
	Q    string
	Rows []store.Patient
}

func (h *Handler) patients(w http.ResponseWriter, r *http.Request) {
	pg := patientsPage{Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	err := h.do(r.Context(), func(tx *store.Tx) error {
		all, err := allPages(maxListed, tx.Patients)
		for _, p := range all {
			if pg.Q == "" || strings.Contains(strings.ToLower(p.Name), strings.ToLower(pg.Q)) || strings.Contains(strings.ToLower(p.MemberID), strings.ToLower(pg.Q)) {
				pg.Rows = append(pg.Rows, p)
			}
		}
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	slices.SortFunc(pg.Rows, func(a, b store.Patient) int { return strings.Compare(a.Name, b.Name) })
	h.render(w, r, http.StatusOK, "patients", page{Title: "Patients", Nav: "patients", Data: pg})
}

type episodeRow struct {
	store.Episode
	Payer    string
	Versions []store.EpisodeVersion
	// From and To suggest the next claim's period: the month after the
	// episode's last claim, or the episode's first month.
	From, To string
}

type patientPage struct {
	Patient  store.Patient
	Episodes []episodeRow
	Claims   []claimRow
	Who      map[string]string // user ids of the versions' authors to names
	CanWrite bool
}

// userNames maps the user ids to their names; an id that names no user
// (a deleted account, or the system) is left out, and the page shows it
// as it is.
func userNames(tx *store.Tx, ids []string) map[string]string {
	out := map[string]string{}
	for _, id := range ids {
		if _, done := out[id]; done || id == "" {
			continue
		}
		if u, err := tx.User(id); err == nil {
			out[id] = u.Name
		}
	}
	return out
}

func (h *Handler) patient(w http.ResponseWriter, r *http.Request) {
	pg := patientPage{CanWrite: h.opt.Auth.User(r).CanWrite()}
	err := h.do(r.Context(), func(tx *store.Tx) error {
		var err error
		if pg.Patient, err = tx.Patient(r.PathValue("id")); err != nil {
			return err
		}
		eps, err := allPages(maxListed, func(p store.Page) ([]store.Episode, string, error) {
			return tx.Episodes(store.EpisodeFilter{PatientID: pg.Patient.ID}, p)
		})
		if err != nil {
			return err
		}
		payers := map[string]string{}
		ps, err := allPages(maxListed, tx.Payers)
		if err != nil {
			return err
		}
		for _, p := range ps {
			payers[p.ID] = p.Name
		}
		claims, err := allPages(maxListed, func(p store.Page) ([]store.Claim, string, error) {
			return tx.Claims(store.ClaimFilter{PatientID: pg.Patient.ID}, p)
		})
		if err != nil {
			return err
		}
		for _, c := range claims {
			pg.Claims = append(pg.Claims, claimRow{Claim: c, PatientName: pg.Patient.Name, PayerName: payers[c.PayerID]})
		}
		for _, e := range eps {
			vs, _, err := tx.EpisodeVersions(e.ID, store.Page{Limit: 20})
			if err != nil {
				return err
			}
			row := episodeRow{Episode: e, Payer: payers[e.PayerID], Versions: vs}
			var last civil.Date
			for _, c := range claims {
				if c.EpisodeID == e.ID && c.Period.To > last {
					last = c.Period.To
				}
			}
			if last != 0 {
				row.From, row.To = usDate(last+1), usDate((last + 1).MonthEnd())
			} else if _, v, err := tx.Episode(e.ID); err == nil {
				if d, err := episode.Decode(v.Document); err == nil {
					m := firstMonth(d)
					row.From, row.To = usDate(m), usDate(m.MonthEnd())
				}
			}
			pg.Episodes = append(pg.Episodes, row)
		}
		var authors []string
		for _, e := range pg.Episodes {
			for _, v := range e.Versions {
				authors = append(authors, v.CreatedBy)
			}
		}
		pg.Who = userNames(tx, authors)
		return nil
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "patient", page{Title: pg.Patient.Name, Nav: "patients", Data: pg})
}

func (h *Handler) newClaim(w http.ResponseWriter, r *http.Request) {
	from, err1 := parseUSDate(r.PostFormValue("from"))
	to, err2 := parseUSDate(r.PostFormValue("to"))
	if err1 != nil || err2 != nil || to < from {
		h.fail(w, r, errs.Errorf(errs.Invalid, "the billing period %q to %q: want two dates MM/DD/YYYY, the first not after the second", r.PostFormValue("from"), r.PostFormValue("to")))
		return
	}
	c, err := h.createClaim(r.Context(), r.PathValue("id"), civil.Span{From: from, To: to})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/claims/"+url.PathEscape(c.ID), http.StatusSeeOther)
}

type claimPageData struct {
	Claim       store.Claim
	PatientName string
	PayerName   string
	History     []store.StatusChange
	Who         map[string]string // user ids of History to names
	Lines       []claimLineView
	Warnings    []claim.Warning
	Sendable    bool
	CanWrite    bool
	// Price is what the claim should pay under its payer's contract; nil
	// when there is none, and then NoPrice says why.
	Price   *pricing.ClaimPrice
	NoPrice string
	// Payments are what each received 835 did to the claim, oldest first.
	Payments []paymentView
}

// paymentView is one reconciliation of the claim with the remittance
// claims (CLP) that answered it.
type paymentView struct {
	Rec    store.Reconciliation
	Claims []remit.ClaimPayment
}

type claimLineView struct {
	N        int
	Line     claim.Line
	Charge   string
	Expected *pricing.LinePrice // nil without a contract
	Reasons  []CellReason
}

func (h *Handler) loadClaim(r *http.Request) (*claimPageData, error) {
	d := &claimPageData{CanWrite: h.opt.Auth.User(r).CanWrite()}
	err := h.do(r.Context(), func(tx *store.Tx) error {
		var err error
		if d.Claim, err = tx.Claim(r.PathValue("id")); err != nil {
			return err
		}
		if d.History, err = tx.ClaimHistory(d.Claim.ID); err != nil {
			return err
		}
		var users []string
		for _, h := range d.History {
			if h.Source.Kind == "user" {
				users = append(users, h.Source.ID)
			}
		}
		d.Who = userNames(tx, users)
		p, err := tx.Patient(d.Claim.PatientID)
		if err != nil {
			return err
		}
		d.PatientName = p.Name
		if d.Claim.PayerID != "" {
			if py, err := tx.Payer(d.Claim.PayerID); err == nil {
				d.PayerName = py.Name
			}
		}
		return h.loadClaimMoney(tx, d)
	})
	if err != nil {
		return nil, err
	}
	if c := d.Claim.Claim; c != nil {
		for i, l := range c.Lines {
			v := claimLineView{N: i + 1, Line: l, Charge: l.Charge.String(), Reasons: claimLineWhy(l)}
			if d.Price != nil && i < len(d.Price.Lines) {
				v.Expected = &d.Price.Lines[i]
			}
			d.Lines = append(d.Lines, v)
		}
		d.Warnings = c.Warnings
	}
	d.Sendable = d.Claim.Status == store.Draft || d.Claim.Status == store.Ready
	return d, nil
}

// loadClaimMoney adds to d what the claim should pay under its payer's
// contract and what the remittances received paid for it. A claim without
// a contract to price it by still shows its payments; a contract that
// cannot be read is said on the page, not a failure of the page.
func (h *Handler) loadClaimMoney(tx *store.Tx, d *claimPageData) error {
	if d.Claim.Claim != nil {
		p, err := h.ws.Price(tx, d.Claim)
		switch errs.CodeOf(err) {
		case "":
			d.Price = p
		case errs.NotFound, errs.Conflict, errs.Invalid:
			d.NoPrice = errs.Message(err)
		default:
			return err
		}
	}
	recs, err := tx.ClaimReconciliations(d.Claim.ID)
	if err != nil {
		return err
	}
	for _, rc := range recs {
		v := paymentView{Rec: rc}
		if err := json.Unmarshal(rc.Payments, &v.Claims); err != nil {
			return errs.Errorf(errs.Internal, "the payments kept for claim %s: %v", d.Claim.ID, err)
		}
		d.Payments = append(d.Payments, v)
	}
	return nil
}

func (h *Handler) claimPage(w http.ResponseWriter, r *http.Request) {
	d, err := h.loadClaim(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "claim", page{Title: "Claim " + d.Claim.ID, Nav: "queue", Data: d})
}

func (h *Handler) claimPrint(w http.ResponseWriter, r *http.Request) {
	d, err := h.loadClaim(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "print", page{Title: "Claim summary " + d.Claim.ID, Nav: "queue", Data: d})
}

func (h *Handler) newInterchange(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errs.Errorf(errs.Invalid, "the form: %v", err))
		return
	}
	ids := r.PostForm["claim"]
	if len(ids) == 0 {
		h.fail(w, r, errs.Errorf(errs.Invalid, "choose at least one claim to send"))
		return
	}
	ic, err := h.createInterchange(r.Context(), ids)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	back := r.PostFormValue("back")
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") {
		back = "/?status=waiting"
	}
	sep := "?"
	if strings.Contains(back, "?") {
		sep = "&"
	}
	http.Redirect(w, r, back+sep+"built="+url.QueryEscape(ic.ID), http.StatusSeeOther)
}

func (h *Handler) download837(w http.ResponseWriter, r *http.Request) {
	var ic store.Interchange
	err := h.do(r.Context(), func(tx *store.Tx) error {
		var err error
		ic, err = workspace.Download837(tx, r.PathValue("id"))
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/edi-x12")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="837P-%09d.x12"`, ic.Control))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(ic.Content)
}

type filesPage struct {
	Received *received
	Name     string
	Report   *x222.Report
	Problem  string
	Findings []x222.Finding
	CanWrite bool
}

func (h *Handler) files(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "files", page{Title: "Files", Nav: "files", Data: filesPage{CanWrite: h.opt.Auth.User(r).CanWrite()}})
}

// maxUpload bounds a file checked on the files page.
const maxUpload = 64 << 20

// validate checks an uploaded 837P as perdiem validate does, and shows
// the findings by segment position, or answers with the 999.
func (h *Handler) validate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	f, hdr, err := r.FormFile("file")
	if err != nil {
		h.render(w, r, http.StatusBadRequest, "files", page{Title: "Files", Nav: "files", Data: filesPage{Problem: "Choose an 837P file to check (at most 64 MiB)."}})
		return
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		h.fail(w, r, errs.Errorf(errs.Invalid, "reading the upload: %v", err))
		return
	}
	codes := h.opt.Codes
	now := time.Now()
	y, m, d := now.Date()
	rep, err := x222.Validate(bytes.NewReader(data), x222.Options{Codes: codes, Today: civil.FromYMD(y, int(m), d)})
	pg := filesPage{Name: hdr.Filename, Report: rep, CanWrite: h.opt.Auth.User(r).CanWrite()}
	if err != nil {
		pg.Problem = "Not an X12 interchange: " + err.Error()
		pg.Report = nil
		h.render(w, r, http.StatusUnprocessableEntity, "files", page{Title: "Files", Nav: "files", Data: pg})
		return
	}
	if r.PostFormValue("want") == "999" {
		var b bytes.Buffer
		for g := range rep.Groups {
			isa := x222.InterchangeInfo{}
			if len(rep.Interchanges) > 0 {
				isa = rep.Interchanges[0]
			}
			gr := rep.Groups[g]
			// The 999 answers as the receiver would; its control number
			// is the group's position, as it is a check, never sent.
			env := x999.Envelope{SenderQualifier: isa.ReceiverQualifier, SenderID: isa.ReceiverID,
				ReceiverQualifier: isa.SenderQualifier, ReceiverID: isa.SenderID, AppSender: gr.Receiver, AppReceiver: gr.Sender,
				Control: g + 1, Date: now.Format("20060102"), Time: now.Format("1504"), Usage: isa.Usage}
			if env.Usage == "" {
				env.Usage = "T"
			}
			if err := x999.Write(&b, x999.FromReport(rep, g), env); err != nil {
				h.fail(w, r, errs.Errorf(errs.Invalid, "writing the 999: %v", err))
				return
			}
		}
		w.Header().Set("Content-Type", "application/edi-x12")
		w.Header().Set("Content-Disposition", `attachment; filename="999.x12"`)
		w.Write(b.Bytes())
		return
	}
	pg.Findings = rep.Findings
	h.render(w, r, http.StatusOK, "files", page{Title: "Files", Nav: "files", Data: pg})
}

func moneyText(a money.Amount) string { return "$" + a.String() }
