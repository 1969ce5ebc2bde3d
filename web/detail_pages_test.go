package web_test

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/store"
)

// TestClaimPageShowsExpectedAndPaid: a claim the demo's 835 underpaid
// shows, on its page, what its payer's contract expects for it and, for
// the 835 that answered it, each line's expected, allowed and paid amounts
// with the variance between them, and the flag that puts it in the
// underpayment queue. A claim no 835 has answered says so.
func TestClaimPageShowsExpectedAndPaid(t *testing.T) {
	f := newDemoSite(t)
	var under, unpaid store.Claim
	err := f.db.Do(context.Background(), store.System, func(tx *store.Tx) error {
		cs, _, err := tx.Claims(store.ClaimFilter{Flag: "underpaid"}, store.Page{})
		if err != nil || len(cs) == 0 {
			t.Fatalf("the demo has no underpaid claim (%v)", err)
		}
		under = cs[0]
		cs, _, err = tx.Claims(store.ClaimFilter{Status: store.Ready}, store.Page{})
		if err != nil || len(cs) == 0 {
			t.Fatalf("the demo has no ready claim (%v)", err)
		}
		unpaid = cs[0]
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c := f.client(t, f.biller().Name, f.biller().Password)
	page := getPage(t, c, f.srv.URL+"/claims/"+under.ID)
	for _, want := range []string{`id="claim-expected"`, "<h2>Payments</h2>", "partly paid", "underpaid"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page of underpaid claim %s lacks %q", under.ID, want)
		}
	}
	// Each line of the 835: expected − allowed is the variance shown, and
	// some line shows a positive one (the underpayment).
	row := regexp.MustCompile(`(?s)<tr data-code="[^"]*">(.*?)</tr>`)
	cell := regexp.MustCompile(`<td class="num"[^>]*>\$?([-0-9.,]+|—)`)
	var positive bool
	section := page[strings.Index(page, "<h2>Payments</h2>"):]
	for _, r := range row.FindAllStringSubmatch(section, -1) {
		cells := cell.FindAllStringSubmatch(r[1], -1)
		// units, billed, expected, allowed, paid, variance
		if len(cells) != 6 {
			t.Fatalf("a payment line with %d number cells: %s", len(cells), r[1])
		}
		expected, allowed, variance := cells[2][1], cells[3][1], cells[5][1]
		if expected == "—" || allowed == "—" {
			continue
		}
		e, a, v := amount(t, expected), amount(t, allowed), amount(t, variance)
		if v != e-a {
			t.Errorf("line %s: variance %s, want expected %s − allowed %s", r[1], v, e, a)
		}
		positive = positive || v > 0
	}
	if !positive {
		t.Errorf("no line of underpaid claim %s shows an underpayment:\n%s", under.ID, section)
	}
	page = getPage(t, c, f.srv.URL+"/claims/"+unpaid.ID)
	if !strings.Contains(page, `id="no-payments"`) {
		t.Errorf("the page of ready claim %s does not say no remittance answered it", unpaid.ID)
	}
}

func amount(t *testing.T, s string) money.Amount {
	t.Helper()
	a, err := money.Parse(strings.ReplaceAll(s, ",", ""))
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	return a
}

func getPage(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %v", u, resp.Status, err)
	}
	return string(b)
}

// TestPatientPageNamesVersionAuthors: the versions of a patient's
// episodes name the user who saved each, not the user's id.
func TestPatientPageNamesVersionAuthors(t *testing.T) {
	f := newDemoSite(t)
	var patientID, authorID, authorName string
	err := f.db.Do(context.Background(), store.System, func(tx *store.Tx) error {
		eps, _, err := tx.Episodes(store.EpisodeFilter{}, store.Page{})
		if err != nil {
			return err
		}
		for _, e := range eps {
			vs, _, err := tx.EpisodeVersions(e.ID, store.Page{})
			if err != nil {
				return err
			}
			if len(vs) > 0 && vs[0].CreatedBy != "" {
				u, err := tx.User(vs[0].CreatedBy)
				if err != nil {
					return err
				}
				patientID, authorID, authorName = e.PatientID, u.ID, u.Name
				return nil
			}
		}
		return nil
	})
	if err != nil || patientID == "" {
		t.Fatalf("no demo episode version with an author (%v)", err)
	}
	c := f.client(t, f.biller().Name, f.biller().Password)
	page := getPage(t, c, f.srv.URL+"/patients/"+patientID)
	if !strings.Contains(page, ", by "+authorName+"</li>") {
		t.Errorf("the patient page does not name %s as a version's author", authorName)
	}
	if strings.Contains(page, "by "+authorID) {
		t.Errorf("the patient page shows user id %s", authorID)
	}
}

// TestEditorSaysThePayerProfileApplies: an episode with a payer is coded
// under the payer's profile, so the editor says so beside the document's
// own profile field, which would otherwise look like it chooses.
func TestEditorSaysThePayerProfileApplies(t *testing.T) {
	f := newDemoSite(t)
	var episodeID, profileID string
	err := f.db.Do(context.Background(), store.System, func(tx *store.Tx) error {
		eps, _, err := tx.Episodes(store.EpisodeFilter{}, store.Page{})
		if err != nil {
			return err
		}
		for _, e := range eps {
			if e.PayerID == "" {
				continue
			}
			p, err := tx.Payer(e.PayerID)
			if err != nil {
				return err
			}
			episodeID, profileID = e.ID, p.ProfileID
			return nil
		}
		return nil
	})
	if err != nil || episodeID == "" {
		t.Fatalf("no demo episode with a payer (%v)", err)
	}
	c := f.client(t, f.biller().Name, f.biller().Password)
	page := getPage(t, c, f.srv.URL+"/episodes/"+episodeID+"/edit")
	for _, want := range []string{`aria-describedby="f-profile-hint"`, `id="f-profile-hint">The episode&#39;s payer bills under profile ` + profileID + `,`} {
		if !strings.Contains(page, want) {
			t.Errorf("the editor of episode %s lacks %q", episodeID, want)
		}
	}
}
