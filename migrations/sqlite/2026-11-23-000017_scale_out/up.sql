-- Scale-out (SQLite). Keep in step with ../../postgres/ (same migration names).
-- A per-user token generation, carried in every access token: raising it ends every token
-- issued before (password, role or segment change, "sign out everywhere").
ALTER TABLE users ADD COLUMN token_generation INTEGER NOT NULL DEFAULT 0;

-- Failed sign-ins, shared by every instance: counted per (account, client address) and per
-- client address in a sliding window; rows older than the window are pruned.
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL,
    address TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_account_address_at_idx ON login_failures (account, address, at);
CREATE INDEX login_failures_address_at_idx ON login_failures (address, at);
CREATE INDEX login_failures_at_idx ON login_failures (at);
