import type { Migration } from './migration.ts';

/** MQTT device, gateway and platform credentials: the secret's hash only (docs/mqtt.md). */
export const mqttCredentials: Migration = {
  version: 2,
  name: 'mqtt-credentials',
  up: `
CREATE TABLE mqtt_credentials (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('device', 'gateway', 'platform')),
  hash TEXT NOT NULL,
  meters TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) WITHOUT ROWID;
`,
};
