// Package demo seeds a billing workspace with a small, made-up home
// infusion pharmacy, so that a newcomer sees perdiem serve working with one
// command (perdiem serve --demo).
//
// The pharmacy has three payers on shipped profiles, a dozen patients
// (fictional names) with fourteen episodes — hospital stays that hold the
// per diems, concurrent therapies (SH/SJ), nursing visits and drugs — and a
// claim for each episode's March 2026 in every state a claim goes through:
// draft, ready, submitted in an interchange, accepted or rejected by a 999,
// paid, partly paid or denied by an 835. Every record is made through the
// server's HTTP API, in process, by the demo biller: the claims are coded,
// the interchanges built, the 999 and the 835 read and matched by the same
// code as for any client, so the audit log and status histories are those
// of real work.
package demo

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/perdiem/perdiem/auth"
	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/server"
	"github.com/perdiem/perdiem/store"
)

//go:embed episodes/*.json
var episodes embed.FS

// Account is a demo account and its password, which is made at random on
// each Seed and shown only to the caller.
type Account struct {
	Name     string
	Role     store.Role
	Password string
}

// Result says what Seed did.
type Result struct {
	// Seeded is false when the database held the demo already: then
	// nothing was added and only the accounts' passwords were reset.
	Seeded   bool
	Accounts []Account
	Patients int
	Episodes int
	Claims   int
	// Showcase is the id of an episode worth a first look (a hospital
	// stay and a therapy change); "" when nothing was seeded.
	Showcase string
}

// Account names of the demo. The admin's is made last, once everything
// else is in: it is the mark that the demo is there.
var accounts = []struct {
	name string
	role store.Role
}{
	{"demo-admin", store.RoleAdmin},
	{"demo-biller", store.RoleBiller},
	{"demo-auditor", store.RoleAuditor},
}

// Seed adds the demo pharmacy to db unless it is there already, and in
// either case gives the three demo accounts new random passwords. When it
// fails half way the database keeps what was made (each record is its own
// request, as for any client) but not the mark: seed a new database then.

// payers of the demo pharmacy, on shipped profiles.
var payers = []struct{ name, profile, payerID string }{
	{"DEMO HEALTH PLAN", "nhia", "DEMO01"},
	{"BLUE CROSS AND BLUE SHIELD OF TEXAS", "bcbs-tx", "DEMOTX"},
	{"BLUE CROSS BLUE SHIELD OF NORTH DAKOTA", "bcbs-nd", "DEMOND"},
}

// patients of the demo: made-up names, member ids and birth dates.
var patients = []struct{ last, first, sex, dob string }{
	{"ALDER", "ROSA", "F", "1948-02-11"},
	{"BRENNAN", "OTIS", "M", "1955-07-23"},
	{"CALLOWAY", "IVY", "F", "1962-10-05"},
	{"DUNMORE", "FELIX", "M", "1939-12-30"},
	{"ELSWORTH", "NORA", "F", "1971-04-17"},
	{"FAIRBANK", "GIDEON", "M", "1983-09-02"},
	{"GARLAND", "MAEVE", "F", "1950-06-14"},
	{"HOLLOWAY", "SILAS", "M", "1944-01-28"},
	{"IVERSEN", "LUCIA", "F", "1966-08-09"},
	{"JESSOP", "ARLO", "M", "1958-03-21"},
	{"KINCAID", "PEARL", "F", "1976-11-12"},
	{"LANGFORD", "CASPER", "M", "1961-05-06"},
}

// episode is one episode of the demo: whose, from which document, billed
// to which payer, and the state its month's claim ends in.
type episode struct {
	patient, payer int
	doc            string
	end            store.Status
}

// plan is the demo's fourteen episodes. Claims in the same interchange
// share an "ic" below; its 999 accepts or rejects them all.
var plan = []episode{
	{0, 0, "anti-infective.json", store.Paid},
	{1, 1, "hospital-stay.json", store.Paid},
	{2, 0, "tpn-with-hydration.json", store.PartlyPaid},
	{3, 2, "infusion-suite.json", store.Denied},
	{4, 0, "hospital-stay.json", store.Accepted999},
	{5, 1, "anti-infective.json", store.Accepted999},
	{6, 0, "tpn-with-hydration.json", store.Rejected999},
	{7, 1, "hospital-stay.json", store.Rejected999},
	{8, 0, "anti-infective.json", store.Submitted},
	{9, 2, "infusion-suite.json", store.Submitted},
	{10, 1, "tpn-with-hydration.json", store.Ready},
	{11, 0, "hospital-stay.json", store.Ready},
	{0, 0, "tpn-with-hydration.json", store.Draft},
	{4, 1, "anti-infective.json", store.Draft},
}

