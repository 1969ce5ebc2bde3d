package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/perdiem/perdiem/errs"
)

// AuditEntry is one line of the audit log: who (Actor, a user id or
// "system") did what (Action: create, read, update, list, …) to which
// record (Kind and RecordID), when and from where. Detail never holds
// patient data: ids, versions, counts.
//
// The log is several hash chains (audit_chains): each entry is the Nth of
// its Chain, and Hash is the SHA-256, in hex, of PrevHash (the hash of
// the entry before it in its chain, "" for the first), a line feed and the
// entry's canonical form: the JSON array [seq, at in microseconds, actor,
// action, kind, record id, remote, detail]. Changing any field of any
// entry, or removing or adding one, breaks its chain from there on
// (VerifyAudit). Seq orders the whole log for reading.
type AuditEntry struct {
	Seq      int64     `json:"seq"`
	Chain    int64     `json:"chain"`
	N        int64     `json:"n"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"`
	Kind     string    `json:"kind"`
	RecordID string    `json:"record_id"`
	Remote   string    `json:"remote"`
	Detail   string    `json:"detail"`
	PrevHash string    `json:"prev_hash"`
	Hash     string    `json:"hash"`
}

func (e *AuditEntry) computeHash() string {
	canon, _ := json.Marshal([]any{e.Seq, micros(e.At), e.Actor, e.Action, e.Kind, e.RecordID, e.Remote, e.Detail})
	h := sha256.New()
	h.Write([]byte(e.PrevHash))
	h.Write([]byte{'\n'})
	h.Write(canon)
	return hex.EncodeToString(h.Sum(nil))
}

const auditColumns = `seq, chain, n, at, actor, action, kind, record_id, remote, detail, prev_hash, hash`

func scanAudit(row scanner) (AuditEntry, error) {
	var e AuditEntry
	var at int64
	err := row.Scan(&e.Seq, &e.Chain, &e.N, &at, &e.Actor, &e.Action, &e.Kind, &e.RecordID, &e.Remote, &e.Detail, &e.PrevHash, &e.Hash)
	e.At = fromMicros(at)
	return e, err
}

// Audit appends an entry to the log when tx commits: for actions the
// caller knows of and the store does not (a sign-in, a download of an
// interchange).
func (tx *Tx) Audit(action, kind, recordID, detail string) {
	if tx.ended {
		tx.fail(errAfterFinal)
		return
	}
	actor := tx.actor.UserID
	if actor == "" {
		actor = System.UserID
	}
	tx.audit = append(tx.audit, AuditEntry{
		At: tx.now, Actor: actor, Action: action, Kind: kind, RecordID: recordID,
		Remote: tx.actor.Remote, Detail: detail,
	})
}

// auditRowsPerInsert bounds the entries of one INSERT (12 parameters
// each, far below either database's limit).
const auditRowsPerInsert = 200

// flushAudit writes the transaction's entries at the end of one chain, as
// the transaction's last statements. On PostgreSQL it takes the first
// chain no other transaction holds (FOR UPDATE SKIP LOCKED), locked until
// commit so that the chain never forks, and numbers the entries from a
// sequence, which no transaction waits for; so concurrent requests, from
// any process, do not queue behind one another's commit as they would on
// a single chain. On SQLite, whose one writer serializes everything, it
// takes chain 0 and numbers after the last entry.
func (tx *Tx) flushAudit() error {
	if len(tx.audit) == 0 {
		return nil
	}
	chain, n, prev, err := tx.takeChain()
	if err != nil {
		return err
	}
	n, prev = tx.hashAudit(chain, n, prev)
	for rest := tx.audit; len(rest) > 0; {
		batch := rest[:min(len(rest), auditRowsPerInsert)]
		rest = rest[len(batch):]
		args := auditArgs(make([]any, 0, 12*len(batch)+3), batch)
		// On PostgreSQL the chain's new head is set in the same
		// statement as the last entries: one round trip fewer while the
		// chain is held.
		last := len(rest) == 0 && tx.db.postgres
		if last {
			args = append(args, n, prev, chain)
		}
		if _, err := tx.exec("audit: append", appendAudit(len(batch), last), args...); err != nil {
			return err
		}
	}
	if !tx.db.postgres {
		_, err = tx.exec("audit: chain", fmt.Sprintf(updateChain, 1, 2, 3), n, prev, chain)
	}
	return err
}

