package workspace_test

import (
	"bytes"
	"testing"

	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/workspace"
)

func TestDownload837(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ic, _ := f.sent(1)
		f.do(func(tx *store.Tx) error {
			got, err := workspace.Download837(tx, ic.ID)
			if err == nil && !bytes.Equal(got.Content, ic.Content) {
				t.Errorf("downloaded %q, sent %q", got.Content, ic.Content)
			}
			return err
		})
		f.do(func(tx *store.Tx) error {
			es, _, err := tx.AuditLog(store.AuditFilter{Kind: "interchange", RecordID: ic.ID}, store.Page{})
			n := 0
			for _, e := range es {
				if e.Action == "download" {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%d downloads in the audit log: %+v", n, es)
			}
			return err
		})
		err := f.try(func(tx *store.Tx) error {
			_, err := workspace.Download837(tx, "I-nobody")
			return err
		})
		wantErr(t, "no such interchange", err, errs.NotFound, "")
	})
}
