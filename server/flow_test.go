package server

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/internal/x12gen"
)

// files are the received files of the tests, of 1 April 2026, about the
// patient of records_test.go.
var files = x12gen.From{Date: civil.FromYMD(2026, 4, 1), Last: "DOE", First: "JANE", MemberID: "MBR123456789"}

// a999 accepts (A) or rejects (R) set 0001 of the group numbered control.
func a999(control int64, status string) string {
	return files.A999(control, status, x12gen.Set{Control: "0001", Status: status})
}

// remitClaim is one CLP of an 835: the claim id, the charge and the
// amount paid in cents, and CLP02.
type remitClaim struct {
	id           string
	charge, paid int64
	clp02        string
}

// an835 pays each claim, the rest a contractual adjustment so the claim
// balances.
func an835(claims []remitClaim) string {
	cs := make([]x12gen.Claim, len(claims))
	for i, c := range claims {
		cs[i] = x12gen.Claim{ID: c.id, CLP02: c.clp02, Charge: c.charge, Paid: c.paid}
	}
	return files.An835(901, cs...)
}

type claimJSON struct {
	ID             string
	Status         string
	EpisodeVersion int64 `json:"episode_version"`
	Total          float64
	Paid           float64
	Claim          struct {
		ID    string
		Lines []struct{ ID, Code string }
	}
	History []struct{ Status string }
}

func (f *fixture) newClaim(t *testing.T, episode string) claimJSON {
	t.Helper()
	var c claimJSON
	f.biller.do("POST", "/v1/episodes/"+episode+"/claims", map[string]string{"from": "2026-03-01", "to": "2026-03-31"}).want(t, 201, "").json(t, &c)
	return c
}