const updateChain = `UPDATE audit_chains SET n = $%d, hash = $%d WHERE chain = $%d`

// hashAudit places the transaction's entries, numbered, at the end of
// chain, whose entry n has hash prev, and returns the chain's new length
// and last hash.
func (tx *Tx) hashAudit(chain, n int64, prev string) (int64, string) {
	for i := range tx.audit {
		e := &tx.audit[i]
		n++
		e.Chain, e.N, e.PrevHash = chain, n, prev
		e.Hash = e.computeHash()
		prev = e.Hash
	}
	return n, prev
}

// auditArgs appends the parameters of appendAudit for es to args.
func auditArgs(args []any, es []AuditEntry) []any {
	for _, e := range es {
		args = append(args, e.Seq, e.Chain, e.N, micros(e.At), e.Actor, e.Action, e.Kind, e.RecordID, e.Remote, e.Detail, e.PrevHash, e.Hash)
	}
	return args
}

// appendAuditCTEs are common table expressions that append k entries
// (parameters from $first on, 12 each, then the chain's new length, last
// hash and number) if the CTE named cond has a row, for a statement that
// writes a record and its audit entries at once (createClaimPostgres).
func appendAuditCTEs(k, first int, cond string) string {
	var q strings.Builder
	q.WriteString(`a AS (INSERT INTO audit_log (` + auditColumns + `) SELECT * FROM (VALUES `)
	for i := range k {
		if i > 0 {
			q.WriteString(", ")
		}
		p := first + 12*i
		fmt.Fprintf(&q, `(CAST($%d AS BIGINT), CAST($%d AS BIGINT), CAST($%d AS BIGINT), CAST($%d AS BIGINT), CAST($%d AS TEXT), CAST($%d AS TEXT), `+
			`CAST($%d AS TEXT), CAST($%d AS TEXT), CAST($%d AS TEXT), CAST($%d AS TEXT), CAST($%d AS TEXT), CAST($%d AS TEXT))`,
			p, p+1, p+2, p+3, p+4, p+5, p+6, p+7, p+8, p+9, p+10, p+11)
	}
	p := first + 12*k
	fmt.Fprintf(&q, `) AS v WHERE EXISTS (SELECT 1 FROM %s)),
u AS (UPDATE audit_chains SET n = CAST($%d AS BIGINT), hash = CAST($%d AS TEXT) WHERE chain = CAST($%d AS BIGINT) AND EXISTS (SELECT 1 FROM %s))`, cond, p, p+1, p+2, cond)
	return q.String()
}

// holdChain records the chain a statement took (takeChainCTEs) and the
// seqs it took, given as "1,2,…"; chain is NULL when every chain was held
// by others, and then the chain is taken at the commit.
func (tx *Tx) holdChain(chain, n sql.NullInt64, hash, seqs sql.NullString) error {
	if !chain.Valid || !seqs.Valid {
		return nil
	}
	h := &heldChain{chain: chain.Int64, n: n.Int64, hash: hash.String}
	for s := range strings.SplitSeq(seqs.String, ",") {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return internal("audit: take a chain", err)
		}
		h.seqs = append(h.seqs, v)
	}
	tx.chain = h
	return nil
}

// appendAudit is the statement that appends k entries (12 parameters
// each), and with head, also sets the chain's head (3 more: n, hash,
// chain).
func appendAudit(k int, head bool) string {
	var q strings.Builder
	if head {
		q.WriteString(`WITH appended AS (`)
	}
	q.WriteString(`INSERT INTO audit_log (` + auditColumns + `) VALUES `)
	for i := range k {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(placeholders(12*i+1, 12))
	}
	if head {
		fmt.Fprintf(&q, ") "+updateChain, 12*k+1, 12*k+2, 12*k+3)
	}
	return q.String()
}

