import type { Migration } from './migration.ts';

/**
 * People who log in to the console and portal (API keys stay for automation), their sessions, and
 * an index that finds a premise's meters (the customer's object check) without a scan.
 * Only a password's scrypt hash and a session token's SHA-256 are kept.
 */
export const users: Migration = {
  version: 6,
  name: 'users',
  up: `
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  premise TEXT,
  password TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  disabled_at INTEGER
) WITHOUT ROWID;
CREATE UNIQUE INDEX users_by_username ON users (lower(username));
CREATE INDEX users_by_premise ON users (premise) WHERE premise IS NOT NULL;

CREATE TABLE sessions (
  hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id),
  csrf TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE INDEX meters_by_premise ON meters (json_extract(doc, '$.premise'), id);
`,
};
