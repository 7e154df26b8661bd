import type { Migration } from './migration.ts';

/**
 * Firmware signing keys (public only), signed images with their bytes as a BLOB, campaigns and one
 * job per (campaign, meter) (docs/firmware.md). Image bytes live in the database so that an image,
 * its hash and its signature are committed together and a backup of the database is complete.
 */
export const firmware: Migration = {
  version: 7,
  name: 'firmware',
  up: `
CREATE TABLE firmware_keys (
  id TEXT PRIMARY KEY,
  vendor TEXT NOT NULL,
  algorithm TEXT NOT NULL CHECK (algorithm IN ('ed25519', 'ecdsa-p256')),
  public_key TEXT NOT NULL,
  label TEXT,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX firmware_keys_by_vendor ON firmware_keys (vendor, id);

CREATE TABLE firmware_images (
  id TEXT PRIMARY KEY,
  vendor TEXT NOT NULL,
  models TEXT NOT NULL,
  version TEXT NOT NULL,
  identifier TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL UNIQUE,
  key_id TEXT NOT NULL REFERENCES firmware_keys (id),
  signature TEXT NOT NULL,
  bytes BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL
);

CREATE TABLE firmware_campaigns (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  image_id TEXT NOT NULL REFERENCES firmware_images (id),
  state TEXT NOT NULL,
  wave INTEGER NOT NULL,
  waves INTEGER NOT NULL,
  target TEXT NOT NULL,
  settings TEXT NOT NULL,
  halt TEXT,
  results TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  seq INTEGER NOT NULL
);
CREATE INDEX firmware_campaigns_by_state ON firmware_campaigns (state, seq);

CREATE TABLE firmware_jobs (
  campaign_id TEXT NOT NULL REFERENCES firmware_campaigns (id),
  meter_id TEXT NOT NULL,
  wave INTEGER,
  seq INTEGER NOT NULL,
  state TEXT NOT NULL,
  from_version TEXT,
  code TEXT,
  message TEXT,
  path TEXT,
  blocks_done INTEGER NOT NULL,
  blocks_total INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  PRIMARY KEY (campaign_id, meter_id)
);
CREATE INDEX firmware_jobs_by_order ON firmware_jobs (campaign_id, seq);
CREATE INDEX firmware_jobs_by_state ON firmware_jobs (campaign_id, state, wave, seq);
`,
};
