import type { Migration } from './migration.ts';

/**
 * Consent and third-party data access (docs/consent.md): the third-party registry, the binding of
 * API keys (stored hashed in api_keys) to a party, customers' consents, and the access log each
 * customer sees ("who read my data, when, what"). Expired is never stored: it follows from valid_until.
 */
export const consent: Migration = {
  version: 8,
  name: 'consent',
  up: `
CREATE TABLE third_parties (
  id TEXT PRIMARY KEY,
  legal_name TEXT NOT NULL,
  contact TEXT NOT NULL,
  website TEXT NOT NULL,
  country TEXT NOT NULL,
  purposes TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'removed')),
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE third_party_keys (
  key_id TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  third_party_id TEXT NOT NULL REFERENCES third_parties (id),
  label TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  revoked_at INTEGER
) WITHOUT ROWID;
CREATE INDEX third_party_keys_by_party ON third_party_keys (third_party_id, created_at);

CREATE TABLE consents (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  premise TEXT NOT NULL,
  third_party_id TEXT NOT NULL REFERENCES third_parties (id),
  purpose TEXT NOT NULL,
  scopes TEXT NOT NULL,
  granularity TEXT NOT NULL,
  history_from INTEGER NOT NULL,
  valid_from INTEGER NOT NULL,
  valid_until INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
  granted_by TEXT NOT NULL,
  granted_at INTEGER NOT NULL,
  revoked_by TEXT,
  revoked_at INTEGER,
  revoke_reason TEXT
);
CREATE INDEX consents_by_premise ON consents (premise, seq);
CREATE INDEX consents_by_party ON consents (third_party_id, seq);

CREATE TABLE consent_access (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  third_party_id TEXT NOT NULL,
  premise TEXT NOT NULL,
  consent_id TEXT,
  key_id TEXT NOT NULL,
  scopes TEXT NOT NULL,
  granularity TEXT NOT NULL,
  range_from INTEGER NOT NULL,
  range_to INTEGER NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('served', 'refused')),
  reason TEXT,
  "values" INTEGER NOT NULL
);
CREATE INDEX consent_access_by_premise ON consent_access (premise, seq);
CREATE INDEX consent_access_by_party ON consent_access (third_party_id, seq);
`,
};
