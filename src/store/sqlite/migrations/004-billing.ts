import type { Migration } from './migration.ts';

/**
 * Tariffs, accounts and bills (docs/decisions/2026-11-26-billing.md). Tariff versions and bills
 * are immutable documents: a new tariff version or a re-bill is a new row, never an update, so
 * any bill can be reproduced from what it names. Money is integer micro-units of the currency.
 */
export const billing: Migration = {
  version: 4,
  name: 'billing',
  up: `
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  premise TEXT,
  time_zone TEXT NOT NULL,
  tariff_id TEXT NOT NULL,
  cycle_day INTEGER NOT NULL CHECK (cycle_day BETWEEN 1 AND 28),
  supplier TEXT NOT NULL,
  brp TEXT NOT NULL,
  grid_area TEXT NOT NULL,
  capacity_exempt INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX accounts_by_cycle ON accounts (cycle_day, id);
CREATE INDEX accounts_by_premise ON accounts (premise);

CREATE TABLE account_meters (
  account_id TEXT NOT NULL REFERENCES accounts (id),
  meter_id TEXT NOT NULL,
  from_t INTEGER NOT NULL,
  to_t INTEGER,
  PRIMARY KEY (account_id, meter_id, from_t)
);
CREATE INDEX account_meters_by_meter ON account_meters (meter_id, from_t);

CREATE TABLE tariff_versions (
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  effective_from TEXT NOT NULL,
  doc TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (id, version)
);

CREATE TABLE prices (
  feed TEXT NOT NULL,
  start INTEGER NOT NULL,
  interval_s INTEGER NOT NULL,
  price INTEGER NOT NULL,
  PRIMARY KEY (feed, start)
) WITHOUT ROWID;

CREATE TABLE bills (
  id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  period_from TEXT NOT NULL,
  period_to TEXT NOT NULL,
  revision INTEGER NOT NULL,
  as_of INTEGER NOT NULL,
  run_id TEXT,
  total INTEGER NOT NULL,
  doc TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (account_id, period_from, period_to, revision)
);
CREATE INDEX bills_by_run ON bills (run_id);

CREATE TABLE billing_runs (
  id TEXT PRIMARY KEY,
  cycle_day INTEGER NOT NULL,
  period TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  total INTEGER NOT NULL,
  done INTEGER NOT NULL,
  failed INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  actor TEXT NOT NULL,
  summary TEXT NOT NULL
);
`,
};