// heldChain is an audit chain a transaction on PostgreSQL holds (its row
// locked until the commit): its number, length and last hash, and the
// seqs taken for the transaction's entries.
type heldChain struct {
	chain, n int64
	hash     string
	seqs     []int64
}

// takeChainCTE is the common table expression ch that takes the first
// chain no other transaction holds, if there is one.
const takeChainCTE = `ch AS MATERIALIZED (SELECT chain, n, hash FROM audit_chains ORDER BY chain LIMIT 1 FOR UPDATE SKIP LOCKED)`

// hashedAuditCTEs are common table expressions that append entries to
// the chain ch took (takeChainCTE) and set its head, if cond (an SQL
// condition) holds: the entries come as 8 arrays of parameters from
// $first on (auditArrays), and are numbered from audit_log_seq and hashed
// in the statement, each after the one before it (r), exactly as
// computeHash does: the canonical form is '[', the seq's digits, and the
// rest of the form made by Go (canonTail). PostgreSQL's sha256 needs
// version 11. For a few entries flatAuditCTEs costs the server less.
func hashedAuditCTEs(first int, cond string) string {
	return fmt.Sprintf(`v AS (SELECT * FROM unnest(CAST($%d AS BIGINT[]), CAST($%d AS TEXT[]), CAST($%d AS TEXT[]), CAST($%d AS TEXT[]),
CAST($%d AS TEXT[]), CAST($%d AS TEXT[]), CAST($%d AS TEXT[]), CAST($%d AS BYTEA[]))
WITH ORDINALITY AS v (at, actor, action, kind, record_id, remote, detail, tail, i)),
s AS MATERIALIZED (SELECT row_number() OVER (ORDER BY seq) AS i, seq FROM (SELECT nextval('audit_log_seq') AS seq FROM ch, v) AS t),
r (i, seq, n, prev, hash) AS (SELECT CAST(0 AS BIGINT), CAST(0 AS BIGINT), ch.n, ch.hash, ch.hash FROM ch
UNION ALL
SELECT r.i + 1, s.seq, r.n + 1, r.hash, encode(sha256(convert_to(r.hash || E'\n[' || s.seq, 'UTF8') || v.tail), 'hex')
FROM r JOIN s ON s.i = r.i + 1 JOIN v ON v.i = r.i + 1),
a AS (INSERT INTO audit_log (`+auditColumns+`)
SELECT r.seq, ch.chain, r.n, v.at, v.actor, v.action, v.kind, v.record_id, v.remote, v.detail, r.prev, r.hash
FROM r JOIN v ON v.i = r.i CROSS JOIN ch WHERE %s),
u AS (UPDATE audit_chains SET n = t.n, hash = t.hash FROM (SELECT n, hash FROM r ORDER BY i DESC LIMIT 1) AS t, ch
WHERE audit_chains.chain = ch.chain AND %s)`, first, first+1, first+2, first+3, first+4, first+5, first+6, first+7, cond, cond)
}

// flatAudit is the most entries a statement of flatAuditCTEs appends.
// Each entry's hash is written out whole, the hash of the entry before it
// nested in it, so a statement's text and work grow with the square of
// its entries; for a few (a claim's creation has 2, a read 1) it is
// cheaper than hashedAuditCTEs's unnest, window and recursion, whose
// executor the server sets up for any count: the backend's CPU for an
// append of 2 entries fell from about 340 to 210 µs.
const flatAudit = 4

