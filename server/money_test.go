package server

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/asp"
	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/internal/x12gen"
)

// newPayer stores a payer and returns its id; contract may be nil.
func (f *fixture) newPayer(t *testing.T, name, profile string, contract []byte) string {
	t.Helper()
	body := map[string]any{"name": name, "profile_id": profile, "payer_id": "PAYER01"}
	if contract != nil {
		body["contract"] = json.RawMessage(contract)
	}
	var p struct{ ID string }
	f.biller.do("POST", "/v1/payers", body).want(t, 201, "").json(t, &p)
	return p.ID
}

func (f *fixture) newPayerEpisode(t *testing.T, patient, payer string, doc []byte) string {
	t.Helper()
	var e struct{ ID string }
	f.biller.do("POST", "/v1/episodes?patient_id="+patient+"&payer_id="+payer, doc).want(t, 201, "").json(t, &e)
	return e.ID
}

type scrubJSON struct {
	ClaimID  string `json:"claim_id"`
	Profile  string
	Errors   int
	Warnings int
	Findings []struct {
		Edit, Rule, Severity, Message, Path string
		Line                                int
	}
}

type problemsJSON struct {
	Error struct {
		Code, Message, Path string
		Problems            []struct{ Path, Message string }
	}
}

func TestScrubClaim(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		doc := readExample(t, "episode.json")
		patient := f.newPatient(t)
		ep := f.newEpisode(t, patient, doc)
		first := f.newClaim(t, ep)
		second := f.newClaim(t, ep)

		// A clean claim: no findings, under the document's profile (the
		// episode has no payer); an auditor may ask, it changes nothing.
		var s scrubJSON
		f.auditor.do("POST", "/v1/claims/"+first.ID+"/scrub", nil).want(t, 200, "").json(t, &s)
		if s.ClaimID != first.ID || s.Profile != "nhia" || s.Errors != 0 || len(s.Findings) != 0 {
			t.Fatalf("scrub of a clean claim: %+v", s)
		}
		// A draft bills nothing yet: the second claim, the same services,
		// is no duplicate of it, and the first becomes ready.
		f.biller.do("POST", "/v1/claims/"+first.ID+"/status", map[string]string{"status": "ready"}).want(t, 200, "")

		// Now the second bills what the ready one bills: SC-21 on every
		// line, at its path.
		f.biller.do("POST", "/v1/claims/"+second.ID+"/scrub", nil).want(t, 200, "").json(t, &s)
		if s.Errors != len(second.Claim.Lines) || len(s.Findings) != s.Errors {
			t.Fatalf("scrub of a duplicate: %d errors for %d lines: %+v", s.Errors, len(second.Claim.Lines), s)
		}
		for i, fd := range s.Findings {
			if fd.Edit != "SC-21" || fd.Rule != "LN-4" || fd.Severity != "error" || fd.Line != i+1 ||
				fd.Path != "claim.lines["+strconv.Itoa(i)+"]" || !strings.Contains(fd.Message, first.ID) {
				t.Errorf("finding %d: %+v", i, fd)
			}
		}
		// It cannot be made ready: 409 with each error at its path, and
		// its status stays draft.
		a := f.biller.do("POST", "/v1/claims/"+second.ID+"/status", map[string]string{"status": "ready"}).want(t, 409, "conflict")
		var e problemsJSON
		a.json(t, &e)
		if e.Error.Path != "claim.lines[0]" || !strings.HasPrefix(e.Error.Message, "scrub SC-21 (LN-4): ") || len(e.Error.Problems) != len(second.Claim.Lines) {
			t.Errorf("refusal: %s", a.body)
		}
		var got claimJSON
		f.biller.do("GET", "/v1/claims/"+second.ID, nil).want(t, 200, "").json(t, &got)
		if got.Status != "draft" || len(got.History) != 1 {
			t.Errorf("refused claim moved: %+v", got)
		}
		// The first, scrubbed again, is no duplicate of itself nor of the
		// draft.
		f.biller.do("POST", "/v1/claims/"+first.ID+"/scrub", nil).want(t, 200, "").json(t, &s)
		if s.Errors != 0 {
			t.Errorf("ready claim: %+v", s)
		}

		// A warning lets the claim through: ten hours of nursing in a day
		// over bcbs-mi's cap of four (SC-16).
		long := strings.Replace(string(doc), `"minutes": 150`, `"minutes": 600`, 1)
		long = strings.Replace(long, `"S5520": 450.0`, `"S5520": 450.0, "99602": 60.0`, 1)
		long = strings.Replace(long, "MBR123456789", "MBR987654321", 1) // another patient
		mi := f.newPayer(t, "MICHIGAN PLAN", "bcbs-mi", nil)
		other := f.newPatient(t)
		c := f.newClaim(t, f.newPayerEpisode(t, other, mi, []byte(long)))
		f.biller.do("POST", "/v1/claims/"+c.ID+"/scrub", nil).want(t, 200, "").json(t, &s)
		if s.Profile != "bcbs-mi" || s.Errors != 0 || s.Warnings != 1 || s.Findings[0].Edit != "SC-16" || s.Findings[0].Severity != "warning" {
			t.Fatalf("scrub under the payer's profile: %+v", s)
		}
		f.biller.do("POST", "/v1/claims/"+c.ID+"/status", map[string]string{"status": "ready"}).want(t, 200, "")

		// Errors.
		f.biller.do("POST", "/v1/claims/C-nothing/scrub", nil).want(t, 404, "not_found")
		f.anon.do("POST", "/v1/claims/"+first.ID+"/scrub", nil).want(t, 401, "unauthorized")
		f.auditor.do("POST", "/v1/claims/"+second.ID+"/status", map[string]string{"status": "ready"}).want(t, 403, "forbidden")
	})
}

