-- Failed sign-ins, kept in the database so that the limits on guessing
-- passwords hold across every server on it (signin.go). One row per
-- attempt and limit: scope is what is limited ('name' or 'address'), subject
-- the SHA-256 of the account name or the client's address (neither kept in
-- clear, and of a bounded size whatever was typed). An attempt is counted
-- from before its password is checked and its rows removed if it succeeds,
-- so attempts under way count too; rows older than the window are deleted.
CREATE TABLE sign_in_attempts (
    attempt TEXT NOT NULL,
    scope   TEXT NOT NULL,
    subject BYTEA NOT NULL,
    at      BIGINT NOT NULL,
    PRIMARY KEY (attempt, scope)
);
CREATE INDEX sign_in_attempts_subject ON sign_in_attempts (scope, subject, at);
CREATE INDEX sign_in_attempts_at ON sign_in_attempts (at);
