-- The workspace's schema, the same on SQLite and PostgreSQL: types are
-- TEXT, BIGINT, DOUBLE PRECISION and BYTEA (a blob on SQLite); times are
-- BIGINT microseconds since 1970-01-01 UTC; dates of service are TEXT
-- YYYY-MM-DD; money is BIGINT cents; JSON is TEXT. Ids are made by the
-- store (NewID), so no sequence or autoincrement differs between the two.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'biller', 'auditor')),
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    disabled_at   BIGINT
);

-- Only the SHA-256 of a bearer token is kept.
CREATE TABLE api_tokens (
    hash       BYTEA PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE sessions (
    hash        BYTEA PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    csrf_secret TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE patients (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    birth_date   TEXT NOT NULL,
    member_id    TEXT NOT NULL,
    demographics TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE TABLE payers (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    payer_id   TEXT NOT NULL,
    contract   TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE episodes (
    id         TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    payer_id   TEXT REFERENCES payers (id),
    version    BIGINT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('active', 'closed')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX episodes_patient ON episodes (patient_id);
CREATE INDEX episodes_status ON episodes (status, id);

-- Every version of an episode document, byte for byte as it was given.
CREATE TABLE episode_versions (
    episode_id TEXT NOT NULL REFERENCES episodes (id),
    version    BIGINT NOT NULL,
    document   BYTEA NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (episode_id, version)
);

CREATE TABLE billing_runs (
    id           TEXT PRIMARY KEY,
    period_from  TEXT NOT NULL,
    period_to    TEXT NOT NULL,
    payer_filter TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    total        BIGINT NOT NULL,
    done         BIGINT NOT NULL,
    failed       BIGINT NOT NULL,
    errors       TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    finished_at  BIGINT
);

-- One row per episode a run has dealt with, so a job that runs again
-- after its process died counts no episode twice.
CREATE TABLE billing_run_items (
    run_id     TEXT NOT NULL REFERENCES billing_runs (id),
    episode_id TEXT NOT NULL REFERENCES episodes (id),
    claim_id   TEXT,
    error      TEXT,
    at         BIGINT NOT NULL,
    PRIMARY KEY (run_id, episode_id)
);

CREATE TABLE claims (
    id              TEXT PRIMARY KEY,
    patient_id      TEXT NOT NULL REFERENCES patients (id),
    payer_id        TEXT REFERENCES payers (id),
    episode_id      TEXT NOT NULL,
    episode_version BIGINT NOT NULL,
    period_from     TEXT NOT NULL,
    period_to       TEXT NOT NULL,
    status          TEXT NOT NULL,
    claim           TEXT NOT NULL,
    result          TEXT NOT NULL,
    total_cents     BIGINT NOT NULL,
    paid_cents      BIGINT NOT NULL,
    history_n       BIGINT NOT NULL,
    billing_run_id  TEXT REFERENCES billing_runs (id),
    created_by      TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    FOREIGN KEY (episode_id, episode_version) REFERENCES episode_versions (episode_id, version)
);
CREATE INDEX claims_status ON claims (status, id);
CREATE INDEX claims_patient ON claims (patient_id, id);
CREATE INDEX claims_episode ON claims (episode_id, id);
CREATE INDEX claims_run ON claims (billing_run_id);

CREATE TABLE claim_lines (
    claim_id     TEXT NOT NULL REFERENCES claims (id),
    n            BIGINT NOT NULL,
    line_id      TEXT NOT NULL UNIQUE,
    code         TEXT NOT NULL,
    modifiers    TEXT NOT NULL,
    from_date    TEXT NOT NULL,
    to_date      TEXT NOT NULL,
    units        DOUBLE PRECISION NOT NULL,
    charge_cents BIGINT NOT NULL,
    reasons      TEXT NOT NULL,
    PRIMARY KEY (claim_id, n)
);

-- source_kind is what caused a change: user, interchange, acknowledgment,
-- remittance or billing_run; source_id is that record's id.
CREATE TABLE claim_status_history (
    claim_id    TEXT NOT NULL REFERENCES claims (id),
    n           BIGINT NOT NULL,
    status      TEXT NOT NULL,
    at          BIGINT NOT NULL,
    by_user     TEXT NOT NULL,
    source_kind TEXT NOT NULL,
    source_id   TEXT NOT NULL,
    detail      TEXT NOT NULL,
    PRIMARY KEY (claim_id, n)
);
CREATE INDEX claim_status_history_source ON claim_status_history (source_kind, source_id);

-- The one row that hands out interchange control numbers (ISA13, GS06).
CREATE TABLE control_counter (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    last BIGINT NOT NULL
);
INSERT INTO control_counter (id, last) VALUES (1, 0);

CREATE TABLE interchanges (
    id         TEXT PRIMARY KEY,
    control    BIGINT NOT NULL UNIQUE,
    gs06       BIGINT NOT NULL,
    content    BYTEA NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE interchange_claims (
    interchange_id TEXT NOT NULL REFERENCES interchanges (id),
    claim_id       TEXT NOT NULL REFERENCES claims (id),
    n              BIGINT NOT NULL,
    PRIMARY KEY (interchange_id, claim_id)
);
CREATE INDEX interchange_claims_claim ON interchange_claims (claim_id);

CREATE TABLE acknowledgments (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('999', '277CA')),
    content     BYTEA NOT NULL,
    summary     TEXT NOT NULL,
    unmatched   TEXT NOT NULL,
    received_by TEXT NOT NULL,
    received_at BIGINT NOT NULL
);

CREATE TABLE remittances (
    id           TEXT PRIMARY KEY,
    content      BYTEA NOT NULL,
    payer        TEXT NOT NULL,
    check_number TEXT NOT NULL,
    paid_cents   BIGINT NOT NULL,
    summary      TEXT NOT NULL,
    unmatched    TEXT NOT NULL,
    received_by  TEXT NOT NULL,
    received_at  BIGINT NOT NULL
);

CREATE TABLE idempotency_keys (
    actor       TEXT NOT NULL,
    idem_key    TEXT NOT NULL,
    fingerprint BYTEA NOT NULL,
    status      BIGINT NOT NULL,
    body        BYTEA,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (actor, idem_key)
);

-- The append-only audit log. hash is the SHA-256 of prev_hash and the
-- entry's canonical form (audit.go); audit_head holds the last entry's seq
-- and hash, and is the lock that keeps the chain from forking.
CREATE TABLE audit_log (
    seq       BIGINT PRIMARY KEY,
    at        BIGINT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    kind      TEXT NOT NULL,
    record_id TEXT NOT NULL,
    remote    TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_log_record ON audit_log (kind, record_id);

CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