// showcase is the plan's episode whose calendar is suggested first.
const showcase = 1

func Seed(ctx context.Context, db *store.DB) (Result, error) {
	var res Result
	seeded := false
	err := db.Do(ctx, store.System, func(tx *store.Tx) error {
		_, _, err := tx.UserByName(accounts[0].name)
		switch errs.CodeOf(err) {
		case "":
			seeded = true
			return nil
		case errs.NotFound:
			return nil
		}
		return err
	})
	if err != nil {
		return res, err
	}
	// Accounts: made on the first run, their passwords reset on every run;
	// the admin's last.
	res.Accounts = make([]Account, len(accounts))
	setAccount := func(i int) error {
		a := accounts[i]
		pw, _ := auth.NewSecret("")
		hash, err := auth.HashPassword(pw)
		if err != nil {
			return err
		}
		err = db.Do(ctx, store.System, func(tx *store.Tx) error {
			u, _, err := tx.UserByName(a.name)
			if errs.CodeOf(err) == errs.NotFound {
				_, err = tx.CreateUser(a.name, string(a.role), hash)
				return err
			}
			if err != nil {
				return err
			}
			return tx.SetPassword(u.ID, hash)
		})
		if err != nil {
			return fmt.Errorf("demo account %s: %w", a.name, err)
		}
		res.Accounts[i] = Account{Name: a.name, Role: a.role, Password: pw}
		return nil
	}
	for i := 1; i < len(accounts); i++ {
		if err := setAccount(i); err != nil {
			return res, err
		}
	}
	if seeded {
		return res, setAccount(0)
	}
	// The biller does the work through the API with a token that lives
	// only while the seeding does.
	secret, hash := auth.NewSecret(auth.TokenPrefix)
	err = db.Do(ctx, store.System, func(tx *store.Tx) error {
		u, _, err := tx.UserByName("demo-biller")
		if err != nil {
			return err
		}
		return tx.CreateToken(u.ID, "demo seeding", hash)
	})
	if err != nil {
		return res, err
	}
	defer db.Do(context.WithoutCancel(ctx), store.System, func(tx *store.Tx) error { return tx.RevokeToken(hash) })
	c := &client{h: server.New(server.Options{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}), token: secret}
	if err := seed(c, &res); err != nil {
		return res, fmt.Errorf("demo: %w (the database may hold part of the demo: start on a new one)", err)
	}
	if err := setAccount(0); err != nil {
		return res, err
	}
	res.Seeded = true
	return res, nil
}

// client calls the API in process.
type client struct {
	h     http.Handler
	token string
}

// do sends body (JSON, or X12 when it is a string) and decodes the answer
// into out; any status but want is an error.
func (c *client) do(method, path string, body any, want int, out any) error {
	var r io.Reader
	ctype := "application/json"
	switch b := body.(type) {
	case nil:
	case string:
		r, ctype = strings.NewReader(b), "application/edi-x12"
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			return err
		}
		r = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, r)
	req.Header.Set("Authorization", "Bearer "+c.token)
	if r != nil {
		req.Header.Set("Content-Type", ctype)
	}
	w := httptest.NewRecorder()
	c.h.ServeHTTP(w, req)
	if w.Code != want {
		return fmt.Errorf("%s %s: status %d, want %d: %.300s", method, strings.SplitN(path, "?", 2)[0], w.Code, want, w.Body.String())
	}
	if out != nil {
		return json.Unmarshal(w.Body.Bytes(), out)
	}
	return nil
}

type made struct {
	ID        string
	Unmatched []any
	Control   int64
	GS06      int64 `json:"gs06"`
	Total     money.Amount
	Status    store.Status
}