// exampleContract is examples/contract/example-health.json without its
// ndc-price basis, whose price list the store does not hold.
func exampleContract(t *testing.T) []byte {
	t.Helper()
	var k map[string]any
	if err := json.Unmarshal(readExample(t, "contract/example-health.json"), &k); err != nil {
		t.Fatal(err)
	}
	for _, term := range k["terms"].([]any) {
		term := term.(map[string]any)
		term["drugs"] = term["drugs"].([]any)[:2]
	}
	b, _ := json.Marshal(k)
	return b
}

type priceJSON struct {
	ClaimID  string `json:"claim_id"`
	Contract string
	Charge   float64
	Expected float64
	Unpriced int
	Lines    []struct {
		Code     string
		Expected float64
		Status   string
		Parts    []struct {
			Term  string
			Paths []string
			Why   string
		}
	}
}

func TestPriceClaim(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		doc := readExample(t, "episode.json")
		payer := f.newPayer(t, "EXAMPLE HEALTH PLAN", "nhia", exampleContract(t))
		patient := f.newPatient(t)
		c := f.newClaim(t, f.newPayerEpisode(t, patient, payer, doc))

		var p priceJSON
		f.auditor.do("GET", "/v1/claims/"+c.ID+"/price", nil).want(t, 200, "").json(t, &p)
		if p.ClaimID != c.ID || p.Contract != "example-health-2026" || len(p.Lines) != len(c.Claim.Lines) {
			t.Fatalf("price: %+v", p)
		}
		// The cefazolin per diem, 03/02–03/15, all under the base term:
		// 14 days at 125.00 (below the 180.00 a day billed).
		var perDiem bool
		for _, l := range p.Lines {
			if l.Code != "S9502" {
				continue
			}
			perDiem = true
			if l.Expected != 1750 || l.Status != "priced" || len(l.Parts) != 1 || l.Parts[0].Term != "2026-base" ||
				len(l.Parts[0].Paths) == 0 || l.Parts[0].Paths[0] != "terms[0].per_diem.S9502" {
				t.Errorf("S9502: %+v", l)
			}
		}
		if !perDiem {
			t.Errorf("no S9502 line: %+v", p.Lines)
		}
		// The claim's expected amount is the sum of its lines'.
		var sum float64
		for _, l := range p.Lines {
			sum += l.Expected
		}
		if d := sum - p.Expected; d > 0.001 || d < -0.001 {
			t.Errorf("expected %.2f, lines sum to %.2f", p.Expected, sum)
		}

		// Errors: a payer without a contract, a claim without a payer, no
		// such claim, signed out.
		bare := f.newPayer(t, "NO CONTRACT PLAN", "nhia", nil)
		c2 := f.newClaim(t, f.newPayerEpisode(t, patient, bare, doc))
		a := f.biller.do("GET", "/v1/claims/"+c2.ID+"/price", nil).want(t, 404, "not_found")
		if !strings.Contains(string(a.body), "has no contract") {
			t.Errorf("no contract: %s", a.body)
		}
		c3 := f.newClaim(t, f.newEpisode(t, patient, doc))
		if a := f.biller.do("GET", "/v1/claims/"+c3.ID+"/price", nil).want(t, 404, "not_found"); !strings.Contains(string(a.body), "has no payer") {
			t.Errorf("no payer: %s", a.body)
		}
		f.biller.do("GET", "/v1/claims/C-nothing/price", nil).want(t, 404, "not_found")
		f.anon.do("GET", "/v1/claims/"+c.ID+"/price", nil).want(t, 401, "unauthorized")

		// A contract with problems is refused when the payer is stored,
		// at its path under contract.
		bad := strings.Replace(string(exampleContract(t)), `"S9502":125`, `"S9502":"cheap"`, 1)
		if bad == string(exampleContract(t)) {
			t.Fatal("the contract to break has no S9502 rate of 125")
		}
		a = f.biller.do("POST", "/v1/payers", map[string]any{"name": "BAD", "profile_id": "nhia", "payer_id": "B1", "contract": json.RawMessage(bad)}).want(t, 400, "invalid")
		if a.errorPath() != "contract.terms[0].per_diem.S9502" {
			t.Errorf("bad contract: %s", a.body)
		}
	})
}

