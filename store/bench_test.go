package store_test

import (
	"testing"

	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/store/storetest"
)

func benchEach(b *testing.B, fn func(b *testing.B, db *store.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, open(b, storetest.SQLite(b))) })
	b.Run("postgres", func(b *testing.B) { fn(b, open(b, storetest.Postgres(b))) })
}

// BenchmarkCreateClaim: one transaction that stores a two-line claim with
// its history and audit entry, from concurrent writers.
func BenchmarkCreateClaim(b *testing.B) {
	benchEach(b, func(b *testing.B, db *store.DB) {
		e := newEpisode(b, db, `{}`)
		b.SetParallelism(4)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if c := newClaimErr(db, e); c.err != nil {
					b.Error(c.err)
					return
				}
			}
		})
	})
}

// BenchmarkCreateInterchange: a claim made and sent in an interchange of
// its own, two transactions, from concurrent writers.
func BenchmarkCreateInterchange(b *testing.B) {
	benchEach(b, func(b *testing.B, db *store.DB) {
		e := newEpisode(b, db, `{}`)
		b.SetParallelism(4)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				c := newClaimErr(db, e)
				if c.err != nil {
					b.Error(c.err)
					return
				}
				if err := db.Do(ctx, alice, func(tx *store.Tx) error {
					_, err := tx.CreateInterchange([]string{c.id}, build)
					return err
				}); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkUserByToken: the look-up every API request makes.
func BenchmarkUserByToken(b *testing.B) {
	benchEach(b, func(b *testing.B, db *store.DB) {
		do(b, db, func(tx *store.Tx) error {
			u, err := tx.CreateUser("bench", "biller", "h")
			if err != nil {
				return err
			}
			return tx.CreateToken(u.ID, "bench", hash("pdt_bench"))
		})
		h := hash("pdt_bench")
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := db.UserByToken(ctx, h); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