func seed(c *client, res *Result) error {
	payerIDs := make([]string, len(payers))
	for i, p := range payers {
		var m made
		if err := c.do("POST", "/v1/payers", map[string]any{"name": p.name, "profile_id": p.profile, "payer_id": p.payerID}, 201, &m); err != nil {
			return err
		}
		payerIDs[i] = m.ID
	}
	patientIDs := make([]string, len(patients))
	for i, p := range patients {
		var m made
		body := map[string]any{"name": p.last + ", " + p.first, "birth_date": p.dob, "member_id": memberID(i), "demographics": map[string]any{"sex": p.sex}}
		if err := c.do("POST", "/v1/patients", body, 201, &m); err != nil {
			return err
		}
		patientIDs[i] = m.ID
		res.Patients++
	}
	claims := make([]made, len(plan))
	for i, e := range plan {
		doc, period, err := document(e)
		if err != nil {
			return err
		}
		var ep made
		if err := c.do("POST", "/v1/episodes?patient_id="+patientIDs[e.patient]+"&payer_id="+payerIDs[e.payer], doc, 201, &ep); err != nil {
			return err
		}
		res.Episodes++
		if i == showcase {
			res.Showcase = ep.ID
		}
		if err := c.do("POST", "/v1/episodes/"+ep.ID+"/claims", period, 201, &claims[i]); err != nil {
			return err
		}
		res.Claims++
	}
	// Everything past draft is checked first.
	for i, e := range plan {
		if e.end != store.Draft {
			if err := c.do("POST", "/v1/claims/"+claims[i].ID+"/status", map[string]string{"status": "ready"}, 200, nil); err != nil {
				return err
			}
		}
	}
	// Three interchanges: one waits for its 999, one is rejected, one
	// accepted and then paid in part by an 835.
	groups := map[string][]int{}
	for i, e := range plan {
		switch e.end {
		case store.Submitted:
			groups["waiting"] = append(groups["waiting"], i)
		case store.Rejected999:
			groups["rejected"] = append(groups["rejected"], i)
		case store.Accepted999, store.Paid, store.PartlyPaid, store.Denied:
			groups["accepted"] = append(groups["accepted"], i)
		}
	}
	for _, g := range []string{"waiting", "rejected", "accepted"} {
		var ids []string
		for _, i := range groups[g] {
			ids = append(ids, claims[i].ID)
		}
		var ic made
		if err := c.do("POST", "/v1/interchanges", map[string]any{"claims": ids}, 201, &ic); err != nil {
			return err
		}
		ack := map[string]string{"rejected": "R", "accepted": "A"}[g]
		if ack == "" {
			continue
		}
		var m made
		if err := c.do("POST", "/v1/acknowledgments", a999(ic.GS06, ack), 201, &m); err != nil {
			return err
		}
		if len(m.Unmatched) > 0 {
			return fmt.Errorf("the 999 of interchange %s matched nothing: %v", ic.ID, m.Unmatched)
		}
	}
	var paid []remitClaim
	for i, e := range plan {
		t := int64(claims[i].Total)
		switch e.end {
		case store.Paid:
			paid = append(paid, remitClaim{claims[i].ID, t, t, "1"})
		case store.PartlyPaid:
			paid = append(paid, remitClaim{claims[i].ID, t, t * 6 / 10, "1"})
		case store.Denied:
			paid = append(paid, remitClaim{claims[i].ID, t, 0, "4"})
		}
	}
	var m made
	if err := c.do("POST", "/v1/remittances", an835(paid), 201, &m); err != nil {
		return err
	}
	if len(m.Unmatched) > 0 {
		return fmt.Errorf("the 835 left claims unmatched: %v", m.Unmatched)
	}
	return nil
}

func memberID(i int) string { return fmt.Sprintf("DM%09d", 400117+i*7919) }

