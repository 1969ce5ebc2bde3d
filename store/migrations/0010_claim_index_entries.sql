-- Index entries that creating a claim wrote and no query reads, each a
-- page to find and a record in the write-ahead log for every claim. No
-- statement looks up a claim's status history by its source; claims are
-- found by billing run only for a run's own claims, so a claim made
-- outside a billing run (nearly all) needs no entry there.
DROP INDEX claim_status_history_source;
DROP INDEX claims_run;
CREATE INDEX claims_run ON claims (billing_run_id) WHERE billing_run_id IS NOT NULL;
