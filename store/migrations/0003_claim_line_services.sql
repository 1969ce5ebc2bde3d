-- The duplicate check (scrub edit SC-21) looks up the stored claims that
-- bill a code on the same dates.
CREATE INDEX claim_lines_service ON claim_lines (code, from_date, to_date);