// pricedContract is the example contract with a fee for every drug of
// examples/episode.json, so that it prices every line.
func pricedContract(t *testing.T) []byte {
	t.Helper()
	var k map[string]any
	if err := json.Unmarshal(exampleContract(t), &k); err != nil {
		t.Fatal(err)
	}
	for _, term := range k["terms"].([]any) {
		rates := term.(map[string]any)["drugs"].([]any)[0].(map[string]any)["rates"].(map[string]any)
		rates["J0690"] = 1.10
	}
	b, _ := json.Marshal(k)
	return b
}

type sentLine struct {
	ID, Code  string
	Modifiers []string
	From, To  string
	Units     float64
	Charge    float64
}

// paying is an 835 claim that allows each line of a claim an amount, the
// rest of each charge a contractual adjustment (CO-45).
type paying struct {
	id      string
	lines   []sentLine
	allowed []int64 // cents, by line
}

func an835Lines(claims []paying) string {
	cs := make([]x12gen.Claim, len(claims))
	for i, c := range claims {
		cs[i] = x12gen.Claim{ID: c.id, CLP02: "1"}
		for j, l := range c.lines {
			ch := int64(math.Round(l.Charge * 100))
			cs[i].Charge += ch
			cs[i].Paid += c.allowed[j]
			cs[i].Lines = append(cs[i].Lines, x12gen.Line{ID: l.ID, Procedure: strings.Join(append([]string{"HC", l.Code}, l.Modifiers...), ":"),
				Units: strconv.FormatFloat(l.Units, 'f', -1, 64), From: date(l.From), To: date(l.To), Charge: ch, Allowed: c.allowed[j]})
		}
	}
	return files.An835(902, cs...)
}