// flatAuditCTEs are common table expressions that append k entries to
// the chain ch took (takeChainCTE) and set its head, if cond holds, as
// hashedAuditCTEs do: the entries come as 8 parameters each from $first
// on (auditParams). The k seqs are taken in one row, left to right, so
// they increase in the entries' order.
func flatAuditCTEs(first, k int, cond string) string {
	var q strings.Builder
	q.WriteString(`s AS MATERIALIZED (SELECT ch.chain, ch.n, ch.hash`)
	for i := 1; i <= k; i++ {
		fmt.Fprintf(&q, `, nextval('audit_log_seq') AS s%d`, i)
	}
	q.WriteString(" FROM ch),\nx AS MATERIALIZED (SELECT s.*")
	h := "hash"
	for i := 1; i <= k; i++ {
		h = fmt.Sprintf(`encode(sha256(convert_to(%s || E'\n[' || s%d, 'UTF8') || CAST($%d AS BYTEA)), 'hex')`, h, i, first+8*i-1)
		fmt.Fprintf(&q, ", %s AS h%d", h, i)
	}
	q.WriteString(" FROM s),\na AS (INSERT INTO audit_log (" + auditColumns + ")\nSELECT v.* FROM x, LATERAL (VALUES ")
	for i := 1; i <= k; i++ {
		if i > 1 {
			q.WriteString(", ")
		}
		p := first + 8*(i-1)
		prev := "x.hash"
		if i > 1 {
			prev = fmt.Sprintf("x.h%d", i-1)
		}
		fmt.Fprintf(&q, `(x.s%d, x.chain, x.n + %d, CAST($%d AS BIGINT), CAST($%d AS TEXT), CAST($%d AS TEXT), CAST($%d AS TEXT), CAST($%d AS TEXT), CAST($%d AS TEXT), CAST($%d AS TEXT), %s, x.h%d)`,
			i, i, p, p+1, p+2, p+3, p+4, p+5, p+6, prev, i)
	}
	fmt.Fprintf(&q, `) AS v WHERE %s),
u AS (UPDATE audit_chains SET n = x.n + %d, hash = x.h%d FROM x WHERE audit_chains.chain = x.chain AND %s)`, cond, k, k, cond)
	return q.String()
}

// auditCTEs are the common table expressions that append k entries to
// the chain ch took (takeChainCTE) if cond holds: flatAuditCTEs for a
// few entries, hashedAuditCTEs for more. A statement holding them begins
// WITH RECURSIVE (hashedAuditCTEs's r is recursive; for the others the
// word changes nothing).
func auditCTEs(first, k int, cond string) string {
	if k <= flatAudit {
		return flatAuditCTEs(first, k, cond)
	}
	return hashedAuditCTEs(first, cond)
}

// auditParams appends the parameters of auditCTEs for es to args.
func auditParams(args []any, es []AuditEntry) []any {
	if len(es) > flatAudit {
		return auditArrays(args, es)
	}
	for i := range es {
		e := &es[i]
		args = append(args, micros(e.At), e.Actor, e.Action, e.Kind, e.RecordID, e.Remote, e.Detail, e.canonTail())
	}
	return args
}

// aloneStatements makes the statements of fn for 1 to flatAudit+1
// entries, the last for any more; aloneStatement picks one.
func aloneStatements(fn func(k int) string) []string {
	qs := make([]string, flatAudit+1)
	for k := 1; k <= flatAudit+1; k++ {
		qs[k-1] = fn(k)
	}
	return qs
}

// aloneStatement is the statement of qs (aloneStatements) for k entries.
func aloneStatement(qs []string, k int) string {
	return qs[min(k, len(qs))-1]
}

// canonTail is e's canonical form (computeHash) after its seq: what the
// statements of hashedAuditCTEs hash after the seq they give it.
func (e *AuditEntry) canonTail() []byte {
	b, _ := json.Marshal([]any{micros(e.At), e.Actor, e.Action, e.Kind, e.RecordID, e.Remote, e.Detail})
	b[0] = ','
	return b
}

// auditArrays appends the parameters of hashedAuditCTEs for es to args.
func auditArrays(args []any, es []AuditEntry) []any {
	at, tails := make([]int64, len(es)), make([][]byte, len(es))
	actor, action, kind, id, remote, detail := make([]string, len(es)), make([]string, len(es)), make([]string, len(es)),
		make([]string, len(es)), make([]string, len(es)), make([]string, len(es))
	for i := range es {
		e := &es[i]
		at[i], actor[i], action[i], kind[i], id[i], remote[i], detail[i] = micros(e.At), e.Actor, e.Action, e.Kind, e.RecordID, e.Remote, e.Detail
		tails[i] = e.canonTail()
	}
	return append(args, at, actor, action, kind, id, remote, detail, tails)
}

