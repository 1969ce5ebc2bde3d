package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/web"
)

// TestDownload837IsAudited: the 837P downloaded from a page is in the
// audit log as a download, as one through the API is.
func TestDownload837IsAudited(t *testing.T) {
	p := newPages(t, web.Options{})
	made := p.as(t, "bea", http.MethodPost, "/episodes/"+p.episode+"/claims", url.Values{"from": {"05/01/2026"}, "to": {"05/31/2026"}}).want(t, http.StatusSeeOther)
	claimID := strings.TrimPrefix(made.location, "/claims/")
	built := p.as(t, "bea", http.MethodPost, "/interchanges", url.Values{"claim": {claimID}}).want(t, http.StatusSeeOther)
	u, err := url.Parse(built.location)
	if err != nil {
		t.Fatal(err)
	}
	ic := u.Query().Get("built")
	got := p.as(t, "abe", http.MethodGet, "/interchanges/"+ic+"/837", nil).want(t, http.StatusOK, "ISA*", "CLM*"+claimID+"*")
	if cd := got.header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="837P-`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	err = p.db.Do(context.Background(), store.System, func(tx *store.Tx) error {
		es, _, err := tx.AuditLog(store.AuditFilter{Kind: "interchange", RecordID: ic}, store.Page{})
		n := 0
		for _, e := range es {
			if e.Action == "download" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d downloads of %s in the audit log: %+v", n, ic, es)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