// date reads a date of the API's answers.
func date(s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

type reconciliationJSON struct {
	ClaimID  string `json:"claim_id"`
	Outcome  string
	Billed   float64
	Expected *float64
	Paid     float64
	Flags    []struct{ Kind, Message string }
	Payments []map[string]any
}

func TestReconcileRemittance(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		doc := readExample(t, "episode.json")
		payer := f.newPayer(t, "EXAMPLE HEALTH PLAN", "nhia", pricedContract(t))
		bare := f.newPayer(t, "NO CONTRACT PLAN", "nhia", nil)
		patient := f.newPatient(t)
		type sent struct {
			ID, Status string
			Total      float64
			Flags      []string
			Claim      struct{ Lines []sentLine }
		}
		newSent := func(payer string, from, to string) sent {
			var c sent
			ep := f.newPayerEpisode(t, patient, payer, doc)
			f.biller.do("POST", "/v1/episodes/"+ep+"/claims", map[string]string{"from": from, "to": to}).want(t, 201, "").json(t, &c)
			return c
		}
		// Three claims of one patient on different days, so none
		// duplicates another: one paid as the contract expects, one
		// whose per diem is allowed 10 % less, one of a payer without a
		// contract paid 60 % of its charge.
		full := newSent(payer, "2026-03-01", "2026-03-08")
		under := newSent(payer, "2026-03-09", "2026-03-31")
		nocontract := newSent(bare, "2026-03-01", "2026-03-31")
		f.biller.do("POST", "/v1/interchanges", map[string]any{"claims": []string{full.ID, under.ID, nocontract.ID}}).want(t, 201, "")

		expected := func(id string) []int64 {
			var p struct{ Lines []struct{ Expected float64 } }
			f.biller.do("GET", "/v1/claims/"+id+"/price", nil).want(t, 200, "").json(t, &p)
			out := make([]int64, len(p.Lines))
			for i, l := range p.Lines {
				out[i] = int64(math.Round(l.Expected * 100))
			}
			return out
		}
		fullPay, underPay := expected(full.ID), expected(under.ID)
		var perDiem int64
		for i, l := range under.Claim.Lines {
			if l.Code == "S9502" {
				perDiem = underPay[i]
				underPay[i] = underPay[i] * 9 / 10
			}
		}
		if perDiem == 0 {
			t.Fatalf("no S9502 line in %+v", under.Claim.Lines)
		}
		var noPay []int64
		for _, l := range nocontract.Claim.Lines {
			noPay = append(noPay, int64(math.Round(l.Charge*100))*6/10)
		}
		file := an835Lines([]paying{{full.ID, full.Claim.Lines, fullPay}, {under.ID, under.Claim.Lines, underPay}, {nocontract.ID, nocontract.Claim.Lines, noPay}})
		a := f.biller.do("POST", "/v1/remittances", file).want(t, 201, "")
		var rem struct {
			ID      string
			Summary struct{ Paid, PartlyPaid, Underpaid int }
			Claims  []reconciliationJSON
		}
		if err := json.Unmarshal(a.body, &rem); err != nil {
			t.Fatal(err)
		}
		if len(rem.Claims) != 3 || rem.Summary.Underpaid != 1 {
			t.Fatalf("remittance: %s", a.body)
		}
		byID := map[string]reconciliationJSON{}
		for _, rc := range rem.Claims {
			byID[rc.ClaimID] = rc
		}
		kinds := func(rc reconciliationJSON) string {
			var ks []string
			for _, fl := range rc.Flags {
				ks = append(ks, fl.Kind)
			}
			return strings.Join(ks, " ")
		}
		// Paid as expected: paid, no flag, though paid less than billed.
		if rc := byID[full.ID]; rc.Outcome != "paid" || rc.Expected == nil || len(rc.Flags) != 0 || len(rc.Payments) != 1 {
			t.Errorf("paid in full: %+v", rc)
		}
		// The per diem allowed 10 % below the contract: underpaid by that.
		rc := byID[under.ID]
		short := float64(perDiem-perDiem*9/10) / 100
		if rc.Outcome != "partly-paid" || rc.Expected == nil || kinds(rc) != "underpaid" || !strings.Contains(rc.Flags[0].Message, fmt.Sprintf("%.2f below", short)) {
			t.Errorf("underpaid: %+v (short %.2f)", rc, short)
		}
		// No contract: no expected amount, nothing to call underpaid.
		if rc := byID[nocontract.ID]; rc.Expected != nil || len(rc.Flags) != 0 {
			t.Errorf("without a contract: %+v", rc)
		}
		status := func(id string) sent {
			var c sent
			f.auditor.do("GET", "/v1/claims/"+id, nil).want(t, 200, "").json(t, &c)
			return c
		}
		if c := status(full.ID); c.Status != "paid" || len(c.Flags) != 0 {
			t.Errorf("claim paid as expected: %s %v", c.Status, c.Flags)
		}
		if c := status(under.ID); c.Status != "partly_paid" || strings.Join(c.Flags, " ") != "underpaid" {
			t.Errorf("underpaid claim: %s %v", c.Status, c.Flags)
		}
		if c := status(nocontract.ID); c.Status != "partly_paid" {
			t.Errorf("claim without a contract paid 60 %%: %s", c.Status)
		}
		// Findable as underpaid, alone.
		var list struct{ Items []sent }
		f.auditor.do("GET", "/v1/claims?flag=underpaid", nil).want(t, 200, "").json(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != under.ID || strings.Join(list.Items[0].Flags, " ") != "underpaid" {
			t.Errorf("?flag=underpaid: %+v", list.Items)
		}
		f.auditor.do("GET", "/v1/claims?flag=overpaid", nil).want(t, 200, "").json(t, &list)
		if len(list.Items) != 0 {
			t.Errorf("?flag=overpaid: %+v", list.Items)
		}
		// The reconciliation is kept with the remittance and the claim.
		var got struct{ Claims []reconciliationJSON }
		f.auditor.do("GET", "/v1/remittances/"+rem.ID, nil).want(t, 200, "").json(t, &got)
		if len(got.Claims) != 3 {
			t.Errorf("GET remittance: %+v", got)
		}
		var recs struct{ Items []reconciliationJSON }
		f.auditor.do("GET", "/v1/claims/"+under.ID+"/reconciliations", nil).want(t, 200, "").json(t, &recs)
		if len(recs.Items) != 1 || kinds(recs.Items[0]) != "underpaid" || recs.Items[0].Paid >= *recs.Items[0].Expected {
			t.Errorf("reconciliations: %+v", recs.Items)
		}

		// Errors.
		f.auditor.do("GET", "/v1/claims?flag=late", nil).want(t, 400, "invalid")
		f.auditor.do("GET", "/v1/claims/C-nothing/reconciliations", nil).want(t, 404, "not_found")
		f.anon.do("GET", "/v1/claims/"+under.ID+"/reconciliations", nil).want(t, 401, "unauthorized")
		f.auditor.do("POST", "/v1/remittances", file).want(t, 403, "forbidden")
	})
}