// appendAuditAlonePG are the statements (aloneStatements) that append
// entries to a chain no other transaction holds, each committing on its
// own; they answer no row and write nothing when every chain is held.
var appendAuditAlonePG = aloneStatements(func(k int) string {
	return `WITH RECURSIVE ` + takeChainCTE + ",\n" + auditCTEs(1, k, "true") + `
SELECT chain FROM ch`
})

// appendAuditAlone appends the entries of a transaction that never
// began, on PostgreSQL, without beginning it: one round trip instead of
// BEGIN, the chain's taking, the append and COMMIT. It reports false,
// having written nothing, when every chain is held.
func (tx *Tx) appendAuditAlone() (bool, error) {
	var chain int64
	err := tx.conn.QueryRowContext(tx.ctx, aloneStatement(appendAuditAlonePG, len(tx.audit)), auditParams(make([]any, 0, 8*len(tx.audit)), tx.audit)...).Scan(&chain)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, mapErr("audit: append", err)
	}
	tx.audit = tx.audit[:0]
	return true, nil
}

// takeChainCTEs are the common table expressions ch and s that take the
// first chain no other transaction holds and as many seqs as parameter
// $param says, with limit at most that many (0: no limit). A statement
// that writes something else may take the chain too
// (createClaimPostgres), one round trip fewer; takeChain takes later any
// seqs the transaction needs beyond those.
func takeChainCTEs(param, limit int) string {
	q := fmt.Sprintf(takeChainCTE+`,
s AS MATERIALIZED (SELECT nextval('audit_log_seq') AS seq FROM generate_series(1, CAST($%d AS BIGINT))`, param)
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	return q + ")"
}

// seqsAhead bounds the seqs a statement takes ahead, with a chain, for
// entries a transaction has not made yet (takeChainCTEs). The bound is for
// the planner: without it a prepared statement's plan for any count
// assumes a thousand seqs, looks dearer than one planned for the count
// given, and PostgreSQL plans the statement again on every call (a third
// of a millisecond each, on the path of every claim).
const seqsAhead = 8

const takeChainSQLite = `SELECT chain, n, hash, (SELECT COALESCE(MAX(seq), 0) FROM audit_log) FROM audit_chains WHERE chain = 0`

var takeChainPG = `WITH ` + takeChainCTEs(1, 0) + `
SELECT ch.chain, ch.n, ch.hash, s.seq FROM ch, s ORDER BY s.seq`

