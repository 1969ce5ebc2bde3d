-- The audit log's seq, handed out by a sequence so that no transaction
-- waits for another to number its entries. A transaction that rolls back
-- leaves its numbers unused: seq orders the log, and the chains
-- (audit_chains) are what show that nothing is missing.
CREATE SEQUENCE audit_log_seq;
SELECT setval('audit_log_seq', COALESCE(MAX(seq), 0) + 1, false) FROM audit_log;
