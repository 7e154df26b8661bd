import type { Migration } from './migration.ts';

/**
 * VEE in operation (docs/decisions/2026-11-26-vee-flow.md): the findings and estimate
 * explanations of the latest run per channel window, the exceptions work queue, and the progress
 * of re-validation jobs. The data itself stays in interval_blocks (versioned there).
 */
export const vee: Migration = {
  version: 3,
  name: 'vee',
  up: `
CREATE TABLE vee_findings (
  id INTEGER PRIMARY KEY,
  meter_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  rule TEXT NOT NULL,
  severity TEXT NOT NULL,
  action TEXT NOT NULL,
  reason INTEGER NOT NULL,
  message TEXT NOT NULL,
  details TEXT NOT NULL,
  rule_set TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX vee_findings_by_channel ON vee_findings (meter_id, channel, start);

CREATE TABLE vee_estimates (
  id INTEGER PRIMARY KEY,
  meter_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  method TEXT NOT NULL,
  method_flag INTEGER NOT NULL,
  quality TEXT NOT NULL,
  reason INTEGER NOT NULL,
  energy REAL NOT NULL,
  triggers TEXT NOT NULL,
  inputs TEXT NOT NULL,
  rule_set TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX vee_estimates_by_channel ON vee_estimates (meter_id, channel, start);

CREATE TABLE vee_exceptions (
  id INTEGER PRIMARY KEY,
  meter_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  rule TEXT NOT NULL,
  severity TEXT NOT NULL,
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  message TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'estimated', 'accepted', 'edited', 'escalated')),
  assignee TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (meter_id, channel, rule, start)
);
CREATE INDEX vee_exceptions_by_status ON vee_exceptions (status, created_at);

-- First arrival of each interval, for timeliness: per channel and UTC day, one uint16 per interval
-- = minutes after the interval's end + 1 (0: not arrived yet), little-endian.
CREATE TABLE vee_arrivals (
  meter_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  day INTEGER NOT NULL,
  interval_s INTEGER NOT NULL,
  late BLOB NOT NULL,
  PRIMARY KEY (meter_id, channel, day)
) WITHOUT ROWID;

CREATE TABLE vee_jobs (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
`,
};
