// Package demo seeds a billing workspace with a small, made-up home
// infusion pharmacy, so that a newcomer sees perdiem serve working with one
// command (perdiem serve --demo).
//
// The pharmacy has three payers on shipped profiles, each with a contract
// (made-up rates), a dozen patients (fictional names) with sixteen
// episodes — hospital stays that hold the per diems, concurrent therapies
// (SH/SJ), nursing visits and drugs, one episode edited into three
// versions — and a claim for each episode's March 2026 in every state a
// claim goes through: draft, ready, submitted in an interchange, accepted
// or rejected by a 999 and by a 277CA, paid, partly paid, underpaid or
// denied by an 835 reconciled against the contracts. One payer's claims
// come from a billing run. Every record is made through the server's HTTP
// API, in process, by the demo biller: the claims are coded (and scrubbed
// when made ready), the interchanges built, the 999, 277CA and 835 read and
// matched by the same code as for any client, so the audit log and status
// histories are those of real work.
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
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/perdiem/perdiem/auth"
	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/server"
	"github.com/perdiem/perdiem/store"
)

//go:embed episodes/*.json
var episodes embed.FS

//go:embed contracts/*.json
var contracts embed.FS

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

// payers of the demo pharmacy, on shipped profiles, each with its
// contract (contracts/, made-up rates).
var payers = []struct{ name, profile, payerID, contract string }{
	{"DEMO HEALTH PLAN", "nhia", "DEMO01", "demo-health-plan.json"},
	{"BLUE CROSS AND BLUE SHIELD OF TEXAS", "bcbs-tx", "DEMOTX", "bcbs-tx.json"},
	{"BLUE CROSS BLUE SHIELD OF NORTH DAKOTA", "bcbs-nd", "DEMOND", "bcbs-nd.json"},
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

// payment is what the demo's 835 does with a claim.
type payment int

const (
	noPayment   payment = iota
	paidInFull          // every line paid what the contract expects
	lineDenied          // one line denied (CO-97, included in another service), the rest paid as expected
	underpaid           // the per diem line allowed 10 % below the contract's rate
	claimDenied         // the whole claim denied (CLP02 4, CO-197)
)

// episode is one episode of the demo: whose, from which document, billed
// to which payer, the state its month's claim ends in and, past the 277CA,
// how the 835 pays it.
type episode struct {
	patient, payer int
	doc            string
	end            store.Status
	pay            payment
}

// plan is the demo's sixteen episodes. The claims of BCBS of North Dakota
// (payer 2) come from a billing run, the others each from its own request.
var plan = []episode{
	{0, 0, "anti-infective.json", store.Paid, paidInFull},
	{1, 1, "hospital-stay.json", store.Paid, paidInFull},
	{2, 0, "tpn-with-hydration.json", store.PartlyPaid, lineDenied},
	{3, 2, "infusion-suite.json", store.Denied, claimDenied},
	{4, 0, "hospital-stay.json", store.Accepted277CA, noPayment},
	{5, 1, "anti-infective.json", store.Rejected277CA, noPayment},
	{6, 0, "tpn-with-hydration.json", store.Rejected999, noPayment},
	{7, 1, "hospital-stay.json", store.Rejected999, noPayment},
	{8, 0, "anti-infective.json", store.Submitted, noPayment},
	{9, 2, "infusion-suite.json", store.Submitted, noPayment},
	{10, 1, "tpn-with-hydration.json", store.Ready, noPayment},
	{11, 0, "hospital-stay.json", store.Ready, noPayment},
	{0, 0, "tpn-with-hydration.json", store.Draft, noPayment},
	{4, 1, "anti-infective.json", store.Draft, noPayment},
	{6, 1, "anti-infective.json", store.Accepted999, noPayment},
	{7, 0, "anti-infective.json", store.PartlyPaid, underpaid},
}

// runPayer is the payer whose episodes a billing run bills.
const runPayer = 2

// showcase is the plan's episode whose calendar is suggested first; it
// has three versions (editVisits).
const showcase = 1

// Seed adds the demo pharmacy to db unless it is there already, and in
// either case gives the three demo accounts new random passwords. When it
// fails half way the database keeps what was made (each record is its own
// request, as for any client) but not the mark: seed a new database then.
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
	srv := server.New(server.Options{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	// The billing run is a job: work it while seeding.
	workers := river.NewWorkers()
	srv.Workers(workers)
	jobs, err := db.NewJobClient(ctx, &river.Config{
		Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 1}},
		Workers: workers, FetchCooldown: 20 * time.Millisecond, FetchPollInterval: 50 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err == nil {
		err = jobs.Start(ctx)
	}
	if err != nil {
		return res, fmt.Errorf("demo: jobs: %w", err)
	}
	defer func() {
		stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		jobs.Stop(stop)
	}()
	c := &client{h: srv, token: secret}
	if err := seed(ctx, c, &res); err != nil {
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
	EpisodeID string `json:"episode_id"`
	Version   int64
	State     string
	Errors    []any
	Items     []made
	Claim     struct {
		Lines []struct {
			ID        string
			Code      string
			Modifiers []string
			From, To  civil.Date
			Units     float64
			Charge    money.Amount
		}
	}
}

// linePrice is a line of GET /v1/claims/{id}/price.
type linePrice struct {
	Code     string
	Expected money.Amount
}

func seed(ctx context.Context, c *client, res *Result) error {
	payerIDs := make([]string, len(payers))
	for i, p := range payers {
		contract, err := contracts.ReadFile("contracts/" + p.contract)
		if err != nil {
			return err
		}
		var m made
		body := map[string]any{"name": p.name, "profile_id": p.profile, "payer_id": p.payerID, "contract": json.RawMessage(contract)}
		if err := c.do("POST", "/v1/payers", body, 201, &m); err != nil {
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
	episodeIDs := make([]string, len(plan))
	for i, e := range plan {
		doc, period, err := document(e, 1)
		if err != nil {
			return err
		}
		var ep made
		if err := c.do("POST", "/v1/episodes?patient_id="+patientIDs[e.patient]+"&payer_id="+payerIDs[e.payer], doc, 201, &ep); err != nil {
			return err
		}
		episodeIDs[i] = ep.ID
		res.Episodes++
		if i == showcase {
			res.Showcase = ep.ID
			// Two edits after the first save: each a new version.
			for v := 2; v <= 3; v++ {
				if doc, _, err = document(e, v); err != nil {
					return err
				}
				if err := c.do("PUT", fmt.Sprintf("/v1/episodes/%s?version=%d", ep.ID, v-1), doc, 200, nil); err != nil {
					return err
				}
			}
		}
		if e.payer == runPayer {
			continue
		}
		if err := c.do("POST", "/v1/episodes/"+ep.ID+"/claims", period, 201, &claims[i]); err != nil {
			return err
		}
		res.Claims++
	}
	// The claims of one payer come from a billing run, as a month's do.
	n, err := billingRun(ctx, c, payerIDs[runPayer], episodeIDs, claims)
	if err != nil {
		return err
	}
	res.Claims += n
	// Everything past draft is made ready first, which scrubs it.
	for i, e := range plan {
		if e.end != store.Draft {
			if err := c.do("POST", "/v1/claims/"+claims[i].ID+"/status", map[string]string{"status": "ready"}, 200, nil); err != nil {
				return err
			}
		}
	}
	// Three interchanges: one waits for its 999, one is rejected, one
	// accepted, then answered by a 277CA and paid by an 835.
	groups := map[string][]int{}
	for i, e := range plan {
		switch e.end {
		case store.Submitted:
			groups["waiting"] = append(groups["waiting"], i)
		case store.Rejected999:
			groups["rejected"] = append(groups["rejected"], i)
		case store.Draft, store.Ready:
		default:
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
	// The payer's front end answers the accepted claims with a 277CA: one
	// rejected, one not answered yet.
	var acks []ackClaim
	for i, e := range plan {
		switch {
		case e.end == store.Rejected277CA:
			acks = append(acks, ackClaim{claims[i].ID, patients[e.patient], memberID(e.patient), claims[i].Total, false})
		case e.end == store.Accepted277CA || e.pay != noPayment:
			acks = append(acks, ackClaim{claims[i].ID, patients[e.patient], memberID(e.patient), claims[i].Total, true})
		}
	}
	var m made
	if err := c.do("POST", "/v1/acknowledgments", a277(acks), 201, &m); err != nil {
		return err
	}
	if len(m.Unmatched) > 0 {
		return fmt.Errorf("the 277CA left claims unmatched: %v", m.Unmatched)
	}
	// The 835 pays each line what the contract expects, but for a denied
	// line, an underpaid per diem and a denied claim.
	var paid []remitClaim
	for i, e := range plan {
		if e.pay == noPayment {
			continue
		}
		var cl made
		if err := c.do("GET", "/v1/claims/"+claims[i].ID, nil, 200, &cl); err != nil {
			return err
		}
		var price struct{ Lines []linePrice }
		if err := c.do("GET", "/v1/claims/"+claims[i].ID+"/price", nil, 200, &price); err != nil {
			return err
		}
		paid = append(paid, remitted(cl, price.Lines, e))
	}
	if err := c.do("POST", "/v1/remittances", an835(paid), 201, &m); err != nil {
		return err
	}
	if len(m.Unmatched) > 0 {
		return fmt.Errorf("the 835 left claims unmatched: %v", m.Unmatched)
	}
	return nil
}

// billingRun bills the month of every episode of payer through a billing
// run, waits for it to finish, and puts each claim it made in claims at
// its episode's place; it returns how many it made.
func billingRun(ctx context.Context, c *client, payer string, episodeIDs []string, claims []made) (int, error) {
	var run made
	if err := c.do("POST", "/v1/billing-runs", map[string]string{"from": month.From.String(), "to": month.To.String(), "payer_id": payer}, 202, &run); err != nil {
		return 0, err
	}
	deadline := time.Now().Add(2 * time.Minute)
	for run.State != store.RunDone {
		if run.State == store.RunFailed || len(run.Errors) > 0 {
			return 0, fmt.Errorf("billing run %s: %s %v", run.ID, run.State, run.Errors)
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("billing run %s: still %s after 2 minutes", run.ID, run.State)
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if err := c.do("GET", "/v1/billing-runs/"+run.ID, nil, 200, &run); err != nil {
			return 0, err
		}
	}
	var list made
	if err := c.do("GET", "/v1/claims?billing_run_id="+run.ID, nil, 200, &list); err != nil {
		return 0, err
	}
	for _, cl := range list.Items {
		for i, id := range episodeIDs {
			if id == cl.EpisodeID {
				claims[i] = cl
			}
		}
	}
	for i, e := range plan {
		if e.payer == runPayer && claims[i].ID == "" {
			return 0, fmt.Errorf("billing run %s made no claim for episode %s", run.ID, episodeIDs[i])
		}
	}
	return len(list.Items), nil
}

func memberID(i int) string { return fmt.Sprintf("DM%09d", 400117+i*7919) }

// document is the episode document of e, as saved in version (1, or the
// showcase's later versions: editVisits): its template with the patient's
// name, member id and birth date, and the payer's profile and id; and the
// claim request for the document's month.
func document(e episode, version int) ([]byte, map[string]string, error) {
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
	if version > 1 {
		if err := editVisits(doc, version); err != nil {
			return nil, nil, fmt.Errorf("%s version %d: %w", e.doc, version, err)
		}
	}
	out, err := json.Marshal(doc)
	return out, map[string]string{"from": month.From.String(), "to": month.To.String()}, err
}

// editVisits makes the showcase's later versions, as a biller would from
// the nurse's notes: version 2 gives the visit after the hospital stay
// its length as charted (185 minutes, an extra hour of 99602), version 3
// adds a visit a week later.
func editVisits(doc map[string]any, version int) error {
	visits, ok := doc["visits"].([]any)
	if !ok || len(visits) < 2 {
		return fmt.Errorf("want two visits to edit")
	}
	after := visits[1].(map[string]any)
	after["minutes"] = 185
	if version >= 3 {
		d, err := civil.Parse(after["date"].(string))
		if err != nil {
			return err
		}
		doc["visits"] = append(visits, map[string]any{"date": (d + 7).String(), "minutes": 60, "nurse": "rn", "therapy": after["therapy"]})
	}
	return nil
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

// ackClaim is a claim the demo's 277CA answers.
type ackClaim struct {
	id      string
	patient struct{ last, first, sex, dob string }
	member  string
	charge  money.Amount
	accept  bool
}

// a277 is the payer front end's 277CA: each claim accepted into
// adjudication (A2:20) or rejected (A7:562:85, the billing provider's NPI
// not on the payer's file).
func a277(claims []ackClaim) string {
	var accepted, rejected int
	var acc, rej money.Amount
	for _, c := range claims {
		if c.accept {
			accepted++
			acc += c.charge
		} else {
			rejected++
			rej += c.charge
		}
	}
	segs := []string{
		isa(998),
		"GS*HN*PAYERRCVR*HITSUBMIT*20260402*0900*998*X*005010X214~",
		"ST*277*0001*005010X214~",
		"BHT*0085*08*DEMO277CA1*20260402*0900*TH~",
		"HL*1**20*1~",
		"NM1*PR*2*DEMO CLEARINGHOUSE*****PI*DEMO01~",
		"TRN*1*DEMO277CA1~",
		"DTP*050*D8*20260401~",
		"DTP*009*D8*20260402~",
		"HL*2*1*21*1~",
		"NM1*41*2*ACME HOME INFUSION*****46*HITSUBMIT~",
		"TRN*2*DEMOBATCH1~",
		"STC*A1:19*20260402*WQ*" + (acc + rej).String() + "~",
		fmt.Sprintf("QTY*90*%d~", accepted),
		fmt.Sprintf("QTY*AA*%d~", rejected),
		"AMT*YU*" + acc.String() + "~",
		"AMT*YY*" + rej.String() + "~",
		"HL*3*2*19*1~",
		"NM1*85*2*ACME HOME INFUSION*****XX*1234567893~",
	}
	for i, c := range claims {
		stc := "STC*A2:20*20260402*WQ*" + c.charge.String() + "~"
		if !c.accept {
			stc = "STC*A7:562:85*20260402*U*" + c.charge.String() + "~"
		}
		segs = append(segs, fmt.Sprintf("HL*%d*3*PT~", i+4),
			"NM1*QC*1*"+c.patient.last+"*"+c.patient.first+"****MI*"+c.member+"~",
			"TRN*2*"+c.id+"~", stc,
			"DTP*472*RD8*"+compact(month.From)+"-"+compact(month.To)+"~")
	}
	segs = append(segs, fmt.Sprintf("SE*%d*0001~", len(segs)-2+1), "GE*1*998~", "IEA*1*000000998~")
	return strings.Join(segs, "\n")
}

func compact(d civil.Date) string { return strings.ReplaceAll(d.String(), "-", "") }

// remitClaim is one claim of the demo's 835, with its lines.
type remitClaim struct {
	id, status     string // CLP01, CLP02
	payer, patient int
	charge, paid   money.Amount
	lines          []remitLine
}

type remitLine struct {
	id, code              string
	modifiers             []string
	from, to              civil.Date
	units                 float64
	charge, allowed, paid money.Amount
	group, reason         string // the CAS of charge − paid: CO-45 (over the contract), CO-97, CO-197
	remark                string // LQ*HE
}

// remitted is what the demo's payer does with a claim: each line allowed
// what the contract expects (prices, from GET /v1/claims/{id}/price),
// except as e.pay says.
func remitted(cl made, prices []linePrice, e episode) remitClaim {
	rc := remitClaim{id: cl.ID, status: "1", payer: e.payer, patient: e.patient, charge: cl.Total}
	perDiem := -1
	for i, l := range cl.Claim.Lines {
		if perDiem < 0 && strings.HasPrefix(l.Code, "S9") && len(l.Modifiers) == 0 {
			perDiem = i
		}
	}
	for i, l := range cl.Claim.Lines {
		rl := remitLine{id: l.ID, code: l.Code, modifiers: l.Modifiers, from: l.From, to: l.To, units: l.Units, charge: l.Charge,
			allowed: prices[i].Expected, group: "CO", reason: "45"}
		switch {
		case e.pay == claimDenied:
			rl.allowed, rl.reason, rl.remark = 0, "197", "N54"
		case e.pay == lineDenied && l.Code == "S9374":
			rl.allowed, rl.reason, rl.remark = 0, "97", "M15"
		case e.pay == underpaid && i == perDiem:
			rl.allowed = rl.allowed * 9 / 10
		}
		rl.paid = rl.allowed
		rc.paid += rl.paid
		rc.lines = append(rc.lines, rl)
	}
	if e.pay == claimDenied {
		rc.status = "4"
	}
	return rc
}

// an835 is the payers' remittance: a transaction set per payer, each claim
// paid line by line (SVC, with the line's control number in REF*6R and
// the allowed amount in AMT*B6), the rest of each charge adjusted (CAS)
// so every line and claim balances.
func an835(claims []remitClaim) string {
	segs := []string{isa(999), "GS*HP*PAYERRCVR*HITSUBMIT*20260408*1200*999*X*005010X221A1~"}
	sets := 0
	for py, p := range payers {
		var mine []remitClaim
		var total money.Amount
		for _, c := range claims {
			if c.payer == py {
				mine = append(mine, c)
				total += c.paid
			}
		}
		if len(mine) == 0 {
			continue
		}
		sets++
		st := len(segs)
		segs = append(segs,
			fmt.Sprintf("ST*835*%04d~", sets),
			"BPR*I*"+total.String()+"*C*ACH*CCP*01*999999992*DA*123456*1512345678**01*999988880*DA*98765*20260408~",
			fmt.Sprintf("TRN*1*DEMOEFT%04d*1512345678~", sets),
			"DTM*405*20260408~",
			"N1*PR*"+p.name+"~", "N3*1 PAYER WAY~", "N4*SPRINGFIELD*IL*62701~",
			"REF*2U*"+p.payerID+"~",
			"N1*PE*ACME HOME INFUSION*XX*1234567893~",
			"LX*1~")
		for i, c := range mine {
			pt := patients[c.patient]
			segs = append(segs, fmt.Sprintf("CLP*%s*%s*%s*%s*0*12*%s%05d~", c.id, c.status, c.charge, c.paid, p.payerID, i+1),
				"NM1*QC*1*"+pt.last+"*"+pt.first+"****MI*"+memberID(c.patient)+"~")
			for _, l := range c.lines {
				proc := strings.Join(append([]string{"HC", l.code}, l.modifiers...), ":")
				segs = append(segs, fmt.Sprintf("SVC*%s*%s*%s**%s~", proc, l.charge, l.paid, strconv.FormatFloat(l.units, 'f', -1, 64)))
				if l.from == l.to {
					segs = append(segs, "DTM*472*"+compact(l.from)+"~")
				} else {
					segs = append(segs, "DTM*150*"+compact(l.from)+"~", "DTM*151*"+compact(l.to)+"~")
				}
				if adj := l.charge - l.paid; adj != 0 {
					segs = append(segs, "CAS*"+l.group+"*"+l.reason+"*"+adj.String()+"~")
				}
				segs = append(segs, "REF*6R*"+l.id+"~")
				if l.allowed > 0 {
					segs = append(segs, "AMT*B6*"+l.allowed.String()+"~")
				}
				if l.remark != "" {
					segs = append(segs, "LQ*HE*"+l.remark+"~")
				}
			}
		}
		segs = append(segs, fmt.Sprintf("SE*%d*%04d~", len(segs)-st+1, sets))
	}
	segs = append(segs, fmt.Sprintf("GE*%d*999~", sets), "IEA*1*000000999~")
	return strings.Join(segs, "\n")
}
