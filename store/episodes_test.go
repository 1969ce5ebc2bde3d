package store_test

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/store"
)

func newEpisode(t testing.TB, db *store.DB, doc string) store.Episode {
	t.Helper()
	var e store.Episode
	do(t, db, func(tx *store.Tx) error {
		p, err := tx.CreatePatient(samplePatient())
		if err != nil {
			return err
		}
		e, err = tx.CreateEpisode(p.ID, "", []byte(doc))
		return err
	})
	return e
}

// The document comes back byte for byte, spacing and key order included.
const doc1 = "{ \"profile\":\"nhia\",\n  \"therapies\": [] }\n"

func TestEpisodeVersions(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		e := newEpisode(t, db, doc1)
		if e.Version != 1 || e.Status != store.EpisodeActive {
			t.Fatalf("created %+v", e)
		}
		do(t, db, func(tx *store.Tx) error {
			e2, err := tx.UpdateEpisode(e.ID, 1, []byte(`{"v":2}`))
			if err != nil {
				return err
			}
			if e2.Version != 2 || e2.PatientID != e.PatientID {
				t.Errorf("updated %+v", e2)
			}
			return nil
		})
		err := db.Do(ctx, alice, func(tx *store.Tx) error {
			_, err := tx.UpdateEpisode(e.ID, 1, []byte(`{"v":"stale"}`))
			return err
		})
		wantCode(t, err, errs.Conflict)
		err = db.Do(ctx, alice, func(tx *store.Tx) error {
			_, err := tx.UpdateEpisode("E-none", 1, []byte(`{}`))
			return err
		})
		wantCode(t, err, errs.NotFound)
		do(t, db, func(tx *store.Tx) error {
			cur, v, err := tx.Episode(e.ID)
			if err != nil {
				return err
			}
			if cur.Version != 2 || string(v.Document) != `{"v":2}` || v.CreatedBy != alice.UserID {
				t.Errorf("current %+v %+v", cur, v)
			}
			v1, err := tx.EpisodeVersion(e.ID, 1)
			if err != nil {
				return err
			}
			if string(v1.Document) != doc1 {
				t.Errorf("version 1 is %q, want %q", v1.Document, doc1)
			}
			vs, next, err := tx.EpisodeVersions(e.ID, store.Page{Limit: 1})
			if err != nil {
				return err
			}
			if len(vs) != 1 || vs[0].Version != 2 || next != "2" {
				t.Errorf("first page %+v next %q", vs, next)
			}
			vs, next, err = tx.EpisodeVersions(e.ID, store.Page{Limit: 1, Cursor: next})
			if err != nil {
				return err
			}
			if len(vs) != 1 || vs[0].Version != 1 {
				t.Errorf("second page %+v next %q", vs, next)
			}
			_, err = tx.EpisodeVersion(e.ID, 3)
			wantCode(t, err, errs.NotFound)
			return nil
		})
		err = db.Do(ctx, alice, func(tx *store.Tx) error {
			_, err := tx.CreateEpisode("P-none", "", []byte(`{}`))
			return err
		})
		wantCode(t, err, errs.NotFound)
	})
}

// TestEpisodeNoLostUpdate: many writers each read the current version and
// write the next from it; every success is a distinct version, every
// failure a conflict, and the versions stored are exactly the successes.
// On PostgreSQL the writers use two handles, as two processes would.
func TestEpisodeNoLostUpdate(t *testing.T) {
	storeEach(t, func(t *testing.T, dbs []*store.DB) {
		e := newEpisode(t, dbs[0], `{}`)
		var wg sync.WaitGroup
		var ok, conflicts atomic.Int64
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db := dbs[i%len(dbs)]
				var base int64
				if err := db.Do(ctx, alice, func(tx *store.Tx) error {
					cur, _, err := tx.Episode(e.ID)
					base = cur.Version
					return err
				}); err != nil {
					t.Error(err)
					return
				}
				err := db.Do(ctx, alice, func(tx *store.Tx) error {
					_, err := tx.UpdateEpisode(e.ID, base, []byte(`{}`))
					return err
				})
				switch errs.CodeOf(err) {
				case "":
					ok.Add(1)
				case errs.Conflict:
					conflicts.Add(1)
				default:
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if ok.Load()+conflicts.Load() != 50 || ok.Load() == 0 {
			t.Fatalf("%d updates, %d conflicts", ok.Load(), conflicts.Load())
		}
		do(t, dbs[0], func(tx *store.Tx) error {
			cur, _, err := tx.Episode(e.ID)
			if err != nil {
				return err
			}
			if cur.Version != 1+ok.Load() {
				t.Errorf("version %d after %d successful updates", cur.Version, ok.Load())
			}
			vs, _, err := tx.EpisodeVersions(e.ID, store.Page{Limit: 500})
			if int64(len(vs)) != cur.Version {
				t.Errorf("%d versions stored, current is %d", len(vs), cur.Version)
			}
			return err
		})
		t.Logf("%d updates, %d conflicts", ok.Load(), conflicts.Load())
	})
}
