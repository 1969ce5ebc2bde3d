package store

import (
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/perdiem/perdiem/errs"
)

// MaxDocument is the largest episode document the store keeps, the same
// bound as the command line's.
const MaxDocument = 16 << 20

// Episode statuses: a billing run codes the active ones.
const (
	EpisodeActive = "active"
	EpisodeClosed = "closed"
)

// Episode is a patient's course of therapy. Its document (docs/input-format.md)
// is never overwritten: each edit is a new EpisodeVersion, and Version is
// the current one.
type Episode struct {
	ID        string    `json:"id"`
	PatientID string    `json:"patient_id"`
	PayerID   string    `json:"payer_id,omitempty"`
	Version   int64     `json:"version"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// EpisodeVersion is one version of an episode's document, its bytes
// exactly as they were given. Document is nil in lists of versions.
type EpisodeVersion struct {
	EpisodeID string    `json:"episode_id"`
	Version   int64     `json:"version"`
	Document  []byte    `json:"-"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

func checkDocument(doc []byte) error {
	switch {
	case len(doc) == 0:
		return errs.Invalids([]errs.Problem{{Path: "", Message: "the episode document is empty"}})
	case len(doc) > MaxDocument:
		return errs.Invalids([]errs.Problem{{Path: "", Message: fmt.Sprintf("the episode document has %d bytes; at most %d", len(doc), MaxDocument)}})
	}
	return nil
}

func (tx *Tx) actorID() string {
	if tx.actor.UserID == "" {
		return System.UserID
	}
	return tx.actor.UserID
}

// CreateEpisode stores a new episode of patientID, billed to payerID (""
// for none yet), with doc as its version 1.
func (tx *Tx) CreateEpisode(patientID, payerID string, doc []byte) (Episode, error) {
	if err := checkDocument(doc); err != nil {
		return Episode{}, err
	}
	if err := tx.mustExist("patients", "patient", patientID); err != nil {
		return Episode{}, err
	}
	if payerID != "" {
		if err := tx.mustExist("payers", "payer", payerID); err != nil {
			return Episode{}, err
		}
	}
	e := Episode{ID: NewID("E"), PatientID: patientID, PayerID: payerID, Version: 1, Status: EpisodeActive, CreatedAt: tx.now, UpdatedAt: tx.now}
	if _, err := tx.exec("create episode", `INSERT INTO episodes (id, patient_id, payer_id, version, status, created_at, updated_at)
VALUES ($1, $2, $3, 1, $4, $5, $5)`, e.ID, patientID, nullString(payerID), e.Status, micros(tx.now)); err != nil {
		return Episode{}, err
	}
	if err := tx.insertVersion(e.ID, 1, doc); err != nil {
		return Episode{}, err
	}
	tx.Audit("create", "episode", e.ID, "version 1")
	return e, nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// mustExist reports a not-found error naming kind when table has no row id.
func (tx *Tx) mustExist(table, kind, id string) error {
	var one int
	err := tx.readRow(`SELECT 1 FROM `+table+` WHERE id = $1`, id).Scan(&one)
	if err == sql.ErrNoRows {
		return notFound(kind, id)
	}
	if err != nil {
		return internal("read "+kind, err)
	}
	return nil
}

func (tx *Tx) insertVersion(id string, version int64, doc []byte) error {
	_, err := tx.exec("store episode version", `INSERT INTO episode_versions (episode_id, version, document, created_by, created_at)
VALUES ($1, $2, $3, $4, $5)`, id, version, doc, tx.actorID(), micros(tx.now))
	return err
}

// UpdateEpisode stores doc as the next version of episode id, provided its
// current version is base; otherwise it fails with a conflict and keeps
// nothing, so two edits made from the same version never overwrite each
// other, whichever process makes them.
func (tx *Tx) UpdateEpisode(id string, base int64, doc []byte) (Episode, error) {
	if err := checkDocument(doc); err != nil {
		return Episode{}, err
	}
	var e Episode
	var payer sql.NullString
	var created int64
	err := tx.queryRow(`UPDATE episodes SET version = version + 1, updated_at = $3
WHERE id = $1 AND version = $2 RETURNING patient_id, payer_id, version, status, created_at`, id, base, micros(tx.now)).
		Scan(&e.PatientID, &payer, &e.Version, &e.Status, &created)
	if err == sql.ErrNoRows {
		var current int64
		err := tx.queryRow(`SELECT version FROM episodes WHERE id = $1`, id).Scan(&current)
		if err == sql.ErrNoRows {
			return Episode{}, notFound("episode", id)
		}
		if err != nil {
			return Episode{}, internal("read episode", err)
		}
		return Episode{}, errs.Errorf(errs.Conflict, "episode %s is at version %d, not %d: read it again and apply the change to that version", quoteID(id), current, base)
	}
	if err != nil {
		return Episode{}, mapErr("update episode", err)
	}
	e.ID, e.PayerID, e.CreatedAt, e.UpdatedAt = id, payer.String, fromMicros(created), tx.now
	if err := tx.insertVersion(id, e.Version, doc); err != nil {
		return Episode{}, err
	}
	tx.Audit("update", "episode", id, "version "+strconv.FormatInt(e.Version, 10))
	return e, nil
}

// SetEpisode changes an episode's payer and status (EpisodeActive or
// EpisodeClosed); its document and version stay.
func (tx *Tx) SetEpisode(id, payerID, status string) (Episode, error) {
	if status != EpisodeActive && status != EpisodeClosed {
		return Episode{}, errs.Invalids([]errs.Problem{{Path: "status", Message: "want active or closed"}})
	}
	if payerID != "" {
		if err := tx.mustExist("payers", "payer", payerID); err != nil {
			return Episode{}, err
		}
	}
	n, err := tx.exec("update episode", `UPDATE episodes SET payer_id = $2, status = $3, updated_at = $4 WHERE id = $1`,
		id, nullString(payerID), status, micros(tx.now))
	if err != nil {
		return Episode{}, err
	}
	if n == 0 {
		return Episode{}, notFound("episode", id)
	}
	tx.Audit("update", "episode", id, "status "+status)
	return tx.episode(id)
}

const episodeColumns = `id, patient_id, payer_id, version, status, created_at, updated_at`

func scanEpisode(row interface{ Scan(...any) error }) (Episode, error) {
	var e Episode
	var payer sql.NullString
	var created, updated int64
	if err := row.Scan(&e.ID, &e.PatientID, &payer, &e.Version, &e.Status, &created, &updated); err != nil {
		return Episode{}, err
	}
	e.PayerID, e.CreatedAt, e.UpdatedAt = payer.String, fromMicros(created), fromMicros(updated)
	return e, nil
}

func (tx *Tx) episode(id string) (Episode, error) {
	e, err := scanEpisode(tx.readRow(`SELECT `+episodeColumns+` FROM episodes WHERE id = $1`, id))
	if err == sql.ErrNoRows {
		return Episode{}, notFound("episode", id)
	}
	if err != nil {
		return Episode{}, internal("read episode", err)
	}
	return e, nil
}

const readEpisode = `SELECT e.patient_id, e.payer_id, e.version, e.status, e.created_at, e.updated_at, v.document, v.created_by, v.created_at
FROM episodes e JOIN episode_versions v ON v.episode_id = e.id AND v.version = e.version WHERE e.id = $1`

// readEpisodeTakingChain is readEpisode that also takes an audit chain and
// parameter $2 seqs (takeChainCTEs), on PostgreSQL.
var readEpisodeTakingChain = `WITH ` + takeChainCTEs(2, seqsAhead) + `
SELECT e.patient_id, e.payer_id, e.version, e.status, e.created_at, e.updated_at, v.document, v.created_by, v.created_at,
ch.chain, ch.n, ch.hash, CASE WHEN ch.chain IS NOT NULL THEN (SELECT string_agg(CAST(seq AS TEXT), ',' ORDER BY seq) FROM s) END
FROM episodes e JOIN episode_versions v ON v.episode_id = e.id AND v.version = e.version LEFT JOIN ch ON true WHERE e.id = $1`

// Episode returns the episode with id and its current version's document.
func (tx *Tx) Episode(id string) (Episode, EpisodeVersion, error) {
	var e Episode
	var payer sql.NullString
	var created, updated, vCreated int64
	v := EpisodeVersion{EpisodeID: id}
	dest := []any{&e.PatientID, &payer, &e.Version, &e.Status, &created, &updated, &v.Document, &v.CreatedBy, &vCreated}
	var err error
	if tx.db.postgres && tx.tx != nil && tx.chain == nil {
		// In a transaction begun already, take the audit chain now,
		// with seqs for the entries so far, this read's and one more (a
		// claim made from the episode): the claim's statement then
		// appends them (createClaimPostgres), and a read's commit has
		// one round trip less to make. Before the transaction begins,
		// the read is only a read.
		var chain, n sql.NullInt64
		var hash, seqs sql.NullString
		err = tx.queryRow(readEpisodeTakingChain, id, int64(len(tx.audit)+2)).Scan(append(dest, &chain, &n, &hash, &seqs)...)
		if err == nil {
			err = tx.holdChain(chain, n, hash, seqs)
		}
	} else {
		err = tx.readRow(readEpisode, id).Scan(dest...)
	}
	if err == sql.ErrNoRows {
		return Episode{}, EpisodeVersion{}, notFound("episode", id)
	}
	if err != nil {
		return Episode{}, EpisodeVersion{}, internal("read episode", err)
	}
	e.ID, e.PayerID, e.CreatedAt, e.UpdatedAt = id, payer.String, fromMicros(created), fromMicros(updated)
	v.Version, v.CreatedAt = e.Version, fromMicros(vCreated)
	tx.Audit("read", "episode", id, "version "+strconv.FormatInt(v.Version, 10))
	return e, v, nil
}

func (tx *Tx) version(id string, version int64) (EpisodeVersion, error) {
	v := EpisodeVersion{EpisodeID: id, Version: version}
	var created int64
	err := tx.readRow(`SELECT document, created_by, created_at FROM episode_versions WHERE episode_id = $1 AND version = $2`, id, version).
		Scan(&v.Document, &v.CreatedBy, &created)
	if err == sql.ErrNoRows {
		return EpisodeVersion{}, errs.Errorf(errs.NotFound, "episode %s has no version %d", quoteID(id), version)
	}
	if err != nil {
		return EpisodeVersion{}, internal("read episode version", err)
	}
	v.CreatedAt = fromMicros(created)
	return v, nil
}

// EpisodeVersion returns one version of an episode, its document included.
func (tx *Tx) EpisodeVersion(id string, version int64) (EpisodeVersion, error) {
	v, err := tx.version(id, version)
	if err != nil {
		return EpisodeVersion{}, err
	}
	tx.Audit("read", "episode", id, "version "+strconv.FormatInt(version, 10))
	return v, nil
}

// EpisodeVersions returns one page of an episode's versions, newest first,
// without their documents. The cursor is the last version of the page
// before.
func (tx *Tx) EpisodeVersions(id string, p Page) ([]EpisodeVersion, string, error) {
	limit, err := p.limit()
	if err != nil {
		return nil, "", err
	}
	e, err := tx.episode(id)
	if err != nil {
		return nil, "", err
	}
	before := e.Version + 1
	if p.Cursor != "" {
		before, err = strconv.ParseInt(p.Cursor, 10, 64)
		if err != nil || before <= 0 {
			return nil, "", errs.Errorf(errs.Invalid, "cursor %s: want a version number", quoteID(p.Cursor))
		}
	}
	rows, err := tx.readQuery("list episode versions", `SELECT version, created_by, created_at FROM episode_versions
WHERE episode_id = $1 AND version < $2 ORDER BY version DESC LIMIT $3`, id, before, limit)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []EpisodeVersion
	for rows.Next() {
		v := EpisodeVersion{EpisodeID: id}
		var created int64
		if err := rows.Scan(&v.Version, &v.CreatedBy, &created); err != nil {
			return nil, "", internal("list episode versions", err)
		}
		v.CreatedAt = fromMicros(created)
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, "", internal("list episode versions", err)
	}
	tx.Audit("list", "episode", id, fmt.Sprintf("%d versions", len(out)))
	return out, nextCursor(len(out), limit, func() string { return strconv.FormatInt(out[len(out)-1].Version, 10) }), nil
}

// EpisodeFilter narrows a list of episodes; empty fields match all.
type EpisodeFilter struct {
	PatientID string
	PayerID   string
	Status    string
}

// Episodes returns one page of episodes, newest first, without documents.
func (tx *Tx) Episodes(f EpisodeFilter, p Page) ([]Episode, string, error) {
	limit, err := p.limit()
	if err != nil {
		return nil, "", err
	}
	rows, err := tx.readQuery("list episodes", `SELECT `+episodeColumns+` FROM episodes
WHERE ($1 = '' OR id < $1) AND ($2 = '' OR patient_id = $2) AND ($3 = '' OR payer_id = $3) AND ($4 = '' OR status = $4)
ORDER BY id DESC LIMIT $5`, p.Cursor, f.PatientID, f.PayerID, f.Status, limit)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []Episode
	for rows.Next() {
		e, err := scanEpisode(rows)
		if err != nil {
			return nil, "", internal("list episodes", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", internal("list episodes", err)
	}
	for _, e := range out {
		tx.Audit("list", "episode", e.ID, "")
	}
	return out, nextCursor(len(out), limit, func() string { return out[len(out)-1].ID }), nil
}
