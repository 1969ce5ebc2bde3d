package web

import (
	"net/http"
	"strings"

	"github.com/perdiem/perdiem/store"
)

// maxAudit bounds the audit entries the admin page reads, newest first.
const maxAudit = 2000

type adminPage struct {
	Users                  []store.User
	Audit                  []store.AuditEntry
	Actor, Kind, Record, A string
	Names                  map[string]string
}

// admin lists the users and roles and the audit log, filtered by actor,
// record kind, record id and action. Admins only (guard and here).
func (h *Handler) admin(w http.ResponseWriter, r *http.Request) {
	if !h.opt.Auth.User(r).CanAdmin() {
		h.forbidden(w, r)
		return
	}
	q := r.URL.Query()
	pg := adminPage{Actor: q.Get("actor"), Kind: q.Get("kind"), Record: strings.TrimSpace(q.Get("record")), A: q.Get("action"), Names: map[string]string{}}
	err := h.do(r.Context(), func(tx *store.Tx) error {
		var err error
		if pg.Users, err = allPages(maxListed, tx.Users); err != nil {
			return err
		}
		for _, u := range pg.Users {
			pg.Names[u.ID] = u.Name
		}
		entries, err := allPages(maxAudit, tx.ListAudit)
		for _, e := range entries {
			if (pg.Actor == "" || e.Actor == pg.Actor) && (pg.Kind == "" || e.Kind == pg.Kind) &&
				(pg.Record == "" || strings.Contains(e.RecordID, pg.Record)) && (pg.A == "" || e.Action == pg.A) {
				pg.Audit = append(pg.Audit, e)
			}
		}
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "admin", page{Title: "Admin", Nav: "admin", Data: pg})
}
