import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DAY_S } from '../model/index.ts';
import type { Ingestor } from '../ingest/ingest.port.ts';
import { createFleet } from '../sim/fleet.ts';
import { simFirmwareImage } from '../sim/firmware-image.ts';
import type { DlmsMeterFleetState } from '../sim/dlms/meter-server.ts';
import { startDlmsLive } from './dlms-live.ts';

const NOW = Date.UTC(2026, 3, 1) / 1000;
const fleet = createFleet({ seed: 'dlms-live-fw', meters: 3 });
const ingest = {
  submitDecoded: async () => ({ receiptSeq: 1, sha256: '', accepted: 1, rejected: [], written: 1, unchanged: 0, versioned: 0 }),
} as unknown as Ingestor;

test('dlms live: a firmware upgrade between read rounds; the meter keeps its new firmware across a restart of the platform', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'meterstack-dlms-live-'));
  const start = () => startDlmsLive({
    fleet, start: NOW - DAY_S, from: NOW - 3600, now: () => NOW, ingest, port: 0, dataDir, log: () => {}, onSecurityEvent: () => {},
  });
  const m = { ...fleet.meters[1]!, protocol: 'dlms' };
  const image = simFirmwareImage({ vendor: m.vendor!, model: m.model!, version: '7.0.0', size: 1500 });
  const saved = (): DlmsMeterFleetState => JSON.parse(readFileSync(join(dataDir, 'sim-dlms-meters.json'), 'utf8')) as DlmsMeterFleetState;
  try {
    let live = await start();
    try {
      assert.equal((await live.readAll()).failed, 0);
      const path = live.firmwarePath({ transfer: { pollIntervalMs: 2 } });
      assert.equal(path.reaches(m), true);
      // a read round and the upgrade at once: one association per meter, shared counters, no replay
      const [round, r] = await Promise.all([live.readAll(), path.upgrade(m, image, () => {}, new AbortController().signal)]);
      assert.equal(round.failed, 0);
      assert.deepEqual(r, { version: '7.0.0' });
    } finally {
      await live.close();
    }
    assert.deepEqual(saved().meters[m.id]?.firmware, { version: '7.0.0', identifier: image.identifier });
    live = await start();
    try {
      assert.equal((await live.readAll()).failed, 0, 'the restarted head-end and meters still agree on counters');
    } finally {
      await live.close();
    }
    assert.deepEqual(saved().meters[m.id]?.firmware, { version: '7.0.0', identifier: image.identifier }, 'restored into the meter and saved again');
    assert.equal(saved().meters[fleet.meters[0]!.id]?.firmware, undefined);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
