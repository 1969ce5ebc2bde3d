package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/perdiem/perdiem/ctlnum"
	"github.com/perdiem/perdiem/errs"
)

// Interchange is an 837P as it was sent: its control number (ISA13, and
// GS06, from the one counter), its exact bytes, and its claims in order.
// Lists leave Content empty.
type Interchange struct {
	ID        string    `json:"id"`
	Control   int64     `json:"control"`
	GS06      int64     `json:"gs06"`
	ClaimIDs  []string  `json:"claims"`
	Content   []byte    `json:"-"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// MaxInterchangeClaims bounds the claims of one interchange.
const MaxInterchangeClaims = 5000

// CreateInterchange puts claims (each draft or ready) in a new interchange:
// in one transaction it moves them to submitted, takes the next control
// number, calls build with that number and the claims (in the order given)
// to make the X12 bytes, and stores them. If build or anything else fails,
// nothing is kept and the control number goes back unused; once the
// transaction commits, the number is never handed out again.
//
// build runs while the transaction holds the counter, so interchanges are
// built one at a time across every process; it should only build.
func (tx *Tx) CreateInterchange(claimIDs []string, build func(control int64, claims []Claim) ([]byte, error)) (Interchange, error) {
	if len(claimIDs) == 0 {
		return Interchange{}, errs.Invalids([]errs.Problem{{Path: "claims", Message: "name at least one claim"}})
	}
	if len(claimIDs) > MaxInterchangeClaims {
		return Interchange{}, errs.Invalids([]errs.Problem{{Path: "claims", Message: fmt.Sprintf("%d claims; at most %d in one interchange", len(claimIDs), MaxInterchangeClaims)}})
	}
	sorted, err := sortedUnique(claimIDs)
	if err != nil {
		return Interchange{}, err
	}
	ic := Interchange{ID: NewID("I"), ClaimIDs: append([]string(nil), claimIDs...), CreatedBy: tx.actorID(), CreatedAt: tx.now}
	src := Source{Kind: "interchange", ID: ic.ID}
	// Claims are locked in id order, so two interchanges that share
	// claims never wait for each other in a cycle.
	for _, id := range sorted {
		var cur string
		err := tx.queryRow(`SELECT status FROM claims WHERE id = $1`, id).Scan(&cur)
		if err == sql.ErrNoRows {
			return Interchange{}, notFound("claim", id)
		}
		if err != nil {
			return Interchange{}, internal("read claim", err)
		}
		if err := tx.moveClaim(ClaimChange{ClaimID: id, Status: Submitted, Detail: "interchange " + ic.ID}, Status(cur), []Status{Draft, Ready}, src); err != nil {
			return Interchange{}, err
		}
	}
	claims := make([]Claim, len(claimIDs))
	for i, id := range claimIDs {
		if claims[i], err = tx.claim(id); err != nil {
			return Interchange{}, err
		}
	}
	if ic.Control, err = tx.nextControl(); err != nil {
		return Interchange{}, err
	}
	ic.GS06 = ic.Control
	content, err := build(ic.Control, claims)
	if err != nil {
		return Interchange{}, err
	}
	if len(content) == 0 {
		return Interchange{}, errs.Errorf(errs.Internal, "interchange %s: the build gave no bytes", ic.ID)
	}
	ic.Content = content
	if _, err := tx.exec("store interchange", `INSERT INTO interchanges (id, control, gs06, content, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6)`, ic.ID, ic.Control, ic.GS06, content, ic.CreatedBy, micros(tx.now)); err != nil {
		return Interchange{}, err
	}
	for i, id := range claimIDs {
		if _, err := tx.exec("store interchange claims", `INSERT INTO interchange_claims (interchange_id, claim_id, n) VALUES ($1, $2, $3)`,
			ic.ID, id, i+1); err != nil {
			return Interchange{}, err
		}
	}
	tx.Audit("create", "interchange", ic.ID, fmt.Sprintf("control %d, %d claims", ic.Control, len(claimIDs)))
	return ic, nil
}

// nextControl takes the next control number. The UPDATE locks the counter
// row until the transaction ends (on SQLite the transaction holds the
// write lock already), so no two transactions get the same number, and a
// rollback gives it back.
func (tx *Tx) nextControl() (int64, error) {
	var n int64
	if err := tx.queryRow(`UPDATE control_counter SET last = last + 1 WHERE id = 1 RETURNING last`).Scan(&n); err != nil {
		return 0, internal("control number", err)
	}
	if n > ctlnum.Max {
		return 0, errs.Errorf(errs.Conflict, "%v", ctlnum.ErrExhausted)
	}
	return n, nil
}

// SeedControl makes the counter continue after last, the last control
// number used elsewhere (the command line's state file), unless it is
// already past it. It never moves the counter back.
func (tx *Tx) SeedControl(last int64) error {
	if last < 0 || last > ctlnum.Max {
		return errs.Errorf(errs.Invalid, "control number %d: want 0..%d", last, ctlnum.Max)
	}
	n, err := tx.exec("seed control number", `UPDATE control_counter SET last = $1 WHERE id = 1 AND last < $1`, last)
	if err != nil {
		return err
	}
	if n > 0 {
		tx.Audit("seed", "control_number", "", fmt.Sprintf("continue after %d", last))
	}
	return nil
}

// LastControl returns the last control number handed out (0 for none).
func (db *DB) LastControl(ctx context.Context) (int64, error) {
	var n int64
	if err := db.r.QueryRowContext(ctx, `SELECT last FROM control_counter WHERE id = 1`).Scan(&n); err != nil {
		return 0, internal("control number", err)
	}
	return n, nil
}

const interchangeColumns = `id, control, gs06, created_by, created_at`

func (tx *Tx) interchangeClaims(ic *Interchange) error {
	rows, err := tx.readQuery("read interchange claims", `SELECT claim_id FROM interchange_claims WHERE interchange_id = $1 ORDER BY n`, ic.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return internal("read interchange claims", err)
		}
		ic.ClaimIDs = append(ic.ClaimIDs, id)
	}
	return rows.Err()
}

// Interchange returns the interchange with id, its bytes included.
func (tx *Tx) Interchange(id string) (Interchange, error) {
	ic := Interchange{}
	var created int64
	err := tx.readRow(`SELECT `+interchangeColumns+`, content FROM interchanges WHERE id = $1`, id).
		Scan(&ic.ID, &ic.Control, &ic.GS06, &ic.CreatedBy, &created, &ic.Content)
	if err == sql.ErrNoRows {
		return Interchange{}, notFound("interchange", id)
	}
	if err != nil {
		return Interchange{}, internal("read interchange", err)
	}
	ic.CreatedAt = fromMicros(created)
	if err := tx.interchangeClaims(&ic); err != nil {
		return Interchange{}, err
	}
	tx.Audit("read", "interchange", id, "")
	return ic, nil
}

// InterchangeByControl returns the id of the interchange with control
// number control (ISA13), as a 999 or TA1 names it.
func (tx *Tx) InterchangeByControl(control int64) (string, error) {
	var id string
	err := tx.queryRow(`SELECT id FROM interchanges WHERE control = $1`, control).Scan(&id)
	if err == sql.ErrNoRows {
		return "", errs.Errorf(errs.NotFound, "no interchange has control number %d", control)
	}
	if err != nil {
		return "", internal("read interchange", err)
	}
	return id, nil
}

// Interchanges returns one page of interchanges, newest first, without
// their bytes.
func (tx *Tx) Interchanges(p Page) ([]Interchange, string, error) {
	limit, err := p.limit()
	if err != nil {
		return nil, "", err
	}
	rows, err := tx.readQuery("list interchanges", `SELECT `+interchangeColumns+` FROM interchanges
WHERE ($1 = '' OR id < $1) ORDER BY id DESC LIMIT $2`, p.Cursor, limit)
	if err != nil {
		return nil, "", err
	}
	var out []Interchange
	for rows.Next() {
		var ic Interchange
		var created int64
		if err := rows.Scan(&ic.ID, &ic.Control, &ic.GS06, &ic.CreatedBy, &created); err != nil {
			rows.Close()
			return nil, "", internal("list interchanges", err)
		}
		ic.CreatedAt = fromMicros(created)
		out = append(out, ic)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", internal("list interchanges", err)
	}
	for i := range out {
		if err := tx.interchangeClaims(&out[i]); err != nil {
			return nil, "", err
		}
		tx.Audit("list", "interchange", out[i].ID, "")
	}
	return out, nextCursor(len(out), limit, func() string { return out[len(out)-1].ID }), nil
}
