-- The status changes an acknowledgment or remittance asked for that the
-- claim's status did not allow, kept with the file, as JSON.
ALTER TABLE acknowledgments ADD COLUMN skipped TEXT NOT NULL DEFAULT '[]';
ALTER TABLE remittances ADD COLUMN skipped TEXT NOT NULL DEFAULT '[]';
