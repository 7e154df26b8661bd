import type { Migration } from './migration.ts';

/**
 * Settlement runs (docs/settlement.md). A run is immutable: a re-run after late data is the next
 * run number of the same day and zone, so every figure ever sent to the market can be shown again
 * and compared with its successor. One row per group and quarter-hour keeps a day of a market with
 * dozens of groups at a few thousand small rows.
 */
export const settlement: Migration = {
  version: 5,
  name: 'settlement',
  up: `
CREATE TABLE settlement_runs (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  day TEXT NOT NULL,
  zone TEXT NOT NULL,
  run_no INTEGER NOT NULL CHECK (run_no >= 1),
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('complete', 'incomplete')),
  consistent INTEGER NOT NULL,
  summary TEXT NOT NULL,
  checks TEXT NOT NULL,
  UNIQUE (day, zone, run_no)
);

CREATE TABLE settlement_groups (
  run_seq INTEGER NOT NULL REFERENCES settlement_runs (seq),
  grp INTEGER NOT NULL,
  grid_area TEXT NOT NULL,
  brp TEXT NOT NULL,
  supplier TEXT NOT NULL,
  metering_points INTEGER NOT NULL,
  meters INTEGER NOT NULL,
  export_meters INTEGER NOT NULL,
  PRIMARY KEY (run_seq, grp)
) WITHOUT ROWID;

CREATE TABLE settlement_periods (
  run_seq INTEGER NOT NULL,
  grp INTEGER NOT NULL,
  position INTEGER NOT NULL,
  start INTEGER NOT NULL,
  import_wh INTEGER NOT NULL,
  export_wh INTEGER NOT NULL,
  expected INTEGER NOT NULL,
  actual INTEGER NOT NULL,
  estimated INTEGER NOT NULL,
  missing INTEGER NOT NULL,
  PRIMARY KEY (run_seq, grp, position)
) WITHOUT ROWID;
`,
};
