-- A claim line's id is always its claim's id, "-" and its number, so the
-- primary key (claim_id, n) makes it unique and finds it (ClaimByLine):
-- its own unique index cost five entries for a claim of five lines. On
-- SQLite, where a column's UNIQUE cannot be dropped without copying the
-- table, the index stays.
ALTER TABLE claim_lines DROP CONSTRAINT claim_lines_line_id_key;