// TestUpdatePayer: PUT /v1/payers/{id} changes a payer's name, profile,
// payer id and contract; billers and admins may, auditors not; its audit
// entry names what changed; bad fields are refused at their paths; an
// Idempotency-Key replays the first answer; and what is made after the
// change uses it: the next claim is scrubbed under the new profile, and
// pricing finds the new contract.
func TestUpdatePayer(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		id := f.newPayer(t, "DEMO PLAN", "nhia", nil)
		var before struct {
			CreatedAt string `json:"created_at"`
		}
		f.auditor.do("GET", "/v1/payers/"+id, nil).want(t, 200, "").json(t, &before)
		doc := readExample(t, "episode.json")
		patient := f.newPatient(t)
		ep := f.newPayerEpisode(t, patient, id, doc)
		c1 := f.newClaim(t, ep)
		if a := f.biller.do("GET", "/v1/claims/"+c1.ID+"/price", nil).want(t, 404, "not_found"); !strings.Contains(string(a.body), "has no contract") {
			t.Errorf("price before the contract: %s", a.body)
		}

		change := map[string]any{"name": "DEMO PLAN OF TEXAS", "profile_id": "bcbs-tx", "payer_id": "84980", "contract": json.RawMessage(exampleContract(t))}
		var p struct {
			ID, Name  string
			ProfileID string `json:"profile_id"`
			PayerID   string `json:"payer_id"`
			Contract  json.RawMessage
		}
		f.auditor.do("PUT", "/v1/payers/"+id, change).want(t, 403, "forbidden")
		f.anon.do("PUT", "/v1/payers/"+id, change).want(t, 401, "unauthorized")
		f.biller.do("PUT", "/v1/payers/"+id, change).want(t, 200, "").json(t, &p)
		if p.ID != id || p.Name != "DEMO PLAN OF TEXAS" || p.ProfileID != "bcbs-tx" || p.PayerID != "84980" || len(p.Contract) == 0 {
			t.Errorf("answer %+v", p)
		}
		var got struct {
			Name      string
			ProfileID string `json:"profile_id"`
			PayerID   string `json:"payer_id"`
			CreatedAt string `json:"created_at"`
			Contract  json.RawMessage
		}
		f.auditor.do("GET", "/v1/payers/"+id, nil).want(t, 200, "").json(t, &got)
		if got.Name != "DEMO PLAN OF TEXAS" || got.ProfileID != "bcbs-tx" || got.PayerID != "84980" || len(got.Contract) == 0 || got.CreatedAt != before.CreatedAt {
			t.Errorf("stored %+v (created %s before)", got, before.CreatedAt)
		}

		// What is made after the change uses it.
		c2 := f.newClaim(t, ep)
		var s scrubJSON
		f.biller.do("POST", "/v1/claims/"+c2.ID+"/scrub", nil).want(t, 200, "").json(t, &s)
		if s.Profile != "bcbs-tx" {
			t.Errorf("the claim after the change is scrubbed under %q, want bcbs-tx", s.Profile)
		}
		var pr priceJSON
		f.biller.do("GET", "/v1/claims/"+c2.ID+"/price", nil).want(t, 200, "").json(t, &pr)
		if pr.Contract == "" {
			t.Errorf("price after the change names no contract: %+v", pr)
		}

		// An admin may change it too; a contract left out is removed.
		f.admin.do("PUT", "/v1/payers/"+id, map[string]any{"name": "DEMO PLAN OF TEXAS", "profile_id": "bcbs-tx", "payer_id": "84980"}).want(t, 200, "")
		if a := f.biller.do("GET", "/v1/claims/"+c2.ID+"/price", nil).want(t, 404, "not_found"); !strings.Contains(string(a.body), "has no contract") {
			t.Errorf("price after the contract was removed: %s", a.body)
		}

		// The audit log names the fields each change made.
		var log struct {
			Items []struct{ Action, Kind, Detail string }
		}
		f.admin.do("GET", "/v1/audit?kind=payer&record_id="+id, nil).want(t, 200, "").json(t, &log)
		var details []string
		for _, e := range log.Items {
			if e.Action == "update" {
				details = append(details, e.Detail)
			}
		}
		if strings.Join(details, "|") != "contract|name, profile_id, payer_id, contract" {
			t.Errorf("audit details of the updates, newest first: %q", details)
		}

		// Errors at their paths; no such payer.
		for _, c := range []struct {
			body map[string]any
			path string
		}{
			{map[string]any{"name": "", "profile_id": "nhia", "payer_id": "1"}, "name"},
			{map[string]any{"name": "X", "profile_id": "nope", "payer_id": "1"}, "profile_id"},
			{map[string]any{"name": "X", "profile_id": "nhia"}, "payer_id"},
			{map[string]any{"name": "X", "profile_id": "nhia", "payer_id": "1", "contract": json.RawMessage(strings.Replace(string(exampleContract(t)), `"S9502":125`, `"S9502":"cheap"`, 1))}, "contract.terms[0].per_diem.S9502"},
			{map[string]any{"name": "X", "profile_id": "nhia", "payer_id": "1", "color": "red"}, "color"},
		} {
			if a := f.biller.do("PUT", "/v1/payers/"+id, c.body).want(t, 400, "invalid"); a.errorPath() != c.path {
				t.Errorf("%v: path %q, want %q", c.body, a.errorPath(), c.path)
			}
		}
		f.biller.do("PUT", "/v1/payers/Y-nobody", change).want(t, 404, "not_found")

		// An Idempotency-Key: the retry gets the first answer, and the key
		// with another body is a conflict.
		keyed := f.biller.with("Idempotency-Key", "payer-rename-1")
		rename := map[string]any{"name": "RENAMED", "profile_id": "nhia", "payer_id": "84980"}
		first := keyed.do("PUT", "/v1/payers/"+id, rename).want(t, 200, "")
		f.biller.do("PUT", "/v1/payers/"+id, map[string]any{"name": "RENAMED AGAIN", "profile_id": "nhia", "payer_id": "84980"}).want(t, 200, "")
		again := keyed.do("PUT", "/v1/payers/"+id, rename).want(t, 200, "")
		if again.header.Get("Idempotent-Replayed") != "true" || string(again.body) != string(first.body) {
			t.Errorf("retry: replayed %q, body %s; first %s", again.header.Get("Idempotent-Replayed"), again.body, first.body)
		}
		var now struct{ Name string }
		f.biller.do("GET", "/v1/payers/"+id, nil).want(t, 200, "").json(t, &now)
		if now.Name != "RENAMED AGAIN" {
			t.Errorf("the retry changed the payer again: %q", now.Name)
		}
		keyed.do("PUT", "/v1/payers/"+id, map[string]any{"name": "OTHER", "profile_id": "nhia", "payer_id": "84980"}).want(t, 409, "conflict")
	})
}

