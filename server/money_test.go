package server

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
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