// takeChain takes the chain the transaction's entries go to, and numbers
// them: it returns the chain, its length and last hash.
func (tx *Tx) takeChain() (chain, n int64, last string, err error) {
	if !tx.db.postgres {
		var seq int64
		if err := tx.queryRow(takeChainSQLite).
			Scan(&chain, &n, &last, &seq); err != nil {
			return 0, 0, "", internal("audit: take a chain", err)
		}
		for i := range tx.audit {
			tx.audit[i].Seq = seq + int64(i) + 1
		}
		return chain, n, last, nil
	}
	if h := tx.chain; h != nil {
		// Taken earlier in the transaction, with seqs for the entries
		// expected then; entries beyond those need more.
		if more := len(tx.audit) - len(h.seqs); more > 0 {
			rows, err := tx.query("audit: number entries", `SELECT nextval('audit_log_seq') FROM generate_series(1, CAST($1 AS BIGINT))`, int64(more))
			if err != nil {
				return 0, 0, "", err
			}
			defer rows.Close()
			for rows.Next() {
				var seq int64
				if err := rows.Scan(&seq); err != nil {
					return 0, 0, "", internal("audit: number entries", err)
				}
				h.seqs = append(h.seqs, seq)
			}
			if err := rows.Err(); err != nil {
				return 0, 0, "", internal("audit: number entries", err)
			}
			if len(h.seqs) < len(tx.audit) {
				return 0, 0, "", internal("audit: number entries", fmt.Errorf("%d numbers for %d entries", len(h.seqs), len(tx.audit)))
			}
		}
		// Seqs are handed out in increasing order, so the entries keep
		// the order they were made in; numbers not used stay unused, as
		// those of a transaction that rolls back.
		for i := range tx.audit {
			tx.audit[i].Seq = h.seqs[i]
		}
		return h.chain, h.n, h.hash, nil
	}
	rows, err := tx.query("audit: take a chain", takeChainPG, int64(len(tx.audit)))
	if err != nil {
		return 0, 0, "", err
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var c, cn, seq int64
		var h string
		if err := rows.Scan(&c, &cn, &h, &seq); err != nil {
			return 0, 0, "", internal("audit: take a chain", err)
		}
		if i >= len(tx.audit) || i > 0 && c != chain {
			return 0, 0, "", internal("audit: take a chain", fmt.Errorf("an unexpected row"))
		}
		chain, n, last = c, cn, h
		tx.audit[i].Seq = seq
		i++
	}
	if err := rows.Err(); err != nil {
		return 0, 0, "", internal("audit: take a chain", err)
	}
	if i == len(tx.audit) {
		return chain, n, last, nil
	}
	if i != 0 {
		return 0, 0, "", internal("audit: take a chain", fmt.Errorf("%d numbers for %d entries", i, len(tx.audit)))
	}
	// Every chain is held: wait for one.
	rows, err = tx.query("audit: take a chain", `WITH c AS MATERIALIZED (SELECT chain, n, hash FROM audit_chains WHERE chain = (SELECT MAX(chain) FROM audit_chains) FOR UPDATE)
SELECT c.chain, c.n, c.hash, nextval('audit_log_seq') FROM c, generate_series(1, $1)`, int64(len(tx.audit)))
	if err != nil {
		return 0, 0, "", err
	}
	defer rows.Close()
	seqs := make([]int64, 0, len(tx.audit))
	for rows.Next() {
		var seq int64
		if err := rows.Scan(&chain, &n, &last, &seq); err != nil {
			return 0, 0, "", internal("audit: take a chain", err)
		}
		seqs = append(seqs, seq)
	}
	if err := rows.Err(); err != nil {
		return 0, 0, "", internal("audit: take a chain", err)
	}
	if len(seqs) != len(tx.audit) {
		return 0, 0, "", internal("audit: take a chain", fmt.Errorf("%d numbers for %d entries", len(seqs), len(tx.audit)))
	}
	slices.Sort(seqs)
	for i := range tx.audit {
		tx.audit[i].Seq = seqs[i]
	}
	return chain, n, last, nil
}

// placeholders returns "($first, …, $first+n-1)".
func placeholders(first, n int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(first + i))
	}
	b.WriteByte(')')
	return b.String()
}