// TestScrubUsesASPCrosswalk: given the CMS ASP quarters (perdiem serve
// --asp), the server's scrub judges drug units in items by their NDC
// crosswalk, as perdiem scrub --asp does (SC-13): the example's 84 units
// of J0690 for 42 vials are too few at 4 billing units a vial, and right
// at 2; without quarters the line is not judged. Making the claim ready
// runs the same scrub: SC-13 is a warning, so the claim becomes ready.
func TestScrubUsesASPCrosswalk(t *testing.T) {
	quarter := func(units float64) []*asp.Table {
		from, _ := civil.Parse("2026-01-01")
		through, _ := civil.Parse("2026-03-31")
		return []*asp.Table{{From: from, Through: through, Limits: map[string]asp.Limit{}, NDCs: map[string][]asp.Package{
			"00409080501": {{Code: "J0690", ID: "00409-0805-01", NDC: "00409080501", PkgSize: 1, PkgQty: 25, BillUnits: units, BillUnitsPkg: 25 * units}},
		}}}
	}
	for _, tc := range []struct {
		name   string
		tables []*asp.Table
		want   []string
	}{
		{"too-few-units", quarter(4), []string{"SC-13@3"}},
		{"units-agree", quarter(2), nil},
		{"no-quarters", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, storetestSQLite(t), Options{ASP: tc.tables})
			c := f.newClaim(t, f.newEpisode(t, f.newPatient(t), readExample(t, "episode.json")))
			var s scrubJSON
			f.biller.do("POST", "/v1/claims/"+c.ID+"/scrub", nil).want(t, 200, "").json(t, &s)
			var got []string
			for _, fd := range s.Findings {
				got = append(got, fmt.Sprintf("%s@%d", fd.Edit, fd.Line))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("findings %v, want %v", got, tc.want)
			}
			f.biller.do("POST", "/v1/claims/"+c.ID+"/status", map[string]string{"status": "ready"}).want(t, 200, "")
		})
	}
}