// document is the episode document of e: its template with the patient's
// name, member id and birth date, and the payer's profile and id; and the
// claim request for the document's month.
func document(e episode) ([]byte, map[string]string, error) {
	raw, err := episodes.ReadFile("episodes/" + e.doc)
	if err != nil {
		return nil, nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", e.doc, err)
	}
	cl := doc["claim"].(map[string]any)
	// Every episode is moved to the demo's month: its dates keep their
	// distance from the start of its period.
	period := doc["period"].(map[string]any)
	from, err := civil.Parse(period["from"].(string))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: period.from: %w", e.doc, err)
	}
	shift := int(month.From - from)
	delete(doc, "claim")
	doc = shiftDates(doc, shift).(map[string]any)
	doc["claim"] = cl
	doc["period"] = map[string]any{"from": month.From.String(), "to": month.To.String()}
	p, py := patients[e.patient], payers[e.payer]
	doc["profile"] = py.profile
	sub := cl["subscriber"].(map[string]any)
	sub["last"], sub["first"], sub["dob"], sub["sex"], sub["member_id"] = p.last, p.first, p.dob, p.sex, memberID(e.patient)
	pay := cl["payer"].(map[string]any)
	pay["name"], pay["id"] = py.name, py.payerID
	out, err := json.Marshal(doc)
	return out, map[string]string{"from": month.From.String(), "to": month.To.String()}, err
}

// month is the month the demo's episodes and claims are in.
var month = civil.Span{From: civil.FromYMD(2026, 3, 1), To: civil.FromYMD(2026, 3, 31)}

// shiftDates moves every date (YYYY-MM-DD) in a decoded JSON value by days.
func shiftDates(v any, days int) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = shiftDates(x, days)
		}
	case []any:
		for i, x := range v {
			v[i] = shiftDates(x, days)
		}
	case string:
		if d, err := civil.Parse(v); err == nil && len(v) == 10 {
			return (d + civil.Date(days)).String()
		}
	}
	return v
}

// isa is an ISA segment from the payer's side of the demo's interchanges.
func isa(control int) string {
	return fmt.Sprintf("ISA*00*          *00*          *ZZ*%-15s*ZZ*%-15s*260401*1200*^*00501*%09d*0*T*:~", "PAYERRCVR", "HITSUBMIT", control)
}

// a999 accepts (A) or rejects (R) transaction set 0001 of the functional
// group numbered gs06.
func a999(gs06 int64, status string) string {
	ok := map[string]int{"A": 1, "R": 0}[status]
	return strings.Join([]string{
		isa(900 + int(gs06)),
		fmt.Sprintf("GS*FA*PAYERRCVR*HITSUBMIT*20260401*1200*%d*X*005010X231A1~", 900+gs06),
		"ST*999*0001*005010X231A1~",
		fmt.Sprintf("AK1*HC*%d*005010X222A1~", gs06),
		"AK2*837*0001*005010X222A1~",
		"IK5*" + status + "~",
		fmt.Sprintf("AK9*%s*1*1*%d~", status, ok),
		"SE*6*0001~",
		fmt.Sprintf("GE*1*%d~", 900+gs06),
		fmt.Sprintf("IEA*1*%09d~", 900+gs06),
	}, "\n")
}

type remitClaim struct {
	id           string
	charge, paid int64 // cents
	status       string
}

// an835 pays each claim what is given, the rest a contractual adjustment
// (CO-45) so each claim balances.
func an835(claims []remitClaim) string {
	cents := func(c int64) string { return fmt.Sprintf("%d.%02d", c/100, c%100) }
	var total int64
	for _, c := range claims {
		total += c.paid
	}
	segs := []string{
		isa(999),
		"GS*HP*PAYERRCVR*HITSUBMIT*20260401*1200*999*X*005010X221A1~",
		"ST*835*0001~",
		"BPR*I*" + cents(total) + "*C*NON************20260401~",
		"TRN*1*DEMO0001*1512345678~",
		"DTM*405*20260401~",
		"N1*PR*DEMO HEALTH PLAN~", "N3*1 PAYER WAY~", "N4*SPRINGFIELD*IL*62701~",
		"N1*PE*ACME HOME INFUSION*XX*1234567893~",
		"LX*1~",
	}
	for i, c := range claims {
		segs = append(segs, fmt.Sprintf("CLP*%s*%s*%s*%s*0*12*DEMOCLM%d~", c.id, c.status, cents(c.charge), cents(c.paid), i))
		if c.charge != c.paid {
			segs = append(segs, "CAS*CO*45*"+cents(c.charge-c.paid)+"~")
		}
	}
	segs = append(segs, fmt.Sprintf("SE*%d*0001~", len(segs)-2+1), "GE*1*999~", "IEA*1*000000999~")
	return strings.Join(segs, "\n")
}
