-- A claim's two documents, compressed (about 2.8 kB together for a month
-- of one therapy), make a row just over the 2 kB at which PostgreSQL moves
-- values out of the row into the table's TOAST table: each claim then
-- wrote a second row and an index entry there, about a twentieth of the
-- server's work for a claim. Storage MAIN keeps the documents compressed
-- in the row, and moves them out only when the row would not fit in a
-- page. Only rows written from now on change.
ALTER TABLE claims ALTER COLUMN claim SET STORAGE MAIN, ALTER COLUMN result SET STORAGE MAIN;