// AuditReport is what VerifyAudit found.
type AuditReport struct {
	Entries int64 `json:"entries"` // entries checked
	Chains  int64 `json:"chains"`  // chains holding entries
	// Chain and BrokenAt say where the first entry that does not fit its
	// chain is, by its place in the chain (BrokenAt 0 when the log is
	// whole); Reason says how.
	Chain    int64  `json:"chain,omitempty"`
	BrokenAt int64  `json:"broken_at,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// OK reports whether the chain is whole.
func (r *AuditReport) OK() bool { return r.BrokenAt == 0 && r.Reason == "" }

// VerifyAudit walks each chain of the audit log from its first entry and
// reports the first entry whose place, previous hash or own hash does not
// fit, a chain whose head (audit_chains) does not match its last entry
// (entries removed from the end, or added after it), and an entry in a
// chain that does not exist.
func (db *DB) VerifyAudit(ctx context.Context) (*AuditReport, error) {
	var opts *sql.TxOptions
	if db.postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := db.r.BeginTx(ctx, opts)
	if err != nil {
		return nil, internal("verify audit: begin", err)
	}
	defer tx.Rollback()
	type head struct {
		n    int64
		hash string
	}
	heads := map[int64]head{}
	var chains []int64
	hrows, err := tx.QueryContext(ctx, `SELECT chain, n, hash FROM audit_chains ORDER BY chain`)
	if err != nil {
		return nil, internal("verify audit: chains", err)
	}
	for hrows.Next() {
		var c int64
		var h head
		if err := hrows.Scan(&c, &h.n, &h.hash); err != nil {
			hrows.Close()
			return nil, internal("verify audit: chains", err)
		}
		heads[c] = h
		chains = append(chains, c)
	}
	hrows.Close()
	if err := hrows.Err(); err != nil {
		return nil, internal("verify audit: chains", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log ORDER BY chain, n`)
	if err != nil {
		return nil, internal("verify audit: read", err)
	}
	defer rows.Close()
	rep := &AuditReport{}
	broken := func(chain, at int64, reason string) (*AuditReport, error) {
		rep.Chain, rep.BrokenAt, rep.Reason = chain, at, reason
		return rep, nil
	}
	// endChain checks that chain c, whose last entry is the nth with hash
	// last, ends where its head says.
	endChain := func(c, n int64, last string) (bool, int64, string) {
		h := heads[c]
		switch {
		case n < h.n:
			return false, n + 1, fmt.Sprintf("the chain ends at entry %d but its head says %d", n, h.n)
		case n > h.n:
			return false, h.n + 1, fmt.Sprintf("the chain goes on after entry %d, where its head says it ends", h.n)
		case last != h.hash:
			return false, n, "the last entry's hash is not the head's"
		}
		return true, 0, ""
	}
	seen := map[int64]bool{}
	cur, n, prev := int64(-1), int64(0), ""
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, internal("verify audit: read", err)
		}
		if e.Chain != cur {
			if cur >= 0 {
				if ok, at, why := endChain(cur, n, prev); !ok {
					return broken(cur, at, why)
				}
			}
			if _, ok := heads[e.Chain]; !ok {
				return broken(e.Chain, e.N, fmt.Sprintf("entry %d is in chain %d, which does not exist", e.Seq, e.Chain))
			}
			cur, n, prev = e.Chain, 0, ""
			seen[cur] = true
			rep.Chains++
		}
		rep.Entries++
		switch {
		case e.N != n+1:
			return broken(cur, n+1, fmt.Sprintf("entry %d is missing (the next is %d)", n+1, e.N))
		case e.PrevHash != prev:
			return broken(cur, e.N, "its previous hash is not the hash of the entry before")
		case e.computeHash() != e.Hash:
			return broken(cur, e.N, "its content does not match its hash")
		}
		n, prev = e.N, e.Hash
	}
	if err := rows.Err(); err != nil {
		return nil, internal("verify audit: read", err)
	}
	if cur >= 0 {
		if ok, at, why := endChain(cur, n, prev); !ok {
			return broken(cur, at, why)
		}
	}
	for _, c := range chains {
		if !seen[c] {
			if ok, at, why := endChain(c, 0, ""); !ok {
				return broken(c, at, why)
			}
		}
	}
	return rep, nil
}

// ListAudit returns one page of the audit log, newest first. The cursor is
// the seq of the last entry of the page before. Reading the log is itself
// audited.
func (tx *Tx) ListAudit(p Page) ([]AuditEntry, string, error) {
	limit, err := p.limit()
	if err != nil {
		return nil, "", err
	}
	before := int64(1) << 62
	if p.Cursor != "" {
		before, err = strconv.ParseInt(p.Cursor, 10, 64)
		if err != nil || before <= 0 {
			return nil, "", errs.Errorf(errs.Invalid, "cursor %s: want an audit entry's seq", quoteID(p.Cursor))
		}
	}
	rows, err := tx.readQuery("list audit", `SELECT `+auditColumns+` FROM audit_log WHERE seq < $1 ORDER BY seq DESC LIMIT $2`, before, limit)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, "", internal("list audit", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", internal("list audit", err)
	}
	next := ""
	if len(out) == limit {
		next = strconv.FormatInt(out[len(out)-1].Seq, 10)
	}
	tx.Audit("list", "audit", "", fmt.Sprintf("%d entries", len(out)))
	return out, next, nil
}
