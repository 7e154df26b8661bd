import type { Migration } from './migration.ts';

/**
 * Interval data lives in one row per (channel, UTC day): the latest block in interval_blocks, each
 * superseded one in interval_block_history. `day` is days since 1970-01-01 (small integers keep
 * the key short). Channels carry an integer id (from `counters`) so that block keys stay a few bytes.
 */
export const initial: Migration = {
  version: 1,
  name: 'initial',
  up: `
CREATE TABLE meters (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  feeder_id TEXT,
  transformer_id TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  doc TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX meters_by_feeder ON meters (feeder_id, id);
CREATE INDEX meters_by_transformer ON meters (transformer_id, id);

-- No rowid and no second index: a channel costs one small row, which matters at 1 day of data.
-- obis is the six groups as a 48-bit integer (A·2^40 + … + F); unit / reading_type are NULL when
-- they are what the OBIS table derives.
CREATE TABLE channels (
  meter_id TEXT NOT NULL,
  obis INTEGER NOT NULL,
  id INTEGER NOT NULL,
  interval_s INTEGER NOT NULL,
  unit TEXT,
  reading_type TEXT,
  PRIMARY KEY (meter_id, obis)
) WITHOUT ROWID;

CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO counters (name, value) VALUES ('channel_id', 0);

CREATE TABLE feeders (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  substation TEXT
) WITHOUT ROWID;

CREATE TABLE transformers (
  id TEXT PRIMARY KEY,
  feeder_id TEXT NOT NULL,
  rating_kva REAL NOT NULL,
  lat REAL,
  lon REAL
) WITHOUT ROWID;

CREATE TABLE interval_blocks (
  channel_id INTEGER NOT NULL,
  day INTEGER NOT NULL,
  version INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (channel_id, day)
) WITHOUT ROWID;

CREATE TABLE interval_block_history (
  channel_id INTEGER NOT NULL,
  day INTEGER NOT NULL,
  version INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  superseded_at INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (channel_id, day, version)
) WITHOUT ROWID;

CREATE TABLE registers (
  meter_id TEXT NOT NULL,
  obis TEXT NOT NULL,
  at INTEGER NOT NULL,
  value INTEGER NOT NULL,
  quality INTEGER,
  PRIMARY KEY (meter_id, obis, at)
) WITHOUT ROWID;

CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  meter_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  code INTEGER NOT NULL,
  cim_type TEXT,
  details TEXT,
  UNIQUE (meter_id, at, code)
);
CREATE INDEX events_by_time ON events (at, id);

CREATE TABLE receipts (
  seq INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL,
  source TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);

CREATE TABLE rejects (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  source TEXT NOT NULL,
  receipt_seq INTEGER,
  position INTEGER NOT NULL,
  meter_id TEXT,
  channel TEXT,
  code TEXT NOT NULL,
  reason TEXT NOT NULL,
  item TEXT NOT NULL
);
CREATE INDEX rejects_by_meter ON rejects (meter_id, id);

CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  object TEXT NOT NULL,
  details TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_by_object ON audit (object, seq);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) WITHOUT ROWID;
`,
};