// TestContractTolerance: reconciliation judges a claim by its payer's
// contract's "tolerance", a dollar when the contract names none: a per
// diem allowed 3.00 short is underpaid under the default, and not under a
// contract that tolerates 5.00.
func TestContractTolerance(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		doc := readExample(t, "episode.json")
		var k map[string]any
		if err := json.Unmarshal(pricedContract(t), &k); err != nil {
			t.Fatal(err)
		}
		k["tolerance"] = 5.00
		loose, _ := json.Marshal(k)
		strict := f.newPayer(t, "STRICT PLAN", "nhia", pricedContract(t))
		tolerant := f.newPayer(t, "TOLERANT PLAN", "nhia", loose)
		patient := f.newPatient(t)
		type sent struct {
			ID    string
			Flags []string
			Claim struct{ Lines []sentLine }
		}
		newSent := func(payer, from, to string) sent {
			var c sent
			ep := f.newPayerEpisode(t, patient, payer, doc)
			f.biller.do("POST", "/v1/episodes/"+ep+"/claims", map[string]string{"from": from, "to": to}).want(t, 201, "").json(t, &c)
			return c
		}
		a, b := newSent(strict, "2026-03-01", "2026-03-08"), newSent(tolerant, "2026-03-09", "2026-03-31")
		f.biller.do("POST", "/v1/interchanges", map[string]any{"claims": []string{a.ID, b.ID}}).want(t, 201, "")
		short := func(c sent) []int64 {
			var p struct{ Lines []struct{ Expected float64 } }
			f.biller.do("GET", "/v1/claims/"+c.ID+"/price", nil).want(t, 200, "").json(t, &p)
			out := make([]int64, len(p.Lines))
			for i, l := range p.Lines {
				out[i] = int64(math.Round(l.Expected * 100))
				if c.Claim.Lines[i].Code == "S9502" {
					out[i] -= 300
				}
			}
			return out
		}
		f.biller.do("POST", "/v1/remittances", an835Lines([]paying{{a.ID, a.Claim.Lines, short(a)}, {b.ID, b.Claim.Lines, short(b)}})).want(t, 201, "")
		for _, c := range []struct {
			id, flags string
		}{{a.ID, "underpaid"}, {b.ID, ""}} {
			var got sent
			f.biller.do("GET", "/v1/claims/"+c.id, nil).want(t, 200, "").json(t, &got)
			if strings.Join(got.Flags, " ") != c.flags {
				t.Errorf("claim %s: flags %v, want %q", c.id, got.Flags, c.flags)
			}
		}
	})
}