func TestClaimLife(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		doc := readExample(t, "episode.json")
		patient := f.newPatient(t)
		ep := f.newEpisode(t, patient, doc)
		c := f.newClaim(t, ep)
		if c.Status != "draft" || c.EpisodeVersion != 1 || len(c.Claim.Lines) == 0 || c.Claim.ID != c.ID || !strings.HasPrefix(c.Claim.Lines[0].ID, c.ID+"-") {
			t.Fatalf("claim %+v", c)
		}
		// The claim remembers the version it was coded from.
		edit := strings.Replace(string(doc), `"minutes": 75`, `"minutes": 90`, 1)
		f.biller.with("If-Match", `"1"`).do("PUT", "/v1/episodes/"+ep, edit).want(t, 200, "")
		c2 := f.newClaim(t, ep)
		if c2.EpisodeVersion != 2 {
			t.Errorf("second claim from version %d", c2.EpisodeVersion)
		}
		var got claimJSON
		f.auditor.do("GET", "/v1/claims/"+c.ID, nil).want(t, 200, "").json(t, &got)
		if got.EpisodeVersion != 1 || len(got.History) != 1 || got.History[0].Status != "draft" {
			t.Errorf("claim %+v", got)
		}
		// Errors.
		f.biller.do("POST", "/v1/episodes/"+ep+"/claims", map[string]string{"from": "2026-03-31", "to": "2026-03-01"}).want(t, 400, "invalid")
		f.biller.do("POST", "/v1/episodes/"+ep+"/claims", map[string]string{"from": "2026-03-01"}).want(t, 400, "invalid")
		f.biller.do("POST", "/v1/episodes/"+ep+"/claims", map[string]string{"from": "2026-07-01", "to": "2026-07-31"}).want(t, 400, "invalid")
		f.biller.do("POST", "/v1/episodes/E-nobody/claims", map[string]string{"from": "2026-03-01", "to": "2026-03-31"}).want(t, 404, "not_found")
		f.auditor.do("POST", "/v1/episodes/"+ep+"/claims", map[string]string{"from": "2026-03-01", "to": "2026-03-31"}).want(t, 403, "forbidden")
		var bare map[string]any
		json.Unmarshal(doc, &bare)
		delete(bare, "claim")
		bareDoc, _ := json.Marshal(bare)
		noClaim := f.newEpisode(t, patient, bareDoc)
		if a := f.biller.do("POST", "/v1/episodes/"+noClaim+"/claims", map[string]string{"from": "2026-03-01", "to": "2026-03-31"}).want(t, 400, "invalid"); a.errorPath() != "claim" {
			t.Errorf("an episode without a claim block: %s", a.body)
		}
		f.auditor.do("GET", "/v1/claims/C-nobody", nil).want(t, 404, "not_found")
		f.auditor.do("GET", "/v1/claims/"+ep, nil).want(t, 404, "not_found")
		// Lists by status.
		var l struct{ Items []claimJSON }
		f.auditor.do("GET", "/v1/claims?status=draft&episode_id="+ep, nil).want(t, 200, "").json(t, &l)
		if len(l.Items) != 2 {
			t.Errorf("%d draft claims, want 2", len(l.Items))
		}
		f.auditor.do("GET", "/v1/claims?status=nope", nil).want(t, 400, "invalid")
		// Ready, then into an interchange.
		f.biller.do("POST", "/v1/claims/"+c.ID+"/status", map[string]string{"status": "ready"}).want(t, 200, "")
		f.biller.do("POST", "/v1/claims/"+c.ID+"/status", map[string]string{"status": "paid"}).want(t, 400, "invalid")
		f.auditor.do("POST", "/v1/claims/"+c.ID+"/status", map[string]string{"status": "draft"}).want(t, 403, "forbidden")
		var ic struct {
			ID      string
			Control int64
			Claims  []string
		}
		f.biller.do("POST", "/v1/interchanges", map[string]any{"claims": []string{c.ID, c2.ID}}).want(t, 201, "").json(t, &ic)
		if ic.Control != 1 || len(ic.Claims) != 2 {
			t.Errorf("interchange %+v", ic)
		}
		f.biller.do("POST", "/v1/interchanges", map[string]any{"claims": []string{c.ID}}).want(t, 409, "conflict")
		f.biller.do("POST", "/v1/interchanges", map[string]any{"claims": []string{}}).want(t, 400, "invalid")
		f.biller.do("POST", "/v1/interchanges", map[string]any{"claims": []string{"C-nobody"}}).want(t, 404, "not_found")
		f.biller.do("POST", "/v1/interchanges", map[string]any{"claims": []string{c.ID}, "usage": "X"}).want(t, 400, "invalid")
		a := f.auditor.do("GET", "/v1/interchanges/"+ic.ID+"/837", nil).want(t, 200, "")
		x := string(a.body)
		if !strings.HasPrefix(x, "ISA*") || !strings.Contains(x, "*000000001*") || !strings.Contains(x, "CLM*"+c.ID+"*") || !strings.Contains(x, "CLM*"+c2.ID+"*") {
			t.Errorf("837: %.400s", x)
		}
		f.auditor.do("GET", "/v1/interchanges/"+ic.ID, nil).want(t, 200, "")
		f.auditor.do("GET", "/v1/interchanges", nil).want(t, 200, "")
		f.auditor.do("GET", "/v1/interchanges/I-nobody/837", nil).want(t, 404, "not_found")
		// A 999 accepts the set; an 835 pays one in full and denies the other.
		x12 := f.biller.with("Content-Type", "application/edi-x12")
		var ack struct {
			ID        string
			Unmatched []any
		}
		x12.do("POST", "/v1/acknowledgments", a999(ic.Control, "A")).want(t, 201, "").json(t, &ack)
		f.auditor.do("GET", "/v1/claims/"+c.ID, nil).want(t, 200, "").json(t, &got)
		if got.Status != "accepted_999" {
			t.Errorf("after the 999: %s", got.Status)
		}
		x12.do("POST", "/v1/acknowledgments", a999(77, "A")).want(t, 201, "").json(t, &ack)
		if len(ack.Unmatched) != 1 {
			t.Errorf("a 999 of no interchange of ours: unmatched %v", ack.Unmatched)
		}
		f.auditor.do("GET", "/v1/acknowledgments/"+ack.ID, nil).want(t, 200, "")
		x12.do("POST", "/v1/acknowledgments", "not x12 at all").want(t, 400, "invalid")
		total := int64(got.Total*100 + 0.5)
		var rem struct {
			ID        string
			Unmatched []any
		}
		x12.do("POST", "/v1/remittances", an835([]remitClaim{{c.ID, total, total, "1"}, {c2.ID, total, 0, "4"}, {"NOTOURS", 100, 100, "1"}})).want(t, 201, "").json(t, &rem)
		if len(rem.Unmatched) != 1 {
			t.Errorf("unmatched %v", rem.Unmatched)
		}
		f.auditor.do("GET", "/v1/claims/"+c.ID, nil).want(t, 200, "").json(t, &got)
		if got.Status != "paid" || got.Paid != got.Total {
			t.Errorf("after the 835: %s, paid %v of %v", got.Status, got.Paid, got.Total)
		}
		f.auditor.do("GET", "/v1/claims/"+c2.ID, nil).want(t, 200, "").json(t, &got)
		if got.Status != "denied" {
			t.Errorf("denied claim: %s", got.Status)
		}
		f.auditor.do("GET", "/v1/remittances/"+rem.ID, nil).want(t, 200, "")
		x12.do("POST", "/v1/remittances", a999(1, "A")).want(t, 400, "invalid")
		f.auditor.with("Content-Type", "application/edi-x12").do("POST", "/v1/remittances", an835(nil)).want(t, 403, "forbidden")
		// The audit log is the admin's.
		f.biller.do("GET", "/v1/audit", nil).want(t, 403, "forbidden")
		var log struct {
			Items []struct {
				Action, Kind string
				RecordID     string `json:"record_id"`
			}
		}
		f.admin.do("GET", "/v1/audit?kind=claim&record_id="+c.ID, nil).want(t, 200, "").json(t, &log)
		if len(log.Items) < 3 {
			t.Errorf("audit of the claim: %+v", log.Items)
		}
		f.admin.do("GET", "/v1/audit?cursor=x", nil).want(t, 400, "invalid")
	})
}

