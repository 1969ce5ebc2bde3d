-- The audit log becomes several hash chains instead of one, so that
-- writers no longer queue on one locked row: a transaction appends its
-- entries to a chain no other transaction holds (audit.go). audit_chains
-- has one row per chain: the number of entries in it and its last
-- entry's hash. The entries so far are chain 0, in their order.
CREATE TABLE audit_chains (
    chain BIGINT PRIMARY KEY CHECK (chain >= 0),
    n     BIGINT NOT NULL,
    hash  TEXT NOT NULL
);
INSERT INTO audit_chains (chain, n, hash) SELECT 0, seq, hash FROM audit_head;
WITH RECURSIVE c (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 31)
INSERT INTO audit_chains (chain, n, hash) SELECT i, 0, '' FROM c;
DROP TABLE audit_head;

-- chain and n: the entry's chain and its place in it (1, 2, …). seq stays
-- the log's order, for reading; it may skip numbers on PostgreSQL.
ALTER TABLE audit_log ADD COLUMN chain BIGINT NOT NULL DEFAULT 0;
ALTER TABLE audit_log ADD COLUMN n BIGINT NOT NULL DEFAULT 0;
UPDATE audit_log SET n = seq;
CREATE UNIQUE INDEX audit_log_chain ON audit_log (chain, n);
