-- What each received 835 did to each claim it answered, as reconciliation
-- found it: the outcome, the amounts (expected from the payer's contract,
-- when it has one), the flags, and the remittance's claims and lines as
-- JSON (package remit's ClaimPayment).
CREATE TABLE claim_reconciliations (
    claim_id       TEXT NOT NULL REFERENCES claims (id),
    remittance_id  TEXT NOT NULL REFERENCES remittances (id),
    outcome        TEXT NOT NULL,
    billed_cents   BIGINT NOT NULL,
    expected_cents BIGINT,
    paid_cents     BIGINT NOT NULL,
    patient_cents  BIGINT NOT NULL,
    flags          TEXT NOT NULL,
    payments       TEXT NOT NULL,
    PRIMARY KEY (claim_id, remittance_id)
);
CREATE INDEX claim_reconciliations_remittance ON claim_reconciliations (remittance_id);

-- The flags of each claim's latest reconciliation (underpaid, denied,
-- reversal, ...): what the work queue and ?flag= find claims by.
CREATE TABLE claim_flags (
    claim_id      TEXT NOT NULL REFERENCES claims (id),
    flag          TEXT NOT NULL,
    remittance_id TEXT NOT NULL REFERENCES remittances (id),
    PRIMARY KEY (claim_id, flag)
);
CREATE INDEX claim_flags_flag ON claim_flags (flag, claim_id);