func TestBillingRun(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.startWorkers(t)
		patient := f.newPatient(t)
		for range 3 {
			f.newEpisode(t, patient, readExample(t, "episode.json"))
		}
		var run struct {
			ID, State           string
			Total, Done, Failed int
		}
		f.biller.do("POST", "/v1/billing-runs", map[string]string{"from": "2026-03-01", "to": "2026-03-31"}).want(t, 202, "").json(t, &run)
		deadline := time.Now().Add(30 * time.Second)
		for run.State != "done" && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
			f.auditor.do("GET", "/v1/billing-runs/"+run.ID, nil).want(t, 200, "").json(t, &run)
		}
		if run.State != "done" || run.Total != 3 || run.Done != 3 || run.Failed != 0 {
			t.Fatalf("run %+v", run)
		}
		var l struct{ Items []claimJSON }
		f.auditor.do("GET", "/v1/claims?billing_run_id="+run.ID, nil).want(t, 200, "").json(t, &l)
		if len(l.Items) != 3 {
			t.Errorf("%d claims of the run, want 3", len(l.Items))
		}
		f.auditor.do("GET", "/v1/billing-runs", nil).want(t, 200, "")
		f.auditor.do("GET", "/v1/billing-runs/B-nobody", nil).want(t, 404, "not_found")
		f.auditor.do("POST", "/v1/billing-runs", map[string]string{"from": "2026-03-01", "to": "2026-03-31"}).want(t, 403, "forbidden")
		f.biller.do("POST", "/v1/billing-runs", map[string]string{"from": "2026-03-31", "to": "2026-03-01"}).want(t, 400, "invalid")
		f.biller.do("POST", "/v1/billing-runs", map[string]string{"from": "2026-03-01", "to": "2026-03-31", "payer_id": "Y-nobody"}).want(t, 404, "not_found")
	})
}
