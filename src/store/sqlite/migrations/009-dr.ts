import type { Migration } from './migration.ts';

/**
 * Peak events (demand response): the event with its levels and target spec as JSON, the meters it
 * resolved to, customers' answers, in-home-display deliveries and performance per premise.
 */
export const dr: Migration = {
  version: 9,
  name: 'demand-response',
  up: `
CREATE TABLE dr_events (
  id TEXT PRIMARY KEY,
  start INTEGER NOT NULL,
  "end" INTEGER NOT NULL,
  external_key TEXT,
  doc TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX dr_events_by_start ON dr_events (start DESC, id);
CREATE UNIQUE INDEX dr_events_by_external ON dr_events (external_key) WHERE external_key IS NOT NULL;

CREATE TABLE dr_targets (
  event_id TEXT NOT NULL REFERENCES dr_events (id),
  meter_id TEXT NOT NULL,
  premise TEXT,
  PRIMARY KEY (event_id, meter_id)
) WITHOUT ROWID;
CREATE INDEX dr_targets_by_premise ON dr_targets (premise, event_id) WHERE premise IS NOT NULL;

CREATE TABLE dr_responses (
  event_id TEXT NOT NULL REFERENCES dr_events (id),
  premise TEXT NOT NULL,
  acknowledged_at INTEGER,
  opted_out_at INTEGER,
  actor TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (event_id, premise)
) WITHOUT ROWID;

CREATE TABLE dr_deliveries (
  event_id TEXT NOT NULL REFERENCES dr_events (id),
  meter_id TEXT NOT NULL,
  status TEXT NOT NULL,
  at INTEGER NOT NULL,
  detail TEXT,
  PRIMARY KEY (event_id, meter_id)
) WITHOUT ROWID;

CREATE TABLE dr_performance (
  event_id TEXT NOT NULL REFERENCES dr_events (id),
  premise TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (event_id, premise)
) WITHOUT ROWID;
`,
};
